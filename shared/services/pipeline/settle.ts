import type pg from 'pg';
import { getBankroll, updateBankrollInTx } from '#adapters/pg/bankroll';
import { closeSettledPositions, findSettleablePositions, type PositionSettlement } from '#adapters/pg/positions';
import type { TradingMode } from '#adapters/pg/rows';
import { inTransaction } from '#adapters/pg/transaction';
import { settlePosition } from '#domain/signals/index';

export interface SettlementResult {
  settled: number;
  payoutMicros: number;
  realizedPnlMicros: number;
}

const MAX_ATTEMPTS = 50;

/**
 * Settles every open position of finished games: the winning side pays $1 a contract. For each trading mode, in one
 * transaction: close the positions still open (so a second run finds nothing), then credit the payouts to the
 * bankroll with an optimistic lock; a moved bankroll version rolls back and tries again.
 */
export async function settleFinishedGames(pool: pg.Pool, nowMs: number, batchSize = 500): Promise<SettlementResult> {
  const total: SettlementResult = { settled: 0, payoutMicros: 0, realizedPnlMicros: 0 };
  for (;;) {
    const open = await findSettleablePositions(pool, batchSize);
    if (open.length === 0) return total;
    for (const mode of ['paper', 'live'] as const) {
      const settlements = open
        .filter((p) => p.mode === mode)
        .map((p): PositionSettlement => {
          const { payoutMicros, realizedPnlMicros } = settlePosition(p, p.winningSide);
          return {
            positionId: p.positionId,
            marketId: p.marketId,
            quantity: p.quantity,
            costBasisMicros: p.costBasisMicros,
            winningSide: p.winningSide,
            payoutMicros,
            realizedPnlMicros,
          };
        });
      if (settlements.length === 0) continue;
      const done = await settleInTx(pool, mode, settlements, nowMs);
      total.settled += done.length;
      for (const s of done) {
        total.payoutMicros += s.payoutMicros;
        total.realizedPnlMicros += s.realizedPnlMicros;
      }
    }
    if (open.length < batchSize) return total;
  }
}

/** Thrown inside the transaction to roll it back when the bankroll moved under us; the caller tries again. */
class BankrollMoved extends Error {}

async function settleInTx(
  pool: pg.Pool,
  mode: TradingMode,
  settlements: PositionSettlement[],
  nowMs: number,
): Promise<PositionSettlement[]> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      return await inTransaction(pool, async (client) => {
        const done = await closeSettledPositions(client, settlements, nowMs);
        const payout = done.reduce((sum, s) => sum + s.payoutMicros, 0);
        if (payout > 0) {
          const bankroll = await getBankroll(client, { mode });
          const updated = await updateBankrollInTx(client, {
            mode,
            expectedVersion: bankroll.version,
            newBalanceMicros: bankroll.balanceMicros + payout,
            reason: 'settlement',
            ref: done.map((s) => s.positionId).sort()[0]!,
          });
          if (!updated) throw new BankrollMoved();
        }
        return done;
      });
    } catch (error) {
      if (!(error instanceof BankrollMoved)) throw error;
    }
  }
  throw new Error(`settlement lost the bankroll race ${MAX_ATTEMPTS} times`);
}
