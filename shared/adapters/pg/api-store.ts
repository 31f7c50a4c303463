import type pg from 'pg';
import type { ApiStore, ApiStores } from '../../ports/api-store.ts';
import { appendAudit } from './audit-log.ts';
import { insertConsent, listConsents, lockActiveConsent, lockActiveConsentFor, revokeConsent } from './consents.ts';
import { insertOutboxEntry } from './job-outbox.ts';
import {
  cancelUnfinishedJobsFor,
  findJob,
  findJobByIdempotencyKey,
  insertJobOnce,
  listJobs,
  saveJobResponse,
  transitionJob,
} from './jobs.ts';
import { readKillSwitch, writeKillSwitch } from './kill-switch.ts';
import { lockVenuePayout, marketSettlementFacts, recordVenuePayout } from './market-settlement.ts';
import {
  deleteSession,
  findSealedSession,
  findSession,
  insertSession,
  listSessions,
  revokeSessionsForConsent,
  updateSession,
} from './sessions.ts';
import * as reads from './trading-reads.ts';
import { inTransaction } from './transaction.ts';
import { findWorker, holdsJob, listWorkers, lockOwnWorker, recordHeartbeat, registerWorker } from './workers.ts';

/** The API's stores on one connection: the pool (each statement on its own) or a client inside a transaction. */
function storesOn(db: pg.Pool | pg.PoolClient): ApiStores {
  return {
    audit: { append: (entry) => appendAudit(db, entry) },
    consents: {
      insert: (input) => insertConsent(db, input),
      list: (query) => listConsents(db, query),
      revoke: (userId, id) => revokeConsent(db, userId, id),
      lockActive: (userId, id) => lockActiveConsent(db, userId, id),
      lockActiveFor: (userId, scope, sportsbook) => lockActiveConsentFor(db, userId, scope, sportsbook),
    },
    sessions: {
      insert: (input) => insertSession(db, input),
      list: (query) => listSessions(db, query),
      find: (userId, id) => findSession(db, userId, id),
      findSealed: (userId, id) => findSealedSession(db, userId, id),
      update: (userId, id, change) => updateSession(db, userId, id, change),
      delete: (userId, id) => deleteSession(db, userId, id),
      revokeForConsent: (userId, consentId) => revokeSessionsForConsent(db, userId, consentId),
    },
    jobs: {
      insertOnce: (input) => insertJobOnce(db, input),
      findByIdempotencyKey: (userId, key) => findJobByIdempotencyKey(db, userId, key),
      saveResponse: (id, response) => saveJobResponse(db, id, response),
      find: (userId, id) => findJob(db, userId, id),
      list: (query) => listJobs(db, query),
      transition: (input) => transitionJob(db, input),
      cancelUnfinishedFor: (userId, sportsbook) => cancelUnfinishedJobsFor(db, userId, sportsbook),
      addOutboxMessage: (jobId, message) => insertOutboxEntry(db, jobId, message),
    },
    workers: {
      register: (input) => registerWorker(db, input),
      lockOwn: (input) => lockOwnWorker(db, input),
      holdsJob: (input) => holdsJob(db, input),
      recordHeartbeat: (input) => recordHeartbeat(db, input),
      find: (id) => findWorker(db, id),
      list: (query) => listWorkers(db, query),
    },
    killSwitch: { read: () => readKillSwitch(db), write: (input) => writeKillSwitch(db, input) },
    venuePayouts: {
      lock: (marketId) => lockVenuePayout(db, marketId),
      facts: (marketId) => marketSettlementFacts(db, marketId),
      record: (input) => recordVenuePayout(db, input),
    },
    trading: {
      listSignals: (q) => reads.listSignals(db, q),
      listTrades: (q) => reads.listTrades(db, q),
      listPositions: (q) => reads.listPositions(db, q),
      listBankrolls: (q) => reads.listBankrolls(db, q),
      listBankrollHistory: (q) => reads.listBankrollHistory(db, q),
      listGames: (q) => reads.listGames(db, q),
      listMarkets: (q) => reads.listMarkets(db, q),
    },
  };
}

/** The API's store on Postgres: `transaction` is one transaction on one pooled connection (`inTransaction`). */
export function createPgApiStore(pool: pg.Pool): ApiStore {
  return { ...storesOn(pool), transaction: (work) => inTransaction(pool, (client) => work(storesOn(client))) };
}
