/**
 * Polymarket tightens a market's tick near the extremes (`tick_size_change`, REFERENCE.md 2.6). The engine reports
 * each held market's new tick, so the stored tick follows the venue and the evaluator's tick check (`priceOffTick`)
 * judges a candidate on the grid its prices came from: on a simulated evening every price a candidate carries is on
 * its market's tick as last reported (discovery's, then each change).
 */
import { describe, expect, it } from 'vitest';
import { marketIdFor } from '#contracts/ids';
import { priceOffTick } from '#domain/risk/tradability';
import { createShardEngine } from '../../../containers/game-shard/engine.ts';
import { simulateEvening } from '../../../local/simulator/evening.ts';

describe('tick size changes', () => {
  it('are reported for held markets, and every candidate price is on its market tick as last reported', () => {
    const evening = simulateEvening({
      seed: 1,
      games: 4,
      sports: ['nba'],
      messages: 60_000,
      staleAfterMs: 30_000,
      thresholds: { minProfitMicros: 100_000, minEdgeBps: 10 },
    });
    const tick = new Map<string, number>();
    const offTick: string[] = [];
    let changes = 0;
    let candidates = 0;
    const engine = createShardEngine({
      settings: { minEdgeBps: 200, minArbProfitMicros: 100_000, minArbEdgeBps: 10, priceStaleAfterMs: 30_000 },
      outputs: {
        discovered: (games) => {
          for (const g of games) {
            for (const m of g.matched.markets) tick.set(marketIdFor(m.venue, m.venueMarketId), m.tickSizeMicros);
          }
        },
        tickSize: (change) => {
          expect(tick.has(change.marketId)).toBe(true);
          tick.set(change.marketId, change.tickSizeMicros);
          changes++;
        },
        candidate: ({ candidate }) => {
          candidates++;
          for (const leg of candidate.kind === 'arbitrage' ? [candidate.leg, candidate.hedge] : [candidate.leg]) {
            const t = tick.get(marketIdFor(leg.venue, leg.venueMarketId)) as number;
            for (const level of leg.depth) {
              if (priceOffTick(level.priceMicros, t)) offTick.push(`${leg.venueMarketId} ${level.priceMicros} on ${t}`);
            }
          }
        },
      },
    });
    let lineNo = 0;
    for (const line of evening.lines) engine.handle(line, lineNo++);
    expect(changes).toBeGreaterThan(0);
    expect(candidates).toBeGreaterThan(0);
    expect(offTick).toEqual([]);
  });
});
