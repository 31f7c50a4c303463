import { describe, expect, it } from 'vitest';
import { type ScanSide, scanSides } from '../../../shared/domain/shard/scan.ts';

/**
 * The scan tells whether a pair crosses at the top, found or not: the shard scans a game whose last scan found
 * nothing again only when it did (or something it reads moved).
 */

const side = (venue: ScanSide['venue'], paysOnTeam: string, askMicros: number): ScanSide => ({
  venue,
  venueMarketId: `${venue}-${paysOnTeam}`,
  side: 'yes',
  paysOnTeam,
  fee: venue === 'kalshi' ? { venue, liquidity: 'taker', multiplier: 1 } : { venue, rate: 0.03, exponent: 1 },
  minOrderQuantity: 100,
  resolutionKey: 'full-game',
  bestAskMicros: askMicros,
  // One contract: a cross too thin to clear the profit threshold.
  bestAskQuantity: 100,
  askDepth: () => [{ priceMicros: askMicros, quantity: 100 }],
  observedAtMs: 0,
  askChangedAtMs: 0,
  valid: true,
});

const input = (sides: ScanSide[], arbitrage = true) => ({
  homeTeam: 'BOS',
  homeWinProbability: null,
  sides,
  thresholds: { minEdgeBps: 100, minArbProfitMicros: 100_000, minArbEdgeBps: 10 },
  arbitrage,
  nowMs: 0,
});

describe('scanSides', () => {
  it('reports a crossed pair that is too thin to find', () => {
    const result = scanSides(input([side('kalshi', 'BOS', 400_000), side('polymarket', 'DEN', 550_000)]));
    expect(result).toEqual({ findings: [], crossedAtTop: true });
  });

  it('reports no cross when the tops sum to $1 or more, when a side is not buyable, or without arbitrage', () => {
    expect(scanSides(input([side('kalshi', 'BOS', 450_000), side('polymarket', 'DEN', 550_000)])).crossedAtTop).toBe(
      false,
    );
    const invalid = { ...side('polymarket', 'DEN', 550_000), valid: false };
    expect(scanSides(input([side('kalshi', 'BOS', 400_000), invalid])).crossedAtTop).toBe(false);
    // Same team on both venues: not a pair.
    expect(scanSides(input([side('kalshi', 'BOS', 400_000), side('polymarket', 'BOS', 550_000)])).crossedAtTop).toBe(
      false,
    );
    expect(
      scanSides(input([side('kalshi', 'BOS', 400_000), side('polymarket', 'DEN', 550_000)], false)).crossedAtTop,
    ).toBe(false);
  });

  it('finds a deep cross and reports it crossed', () => {
    const deep = (s: ScanSide): ScanSide => ({
      ...s,
      bestAskQuantity: 100_000,
      askDepth: () => [{ priceMicros: s.bestAskMicros, quantity: 100_000 }],
    });
    const result = scanSides(input([deep(side('kalshi', 'BOS', 400_000)), deep(side('polymarket', 'DEN', 500_000))]));
    expect(result.crossedAtTop).toBe(true);
    expect(result.findings.map((f) => f.kind)).toEqual(['arbitrage']);
  });
});
