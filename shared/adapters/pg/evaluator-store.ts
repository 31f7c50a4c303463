import type pg from 'pg';
import { z } from 'zod';
import { type ExecutionRequest, executionRequestFor } from '#contracts/execution-request';
import type { SignalCandidate } from '#contracts/signal-candidate';
import type { SurebetSignalDetails } from '#contracts/surebet-signal';
import { sides, type TradingMode, venues } from '#domain/names';
import {
  legsOf,
  marketKey,
  marketSideKey,
  type RejectionReason,
  type SurebetRejectionReason,
} from '#domain/risk/index';
import { moneyMicros, priceMicros, quantityHundredths } from '#domain/units';
import type {
  BatchSnapshot,
  DecisionRecord,
  KnownMarket,
  LoadWindow,
  NewDecision,
  NewSurebetDecision,
  SignalStore,
} from '../../ports/signal-store.ts';

/**
 * The evaluator's Postgres side. A batch is one transaction on one connection, in two round trips: the first opens it,
 * takes the mode's bankroll row FOR UPDATE (the risk lock) and loads everything risk needs (kill switch, bankroll,
 * exposure, cooldowns, daily P&L, markets, earlier decisions; `pipeline_lock_and_load`, migrations 0610, 0770); the
 * second writes every decision with the bankroll debit (`pipeline_write_decisions`) and commits. Evaluators queue on
 * the lock rather than racing for it, so none loses a batch to another; settlement and the kill switch's engage take
 * the same lock, so nothing a batch decided on can change before it commits. Both statements go as simple queries with
 * escaped literals: a parameterised query cannot share a round trip with BEGIN or COMMIT.
 */
const money = z.number().int().refine(Number.isSafeInteger);
/** Columns read as the domain's unit types; the row's CHECK constraints hold the same ranges. */
const moneyMicrosColumn = money.transform((n) => moneyMicros(n));
const priceMicrosColumn = money.transform((n) => priceMicros(n));
const hundredthsColumn = money.transform((n) => quantityHundredths(n));

const snapshotRow = z.object({
  kill: z.boolean().nullable(),
  bankroll: z.object({ balance: moneyMicrosColumn, version: money }),
  markets: z.array(
    z.object({
      id: z.string(),
      venue: z.string(),
      venue_market_id: z.string(),
      game_id: z.string().nullable(),
      open: z.boolean(),
      game_live: z.boolean(),
      tick_size_micros: money,
      tie_yes_payout_micros: money.nullable(),
      cancel_yes_payout_micros: money.nullable(),
      postpone_window_hours: money.nullable(),
      resolution_key: z.string(),
      outcome_team_id: z.string().nullable(),
    }),
  ),
  market_exposure: z.array(
    z.object({
      venue: z.string(),
      venue_market_id: z.string(),
      micros: moneyMicrosColumn,
      hundredths: hundredthsColumn,
    }),
  ),
  game_exposure: z.array(z.object({ game_id: z.string(), micros: moneyMicrosColumn })),
  total_exposure: moneyMicrosColumn,
  realized_today: moneyMicrosColumn,
  last_accepted: z.array(z.object({ venue: z.string(), venue_market_id: z.string(), side: z.string(), at_ms: money })),
  existing: z.array(
    z.object({
      candidate_id: z.string(),
      signal_id: z.string(),
      decision: z.enum(['accepted', 'rejected']),
      reason: z.string(),
      orders: z.array(
        z.object({
          id: z.string(),
          client_order_id: z.string(),
          venue: z.enum(venues),
          venue_market_id: z.string(),
          side: z.enum(sides),
          count_hundredths: hundredthsColumn,
          limit_price_micros: priceMicrosColumn,
          status: z.string(),
        }),
      ),
    }),
  ),
});

/** A value as an SQL literal: the batch's two statements go as simple queries, so each is one round trip. */
function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    return String(value);
  }
  // With standard_conforming_strings on (Postgres' default, checked on every batch), a quote is the only character to
  // escape; pg.escapeLiteral walks the string a character at a time, slow on a batch's kilobytes of JSON.
  return `'${value.replaceAll("'", "''")}'`;
}

function arrayLiteral(values: readonly string[], type: 'uuid' | 'text'): string {
  return `ARRAY[${values.map(literal).join(', ')}]::${type}[]`;
}

/**
 * Opens the batch's transaction, takes the risk lock and loads the snapshot, in one round trip. A batch waits at most
 * `lock_timeout` for the lock and fails rather than queue forever behind a stuck holder; a holder that stops talking
 * loses its transaction after `idle_in_transaction_session_timeout`.
 */
function lockAndLoadSql(mode: TradingMode, candidates: readonly SignalCandidate[], window: LoadWindow): string {
  const legs = candidates.flatMap(legsOf).map((l) => ({ venue: l.venue, venue_market_id: l.venueMarketId }));
  // The candidates are recorded first, before the lock: their payloads are the batch's bulk, and another batch may
  // hold the lock meanwhile. Only pre-lock statements write them, so none waits on them while holding the lock.
  return `BEGIN;
SELECT set_config('lock_timeout', '10s', true), set_config('idle_in_transaction_session_timeout', '10s', true),
       current_setting('standard_conforming_strings') AS conforming;
SELECT pipeline_record_candidates(${literal(JSON.stringify(candidates))}::jsonb, ${literal(window.receivedAtMs)});
SELECT pipeline_lock_and_load(${[
    `${literal(JSON.stringify(legs))}::jsonb`,
    literal(mode),
    arrayLiteral([...new Set(candidates.map((c) => c.gameId))], 'uuid'),
    literal(window.cooldownSinceMs),
    literal(window.dayStartMs),
    arrayLiteral(
      candidates.map((c) => c.id),
      'text',
    ),
  ].join(', ')}) AS snapshot`;
}

function toDecisionRecord(row: z.infer<typeof snapshotRow>['existing'][number]): DecisionRecord {
  return {
    candidateId: row.candidate_id,
    signalId: row.signal_id,
    status: row.decision,
    reason: row.decision === 'rejected' ? (row.reason as RejectionReason) : null,
    orderIds: row.orders.map((o) => o.id),
  };
}

/** The first decision of each surebet of a batch, as `pipeline_report_surebets` (migration 0730) returns them. */
const surebetDecisionsRow = z.array(
  z.object({
    candidate_id: z.string(),
    signal_id: z.string(),
    decision: z.enum(['accepted', 'rejected', 'reported']),
    reason: z.string(),
  }),
);

export function createPgSignalStore(pool: pg.Pool, mode: TradingMode): SignalStore {
  return {
    async reportSurebets(candidates, receivedAtMs, decide) {
      // Parameterised, one statement a round trip: no transaction is needed, as each write is idempotent on its own.
      const recorded = await pool.query<{ engaged: boolean | null }>(
        `SELECT pipeline_record_candidates($1::jsonb, $2) AS recorded, (SELECT engaged FROM kill_switch) AS engaged`,
        [JSON.stringify(candidates), receivedAtMs],
      );
      // No kill-switch row means nobody has said trading may go on: fail safe, as the trading path does.
      const { decisions, decidedAtMs } = decide(recorded.rows[0]?.engaged ?? true);
      const written = await pool.query<{ decided: unknown }>(
        `SELECT pipeline_report_surebets($1::jsonb, $2, $3) AS decided`,
        [JSON.stringify(decisions.map(surebetSignalRow)), mode, decidedAtMs],
      );
      const first = new Map(surebetDecisionsRow.parse(written.rows[0]?.decided).map((r) => [r.candidate_id, r]));
      return candidates.map((c) => {
        const row = first.get(c.id);
        if (!row) throw new Error(`surebet ${c.id} has no decision after its write`);
        return {
          candidateId: row.candidate_id,
          signalId: row.signal_id,
          status: row.decision,
          reason: row.decision === 'rejected' ? (row.reason as SurebetRejectionReason) : null,
          orderIds: [],
        };
      });
    },
    async decideBatch(candidates, window, decide) {
      const client = await pool.connect();
      let unusable: Error | undefined;
      try {
        const { snapshot, bankrollVersion } = await lockAndLoad(client, mode, candidates, window);
        const { decisions, decidedAtMs } = decide(snapshot);
        await client.query(writeAndCommitSql({ mode, bankrollVersion, decisions, decidedAtMs }));
        return { snapshot, decisions };
      } catch (error) {
        // A connection that cannot even roll back is not handed to the next batch.
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          unusable = rollbackError;
        });
        throw error;
      } finally {
        client.release(unusable);
      }
    },
  };
}

async function lockAndLoad(
  client: pg.PoolClient,
  mode: TradingMode,
  candidates: readonly SignalCandidate[],
  window: LoadWindow,
): Promise<{ snapshot: BatchSnapshot; bankrollVersion: number }> {
  const results = (await client.query(lockAndLoadSql(mode, candidates, window))) as unknown as pg.QueryResult[];
  // The literals above are only quoted right where backslashes are plain characters: refuse to go on otherwise.
  if (results[1]?.rows[0]?.conforming !== 'on') throw new Error('standard_conforming_strings must be on');
  const row = snapshotRow.parse(results.at(-1)!.rows[0].snapshot);
  const markets = new Map<string, KnownMarket>(
    row.markets.map((m) => [
      marketKey({ venue: m.venue, venueMarketId: m.venue_market_id }),
      {
        marketId: m.id,
        gameId: m.game_id,
        open: m.open,
        gameLive: m.game_live,
        tickSizeMicros: m.tick_size_micros,
        settlement: {
          tieYesPayoutMicros: m.tie_yes_payout_micros,
          cancelYesPayoutMicros: m.cancel_yes_payout_micros,
          postponeWindowHours: m.postpone_window_hours,
        },
        resolutionKey: m.resolution_key,
        outcomeTeamId: m.outcome_team_id,
      },
    ]),
  );
  const pendingRequests: ExecutionRequest[] =
    mode === 'live'
      ? row.existing.flatMap((e) =>
          e.orders
            .filter((o) => o.status === 'pending')
            .map((o) =>
              executionRequestFor({
                signalId: e.signal_id,
                orderId: o.id,
                clientOrderId: o.client_order_id,
                venue: o.venue,
                venueMarketId: o.venue_market_id,
                side: o.side,
                countHundredths: o.count_hundredths,
                limitPriceMicros: o.limit_price_micros,
              }),
            ),
        )
      : [];
  const snapshot: BatchSnapshot = {
    state: {
      // No kill-switch row means nobody has said trading may go on: fail safe.
      killSwitchEngaged: row.kill ?? true,
      bankrollMicros: row.bankroll.balance,
      exposureByMarketMicros: new Map(
        row.market_exposure.map((e) => [marketKey({ venue: e.venue, venueMarketId: e.venue_market_id }), e.micros]),
      ),
      contractsByMarket: new Map(
        row.market_exposure.map((e) => [marketKey({ venue: e.venue, venueMarketId: e.venue_market_id }), e.hundredths]),
      ),
      exposureByGameMicros: new Map(row.game_exposure.map((e) => [e.game_id, e.micros])),
      totalExposureMicros: row.total_exposure,
      realizedPnlTodayMicros: row.realized_today,
      lastAcceptedAtMs: new Map(
        row.last_accepted.map((l) => [
          marketSideKey({ venue: l.venue, venueMarketId: l.venue_market_id, side: l.side }),
          l.at_ms,
        ]),
      ),
    },
    markets,
    existing: new Map(row.existing.map((e) => [e.candidate_id, toDecisionRecord(e)])),
    pendingRequests,
  };
  return { snapshot, bankrollVersion: row.bankroll.version };
}

interface DecisionsWrite {
  mode: TradingMode;
  /** The version read under the lock: the write function still checks it, so a caller without the lock fails. */
  bankrollVersion: number;
  decisions: readonly NewDecision[];
  decidedAtMs: number;
}

/** The batch's decisions and its debit, then COMMIT, in one round trip; a failed write skips the COMMIT. */
function writeAndCommitSql(write: DecisionsWrite): string {
  const { mode, decisions } = write;
  if (decisions.length === 0) return 'COMMIT';
  const debitMicros =
    mode === 'paper'
      ? decisions.reduce((sum, d) => sum + (d.decision.status === 'accepted' ? d.decision.totalCostMicros : 0), 0)
      : 0;
  const firstAccepted = decisions.find((d) => d.decision.status === 'accepted');
  const args = [
    `${literal(JSON.stringify(decisions.map(signalRow)))}::jsonb`,
    `${literal(JSON.stringify(decisions.flatMap(orderRows)))}::jsonb`,
    literal(mode),
    literal(write.decidedAtMs),
    literal(write.bankrollVersion),
    literal(debitMicros),
    literal(firstAccepted?.signalId ?? null),
  ];
  return `SELECT pipeline_write_decisions(${args.join(', ')});
COMMIT`;
}

function signalRow(d: NewDecision) {
  const accepted = d.decision.status === 'accepted' ? d.decision : undefined;
  return {
    candidate_id: d.candidate.id,
    signal_id: d.signalId,
    decision: d.decision.status,
    reason: d.decision.status === 'rejected' ? d.decision.reason : 'accepted',
    edge_bps: d.decision.edgeBps,
    win_probability: d.candidate.modelProbability,
    size_hundredths: accepted ? accepted.fills[0]!.quantity : null,
    stake_micros: accepted ? accepted.totalCostMicros : null,
    details: { kind: d.candidate.kind, fills: accepted?.fills ?? [] },
  };
}

function surebetSignalRow({ candidate, signalId, decision }: NewSurebetDecision) {
  const reported = decision.status === 'reported' ? decision : undefined;
  const details: SurebetSignalDetails = {
    kind: 'surebet',
    eventKey: candidate.eventKey,
    market: candidate.market,
    gameId: candidate.gameId,
    marginBps: candidate.marginBps,
    totalStakeMicros: candidate.totalStakeMicros,
    claimedProfitMicros: candidate.profitMicros,
    guaranteedPayoutMicros: reported?.guaranteedPayoutMicros ?? null,
    guaranteedProfitMicros: reported?.guaranteedProfitMicros ?? null,
    priceObservedAtMs: candidate.priceObservedAtMs,
    legs: candidate.legs,
  };
  return {
    candidate_id: candidate.id,
    signal_id: signalId,
    decision: decision.status,
    reason: decision.reason,
    edge_bps: candidate.marginBps,
    stake_micros: reported ? candidate.totalStakeMicros : null,
    details,
  };
}

function orderRows(d: NewDecision) {
  return d.orders.map((o) => ({
    order_id: o.orderId,
    signal_id: d.signalId,
    client_order_id: o.clientOrderId,
    venue: o.fill.venue,
    market_id: o.marketId,
    side: o.fill.side,
    count_hundredths: o.fill.quantity,
    limit_price_micros: o.fill.limitPriceMicros,
    average_price_micros: o.fill.averagePriceMicros,
    cost_micros: o.fill.costMicros,
    fee_micros: o.fill.feeMicros,
  }));
}
