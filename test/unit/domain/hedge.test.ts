import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryArbitrage } from '#domain/binary-arbitrage';
import {
  DEFAULT_HEDGE_POLICY,
  decideHedge,
  hedgeClientOrderId,
  hedgedPairNetMicros,
  type OpenHedgeState,
} from '#domain/execution/hedge';
import { hundredthsOf, moneyMicros, priceMicros, quantityHundredths } from '#domain/units';

/** 10 contracts of Polymarket YES bought at $0.45 with no fee; the Kalshi NO leg's limit was $0.50. */
const base: OpenHedgeState = {
  openHundredths: quantityHundredths(1000),
  firstCostMicros: moneyMicros(4_500_000),
  firstFeeSchedule: { venue: 'polymarket' },
  firstBestBidMicros: priceMicros(430_000),
  secondFeeSchedule: { venue: 'kalshi' },
  secondLimitMicros: priceMicros(500_000),
  attempts: 1,
  msSinceFirstFill: 5_000,
  gameStatus: 'in_progress',
};

describe('open hedge rule', () => {
  it('retries within the window at the highest bid that keeps the pair >= 0 after fees', () => {
    // At $0.52: $10 payout - $4.50 - $5.20 - Kalshi fee roundup(0.07 x 10 x 0.52 x 0.48) = $0.18 -> +$0.12.
    expect(hedgedPairNetMicros(base, priceMicros(520_000))).toBe(120_000);
    expect(decideHedge(base)).toEqual({ action: 'retry', attempt: 2, quantity: 1000, priceMicros: 520_000 });
  });

  it('bids less than the full slippage when the full slippage would lose', () => {
    // First leg at $4.65: at $0.52 the pair nets -$0.03, at $0.51 it nets +$0.07.
    const hedge = { ...base, firstCostMicros: moneyMicros(4_650_000) };
    expect(hedgedPairNetMicros(hedge, priceMicros(520_000))).toBe(-30_000);
    expect(decideHedge(hedge)).toEqual({ action: 'retry', attempt: 2, quantity: 1000, priceMicros: 510_000 });
  });

  it('unwinds at the best bid once the window closes or the attempts run out', () => {
    const unwind = { action: 'unwind', quantity: 1000, priceMicros: 430_000, proceedsMicros: 4_300_000 };
    expect(decideHedge({ ...base, msSinceFirstFill: 30_001 })).toEqual(unwind);
    expect(decideHedge({ ...base, attempts: DEFAULT_HEDGE_POLICY.maxAttempts })).toEqual(unwind);
  });

  it('unwinds instead of a retry that would make the pair lose after fees', () => {
    // First leg at $4.90: even the $0.50 limit nets -$0.08.
    const hedge = { ...base, firstCostMicros: moneyMicros(4_900_000) };
    expect(hedgedPairNetMicros(hedge, priceMicros(500_000))).toBe(-80_000);
    expect(decideHedge(hedge).action).toBe('unwind');
  });

  it("takes the first venue's fee off the unwind's proceeds", () => {
    const hedge = { ...base, firstFeeSchedule: { venue: 'polymarket' as const, rate: 0.03, exponent: 1 } };
    const decision = decideHedge({ ...hedge, attempts: 3 });
    expect(decision.action).toBe('unwind');
    if (decision.action === 'unwind') expect(decision.proceedsMicros).toBeLessThan(4_300_000);
  });

  it('keeps it reported when no order can be placed', () => {
    expect(decideHedge({ ...base, gameStatus: 'final' })).toEqual({ action: 'report', reason: 'game_not_tradable' });
    expect(decideHedge({ ...base, attempts: 3, firstBestBidMicros: undefined })).toEqual({
      action: 'report',
      reason: 'no_bid',
    });
  });

  it('acts on whole contracts only, so every follow-up is an order an execution request can carry', () => {
    // 7.5 contracts open (a fractional partial fill): the retry buys 7, the unwind sells 7, at 7/7.5 of the cost.
    const hedge = { ...base, openHundredths: quantityHundredths(750), firstCostMicros: moneyMicros(3_375_000) };
    expect(decideHedge(hedge)).toMatchObject({ action: 'retry', quantity: 700 });
    expect(decideHedge({ ...hedge, attempts: 3 })).toMatchObject({ action: 'unwind', quantity: 700 });
    const sevenCost = { ...base, openHundredths: quantityHundredths(700), firstCostMicros: moneyMicros(3_150_000) };
    expect(decideHedge(hedge)).toEqual(decideHedge(sevenCost));
    // Under one contract left: nothing to send, it stays reported.
    expect(decideHedge({ ...hedge, openHundredths: quantityHundredths(50) })).toEqual({
      action: 'report',
      reason: 'under_one_contract',
    });
  });

  it('gives each follow-up order one client order id', () => {
    expect(hedgeClientOrderId('h1', 'retry', 2)).toBe(hedgeClientOrderId('h1', 'retry', 2));
    expect(hedgeClientOrderId('h1', 'retry', 2)).not.toBe(hedgeClientOrderId('h1', 'retry', 3));
    expect(hedgeClientOrderId('h1', 'unwind', 3)).not.toBe(hedgeClientOrderId('h1', 'retry', 3));
  });

  it('never retries at a price that makes the pair lose after fees (checked by binaryArbitrage)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 10_000, max: 990_000 }),
        fc.integer({ min: 10_000, max: 990_000 }),
        fc.integer({ min: 0, max: 5 }),
        (count, firstPrice, limit, multiplierTenths) => {
          const hedge: OpenHedgeState = {
            ...base,
            openHundredths: hundredthsOf(count),
            firstCostMicros: moneyMicros(count * firstPrice),
            secondFeeSchedule: { venue: 'kalshi', multiplier: multiplierTenths / 5 },
            secondLimitMicros: priceMicros(limit),
          };
          const decision = decideHedge(hedge);
          if (decision.action !== 'retry') return;
          const pair = binaryArbitrage(
            { venue: 'polymarket', askMicros: firstPrice },
            { venue: 'kalshi', askMicros: decision.priceMicros, feeSchedule: { multiplier: multiplierTenths / 5 } },
            count,
          );
          expect(pair.profitMicros).toBeGreaterThanOrEqual(0);
          expect(decision.priceMicros).toBeGreaterThanOrEqual(limit);
          expect(decision.priceMicros).toBeLessThanOrEqual(limit + DEFAULT_HEDGE_POLICY.maxSlippageMicros);
        },
      ),
    );
  });
});
