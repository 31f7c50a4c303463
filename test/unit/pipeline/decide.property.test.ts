import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, marketKey, type RiskLimits, type RiskState } from '#domain/signals/index';
import { arbitrageCandidate, modelEdgeCandidate } from '../../../local/pipeline/sample-candidates.ts';

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
          const limits: RiskLimits = {
            staleAfterMs: 30_000,
            minEdgeBps: 200,
            cooldownMs: 60_000,
            kellyFraction,
            maxExposurePerMarketMicros: 250_000_000,
            maxExposurePerGameMicros: 500_000_000,
            maxTotalExposureMicros: 2_000_000_000,
            dailyLossLimitMicros: 200_000_000,
          };
          const state: RiskState = {
            killSwitchEngaged: false,
            bankrollMicros: bankroll,
            exposureByMarketMicros: new Map([[marketKey(candidate.leg), marketUsed]]),
            exposureByGameMicros: new Map([[candidate.gameId, gameUsed]]),
            totalExposureMicros: totalUsed,
            realizedPnlTodayMicros: 0,
            lastAcceptedAtMs: new Map(),
          };
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
