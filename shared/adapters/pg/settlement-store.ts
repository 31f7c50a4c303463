import type pg from 'pg';
import type { SettlementStore } from '../../ports/settlement-store.ts';
import { bankrollPeakMicros, getBankroll, lockBankroll, updateBankrollInTx } from './bankroll.ts';
import {
  closeSettledPositions,
  countOverduePositions,
  findSettlementCandidates,
  markAwaitingVenue,
} from './positions.ts';
import { inTransaction } from './transaction.ts';

/** The settlement run's store on Postgres: each locked-bankroll unit of work is one transaction on one connection. */
export function createPgSettlementStore(pool: pg.Pool): SettlementStore {
  return {
    withLockedBankroll: (key, work) =>
      inTransaction(pool, async (client) => {
        const bankroll = await lockBankroll(client, key);
        return work(
          {
            findCandidates: (opts) => findSettlementCandidates(client, opts),
            markAwaitingVenue: (positionIds, atMs) => markAwaitingVenue(client, positionIds, atMs),
            closeSettledPositions: (settlements, atMs) => closeSettledPositions(client, settlements, atMs),
            updateBankroll: (update) => updateBankrollInTx(client, update),
          },
          bankroll,
        );
      }),
    bankroll: (key) => getBankroll(pool, key),
    bankrollPeakMicros: (key) => bankrollPeakMicros(pool, key),
    countOverduePositions: (endedBeforeMs) => countOverduePositions(pool, endedBeforeMs),
  };
}
