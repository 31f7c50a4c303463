import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderFeeMicros, walkLevels } from '#domain';
import { applyAccepted, decide, marketKey, type RiskLimits, type RiskState } from '#domain/risk/index';
import { defaultLimits, marketFacts, riskState } from '../../support/risk.ts';
import { arbitrageCandidate, kalshiLeg, modelEdgeCandidate, polymarketLeg } from '../../support/sample-candidates.ts';

const NOW = Date.UTC(2026, 10, 23, 20, 0, 0);
const micros = (max: number) => fc.integer({ min: 0, max });

describe('decide (properties)', () => {
  it('never commits more than the bankroll or any limit allows, and sizes arbitrage legs equally', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.double({ min: 0.5, max: 0.95, noNaN: true }),
        micros(5_000_000_000),
        micros(300_000_000),
        micros(600_000_000),
        micros(2_500_000_000),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (arb, probability, bankroll, marketUsed, gameUsed, totalUsed, kellyFraction) => {
          const candidate = arb
            ? arbitrageCandidate({ nowMs: NOW })
            : modelEdgeCandidate({ nowMs: NOW, modelProbability: probability });
          const limits: RiskLimits = { ...defaultLimits, kellyFraction };
          const state = riskState({
            killSwitchEngaged: false,
            bankrollMicros: bankroll,
            exposureByMarketMicros: new Map([[marketKey(candidate.leg), marketUsed]]),
            contractsByMarket: new Map(),
            exposureByGameMicros: new Map([[candidate.gameId, gameUsed]]),
            totalExposureMicros: totalUsed,
            realizedPnlTodayMicros: 0,
            lastAcceptedAtMs: new Map(),
          });
          const d = decide({ candidate, state, limits, nowMs: NOW });
          if (d.status !== 'accepted') return;
          expect(d.totalCostMicros).toBeLessThanOrEqual(bankroll);
          expect(d.totalCostMicros).toBeLessThanOrEqual(Math.floor(kellyFraction * bankroll));
          expect(d.totalCostMicros).toBeLessThanOrEqual(limits.maxExposurePerGameMicros - gameUsed);
          expect(d.totalCostMicros).toBeLessThanOrEqual(limits.maxTotalExposureMicros - totalUsed);
          const first = d.fills[0]!;
          expect(first.costMicros + first.feeMicros).toBeLessThanOrEqual(
            limits.maxExposurePerMarketMicros - marketUsed,
          );
          for (const fill of d.fills) {
            expect(fill.quantity % 100).toBe(0);
            expect(fill.quantity).toBe(first.quantity);
            expect(fill.averagePriceMicros).toBeGreaterThanOrEqual(arb ? 0 : candidate.leg.askMicros);
          }
          expect(first.quantity).toBeGreaterThanOrEqual(candidate.leg.minOrderQuantity);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A book on the cent grid: 1 to 4 ascending levels, fractional sizes. */
const bookArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 4 })
  .chain((cents) =>
    fc.tuple(
      fc.constant([...cents].sort((a, b) => a - b)),
      fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: cents.length, maxLength: cents.length }),
    ),
  )
  .map(([cents, sizes]) => cents.map((c, i) => ({ priceMicros: c * 10_000, quantity: sizes[i]! })));

const kalshiFee = fc.record({
  venue: fc.constant('kalshi' as const),
  liquidity: fc.constantFrom('taker' as const, 'maker' as const),
  multiplier: fc.constantFrom(0.5, 1, 2),
});
const polymarketFee = fc.record({
  venue: fc.constant('polymarket' as const),
  rate: fc.constantFrom(0, 0.02, 0.03, 0.05),
  exponent: fc.constantFrom(1, 2),
});

const facts = marketFacts();

const generated = fc
  .record({
    arb: fc.boolean(),
    probability: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    leg: bookArb,
    hedge: bookArb,
    legFee: kalshiFee,
    hedgeFee: polymarketFee,
    minContracts: fc.integer({ min: 1, max: 5 }),
    ageMs: fc.integer({ min: -3_000, max: 35_000 }),
    bankroll: micros(5_000_000_000),
    marketUsed: micros(300_000_000),
    gameUsed: micros(600_000_000),
    totalUsed: micros(2_500_000_000),
    contractsUsed: fc.integer({ min: 0, max: 2_500_000 }),
  })
  .map((g) => {
    const legs = {
      leg: kalshiLeg({
        askMicros: g.leg[0]!.priceMicros,
        depth: g.leg,
        fee: g.legFee,
        minOrderQuantity: g.minContracts * 100,
      }),
      hedge: polymarketLeg({ askMicros: g.hedge[0]!.priceMicros, depth: g.hedge, fee: g.hedgeFee }),
    };
    const stamp = { nowMs: NOW, priceObservedAtMs: NOW - g.ageMs, modelProbability: g.probability };
    const candidate = g.arb
      ? arbitrageCandidate({ ...stamp, ...legs, edgeBps: 10_000 })
      : modelEdgeCandidate({ ...stamp, leg: legs.leg, edgeBps: 10_000 });
    const state = riskState({
      killSwitchEngaged: false,
      bankrollMicros: g.bankroll,
      exposureByMarketMicros: new Map([[marketKey(candidate.leg), g.marketUsed]]),
      contractsByMarket: new Map([[marketKey(candidate.leg), g.contractsUsed]]),
      exposureByGameMicros: new Map([[candidate.gameId, g.gameUsed]]),
      totalExposureMicros: g.totalUsed,
      realizedPnlTodayMicros: 0,
      lastAcceptedAtMs: new Map(),
    });
    return { candidate, state };
  });

describe('decide over generated candidates (properties)', () => {
  it('for every accepted candidate, stake, fills, fees, exposure and the debit agree to the micro', () => {
    let accepted = 0;
    fc.assert(
      fc.property(generated, ({ candidate, state }) => {
        const markets = candidate.kind === 'arbitrage' ? [facts, facts] : [facts];
        const d = decide({ candidate, state, limits: defaultLimits, nowMs: NOW, markets });
        expect(Number.isSafeInteger(d.edgeBps)).toBe(true);
        if (d.status !== 'accepted') return;
        accepted += 1;
        const legs = candidate.kind === 'arbitrage' ? [candidate.leg, candidate.hedge] : [candidate.leg];
        let sum = 0;
        d.fills.forEach((fill, i) => {
          const walk = walkLevels(legs[i]!.depth, fill.quantity, true);
          expect(walk.complete).toBe(true);
          expect(fill.costMicros).toBe(walk.notionalMicros);
          expect(fill.feeMicros).toBe(orderFeeMicros(legs[i]!.fee, walk.fills));
          expect(fill.averagePriceMicros).toBeGreaterThanOrEqual(legs[i]!.askMicros);
          expect(fill.limitPriceMicros).toBe(walk.fills.at(-1)!.priceMicros);
          expect(fill.quantity % 100).toBe(0);
          expect(fill.quantity).toBeLessThanOrEqual(defaultLimits.maxContractsPerOrder * 100);
          for (const v of [fill.quantity, fill.costMicros, fill.feeMicros]) expect(Number.isSafeInteger(v)).toBe(true);
          sum += fill.costMicros + fill.feeMicros;
        });
        expect(d.totalCostMicros).toBe(sum);
        const after = applyAccepted(state, candidate, d.fills, NOW);
        expect(state.bankrollMicros - after.bankrollMicros).toBe(d.totalCostMicros);
        expect(after.bankrollMicros).toBeGreaterThanOrEqual(0);
        expect(after.totalExposureMicros - state.totalExposureMicros).toBe(d.totalCostMicros);
        expect(after.totalExposureMicros).toBeLessThanOrEqual(defaultLimits.maxTotalExposureMicros);
        expect(after.exposureByGameMicros.get(candidate.gameId)).toBeLessThanOrEqual(
          defaultLimits.maxExposurePerGameMicros,
        );
        for (const [key, micros] of after.exposureByMarketMicros) {
          expect(micros).toBeLessThanOrEqual(
            Math.max(defaultLimits.maxExposurePerMarketMicros, state.exposureByMarketMicros.get(key) ?? 0),
          );
        }
        for (const [, hundredths] of after.contractsByMarket) {
          expect(hundredths).toBeLessThanOrEqual(defaultLimits.maxContractsPerMarket * 100);
        }
      }),
      { numRuns: 2_000 },
    );
    // The generator reaches acceptance often enough for the checks above to mean something.
    console.log(`[decide] ${accepted} of 2000 generated candidates accepted`);
    expect(accepted).toBeGreaterThan(50);
  });

  it('accepts what should be accepted: a clear edge, a fresh price, room under every limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 70 }),
        fc.integer({ min: 10, max: 25 }),
        fc.integer({ min: 1_000, max: 500_000 }),
        fc.boolean(),
        (askCents, edgeCents, size, arb) => {
          const depth = [{ priceMicros: askCents * 10_000, quantity: size }];
          const state = riskStateFor(1_000_000_000);
          const candidate = arb
            ? arbitrageCandidate({
                nowMs: NOW,
                leg: kalshiLeg({ askMicros: askCents * 10_000, depth }),
                hedge: polymarketLeg({
                  askMicros: (100 - askCents - edgeCents) * 10_000,
                  depth: [{ priceMicros: (100 - askCents - edgeCents) * 10_000, quantity: size }],
                }),
              })
            : modelEdgeCandidate({
                nowMs: NOW,
                modelProbability: (askCents + edgeCents) / 100,
                leg: kalshiLeg({ askMicros: askCents * 10_000, depth }),
              });
          const markets = arb ? [facts, facts] : [facts];
          expect(decide({ candidate, state, limits: defaultLimits, nowMs: NOW, markets })).toMatchObject({
            status: 'accepted',
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

function riskStateFor(bankrollMicros: number): RiskState {
  return riskState({
    killSwitchEngaged: false,
    bankrollMicros,
    exposureByMarketMicros: new Map(),
    contractsByMarket: new Map(),
    exposureByGameMicros: new Map(),
    totalExposureMicros: 0,
    realizedPnlTodayMicros: 0,
    lastAcceptedAtMs: new Map(),
  });
}
