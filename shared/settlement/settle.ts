import { type TradingMode, tradingModes } from '#domain/names';
import { settlePosition } from '#domain/risk/index';
import { gameOutcome, settlementDecision } from '#domain/settlement/index';
import type {
  Bankroll,
  PositionSettlement,
  SettlementStore,
  SettlementTransaction,
} from '../ports/settlement-store.ts';

export interface SettlementResult {
  settled: number;
  payoutMicros: number;
  realizedPnlMicros: number;
  /** Positions whose payout only the venue can set, still open until that value is entered. */
  awaitingVenue: number;
}

const MODES: readonly TradingMode[] = tradingModes;

/**
 * Settles every open position whose game is decided, by its market's own rule (a winner pays $1, a tie or a
 * cancellation what the rule says); a position whose payout the venue sets waits, flagged, until the value is stored.
 * Each page of positions is one transaction per mode that first locks the mode's bankroll row (`FOR UPDATE`, as the
 * evaluator and the kill switch do): a concurrent or repeated run waits, then finds those positions closed.
 */
export async function settleFinishedGames(
  store: SettlementStore,
  nowMs: number,
  batchSize = 500,
): Promise<SettlementResult> {
  const total: SettlementResult = { settled: 0, payoutMicros: 0, realizedPnlMicros: 0, awaitingVenue: 0 };
  for (const mode of MODES) {
    let afterId: string | undefined;
    for (;;) {
      const page = await store.withLockedBankroll({ mode }, (tx, bankroll) =>
        settlePage(tx, bankroll, { mode, afterId, batchSize, nowMs }),
      );
      total.settled += page.done.length;
      total.awaitingVenue += page.awaitingVenue;
      for (const s of page.done) {
        total.payoutMicros += s.payoutMicros;
        total.realizedPnlMicros += s.realizedPnlMicros;
      }
      if (page.lastId === undefined) break;
      afterId = page.lastId;
    }
  }
  return total;
}

async function settlePage(
  tx: SettlementTransaction,
  bankroll: Bankroll,
  opts: { mode: TradingMode; afterId: string | undefined; batchSize: number; nowMs: number },
): Promise<{ done: PositionSettlement[]; awaitingVenue: number; lastId: string | undefined }> {
  const candidates = await tx.findCandidates({
    mode: opts.mode,
    afterId: opts.afterId,
    limit: opts.batchSize,
  });
  const settlements: PositionSettlement[] = [];
  const awaiting: string[] = [];
  for (const c of candidates) {
    const decision = settlementDecision({
      rule: c.market.rule,
      side: c.side,
      outcome: gameOutcome(c.market.game, opts.nowMs),
      venueYesPayoutMicros: c.market.venueYesPayoutMicros,
    });
    if (decision.kind === 'await_venue') awaiting.push(c.positionId);
    if (decision.kind !== 'pay') continue;
    settlements.push({
      positionId: c.positionId,
      marketId: c.marketId,
      quantity: c.quantity,
      costBasisMicros: c.costBasisMicros,
      marketYesPayoutMicros: decision.yesPayoutMicros,
      ...settlePosition(c, decision.perContractMicros),
    });
  }
  await tx.markAwaitingVenue(awaiting, opts.nowMs);
  const done = await tx.closeSettledPositions(settlements, opts.nowMs);
  const payout = done.reduce((sum, s) => sum + s.payoutMicros, 0);
  if (payout > 0) {
    const updated = await tx.updateBankroll({
      mode: opts.mode,
      expectedVersion: bankroll.version,
      newBalanceMicros: bankroll.balanceMicros + payout,
      reason: 'settlement',
      ref: done.map((s) => s.positionId).sort()[0]!,
    });
    // The row is locked by this transaction: a moved version means a writer ignored the lock.
    if (!updated) throw new Error(`bankroll ${opts.mode} changed under settlement's row lock`);
  }
  const lastId = candidates.length < opts.batchSize ? undefined : candidates.at(-1)?.positionId;
  return { done, awaitingVenue: awaiting.length, lastId };
}
