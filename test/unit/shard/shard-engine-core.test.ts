import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gameIdFor, marketIdFor } from '#contracts/ids';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { optimalArbitrage, type PriceLevel } from '#domain';
import { MarketBook } from '../../../shared/domain/shard/book.ts';
import { Hysteresis } from '../../../shared/domain/shard/hysteresis.ts';
import { Ladder } from '../../../shared/domain/shard/ladder.ts';
import { pregameConsensus } from '../../../shared/domain/shard/pregame.ts';
import { type Finding, type ScanSide, scan, toCandidate } from '../../../shared/domain/shard/scan.ts';

const KALSHI_FEE = { venue: 'kalshi', liquidity: 'taker', multiplier: 1 } as const;
const POLY_FEE = { venue: 'polymarket', rate: 0.03, exponent: 1 } as const;

/** The levels a ladder should hold after the same operations, computed the slow way. */
function rebuilt(ops: readonly { price: number; size: number; add: boolean }[]): Map<number, number> {
  const levels = new Map<number, number>();
  for (const op of ops) {
    const next = op.add ? (levels.get(op.price) ?? 0) + op.size : op.size;
    if (next < 0) continue;
    if (next === 0) levels.delete(op.price);
    else levels.set(op.price, next);
  }
  return levels;
}

const opArb = fc.record({
  price: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000),
  size: fc.integer({ min: -2_000, max: 2_000 }),
  add: fc.boolean(),
});

describe('Ladder (one side of a live book)', () => {
  it('after random sets and deltas holds what a snapshot of the same levels holds, best first', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), fc.boolean(), (ops, highest) => {
        const ladder = new Ladder(highest ? 'highest' : 'lowest');
        for (const op of ops) {
          if (op.add) ladder.add(op.price, op.size);
          else ladder.set(op.price, Math.max(0, op.size));
        }
        const expected = rebuilt(ops.map((o) => (o.add ? o : { ...o, size: Math.max(0, o.size) })));
        const snapshot = new Ladder(highest ? 'highest' : 'lowest');
        snapshot.replace([...expected].map(([priceMicros, quantity]) => ({ priceMicros, quantity })));
        expect(ladder.levels(1_000)).toEqual(snapshot.levels(1_000));
        const sorted = [...expected.keys()].sort((a, b) => (highest ? b - a : a - b));
        expect(ladder.levels(1_000).map((l) => l.priceMicros)).toEqual(sorted);
        expect(ladder.bestPrice()).toBe(sorted[0] ?? -1);
      }),
    );
  });

  it('refuses a delta that would drive a level below zero, changing nothing', () => {
    const ladder = new Ladder('highest');
    ladder.set(500_000, 100);
    expect(ladder.add(500_000, -101)).toBe(false);
    expect(ladder.sizeAt(500_000)).toBe(100);
    expect(ladder.add(500_000, -100)).toBe(true);
    expect(ladder.length).toBe(0);
  });
});

describe('MarketBook', () => {
  it('reads a Kalshi side asks as the other side bids mirrored, and is invalid until a snapshot', () => {
    const book = new MarketBook('kalshi', 'KX-DEN');
    expect(book.valid).toBe(false);
    expect(book.applyKalshiDelta('yes', 600_000, 100, 1)).toBe(false);
    book.snapshotKalshi(
      [
        { priceMicros: 600_000, quantity: 500 },
        { priceMicros: 590_000, quantity: 700 },
      ],
      [{ priceMicros: 380_000, quantity: 900 }],
      2,
    );
    expect(book.valid).toBe(true);
    expect(book.bestAsk('yes')).toBe(620_000);
    expect(book.bestAsk('no')).toBe(400_000);
    expect(book.askDepth('no', 5)).toEqual([
      { priceMicros: 400_000, quantity: 500 },
      { priceMicros: 410_000, quantity: 700 },
    ]);
    expect(book.bestBid('no')).toBe(380_000);
    expect(book.applyKalshiDelta('no', 380_000, -1_000, 3)).toBe(false);
    expect(book.valid).toBe(false);
  });

  it('holds a Polymarket token own bids and asks; price_change sets the aggregate size', () => {
    const book = new MarketBook('polymarket', 'tok');
    book.snapshotPolymarket([{ priceMicros: 320_000, quantity: 100 }], [{ priceMicros: 330_000, quantity: 900 }], 1);
    book.setPolymarketLevel('ask', 325_000, 400, 2);
    expect(book.bestAsk('yes')).toBe(325_000);
    book.setPolymarketLevel('ask', 325_000, 0, 3);
    expect(book.askDepth('yes', 5)).toEqual([{ priceMicros: 330_000, quantity: 900 }]);
  });
});

function side(over: Partial<ScanSide> & Pick<ScanSide, 'venue' | 'paysOnTeam'>, asks: PriceLevel[]): ScanSide {
  return {
    venueMarketId: `${over.venue}-${over.paysOnTeam}`,
    side: 'yes',
    fee: over.venue === 'kalshi' ? KALSHI_FEE : POLY_FEE,
    minOrderQuantity: 100,
    resolutionKey: 'k',
    bestAskMicros: asks[0]?.priceMicros ?? -1,
    bestAskQuantity: asks[0]?.quantity ?? 0,
    askDepth: (n) => asks.slice(0, n),
    observedAtMs: 1_000,
    askChangedAtMs: 1_000,
    valid: true,
    ...over,
  };
}

const thresholds = { minEdgeBps: 200, minArbProfitMicros: 100_000, minArbEdgeBps: 10 };
const base = { homeTeam: 'DEN', homeWinProbability: null, thresholds, arbitrage: true, nowMs: 1_000 };

const ascendingAsks = fc
  .uniqueArray(fc.integer({ min: 5, max: 95 }), { minLength: 1, maxLength: 6 })
  .chain((cents) =>
    fc.tuple(
      fc.constant([...cents].sort((a, b) => a - b)),
      fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: cents.length, maxLength: cents.length }),
    ),
  )
  .map(([cents, sizes]) => cents.map((c, i) => ({ priceMicros: c * 10_000, quantity: sizes[i] as number })));

describe('scan: arbitrage', () => {
  it('sizes every arbitrage with optimalArbitrage over the depth, and publishes only what clears the bars', () => {
    fc.assert(
      fc.property(ascendingAsks, ascendingAsks, (yes, no) => {
        const a = side({ venue: 'kalshi', paysOnTeam: 'DEN' }, yes);
        const b = side({ venue: 'polymarket', paysOnTeam: 'BOS' }, no);
        const found = scan({ ...base, sides: [a, b] }).filter((f) => f.kind === 'arbitrage');
        const best = optimalArbitrage(yes, no, { yes: KALSHI_FEE, no: POLY_FEE });
        const edge = best.count === 0 ? 0 : Math.floor((best.profitMicros * 10_000) / (best.count * 1_000_000));
        const clears = best.count > 0 && best.profitMicros >= 100_000 && edge >= 10;
        expect(found.length).toBe(clears ? 1 : 0);
        const f = found[0];
        if (f?.kind !== 'arbitrage') return;
        expect(f.quantity).toBe(best.count * 100);
        expect(f.netProfitMicros).toBe(best.profitMicros);
        expect(f.edgeBps).toBe(edge);
        const c = toCandidate(f, { gameId: gameIdFor('nba', '1'), bookVersion: 1, stateVersion: 1, nowMs: 1 });
        expect(signalCandidateSchema.parse(c)).toEqual(c);
      }),
    );
  });

  it('finds nothing in a 1-contract cross whose rounded fee equals the gross', () => {
    // 0.50 + 0.48 = 0.98: 1 contract grosses 2c; Kalshi's fee on 1 @ 0.50 ($0.0175) rounds up to 2c; no Polymarket fee.
    const a = side({ venue: 'kalshi', paysOnTeam: 'DEN' }, [{ priceMicros: 500_000, quantity: 100 }]);
    const b = side({ venue: 'polymarket', paysOnTeam: 'BOS', fee: { venue: 'polymarket', rate: 0, exponent: 1 } }, [
      { priceMicros: 480_000, quantity: 100 },
    ]);
    expect(optimalArbitrage(a.askDepth(9), b.askDepth(9), { yes: a.fee, no: b.fee }).profitMicros).toBe(0);
    expect(optimalArbitrage(a.askDepth(9), b.askDepth(9), { yes: a.fee, no: b.fee }).count).toBe(0);
    expect(
      scan({ ...base, thresholds: { ...thresholds, minArbProfitMicros: 0, minArbEdgeBps: 0 }, sides: [a, b] }),
    ).toEqual([]);
  });

  it('never prices an invalid leg; flags a stale one', () => {
    const asks = [{ priceMicros: 400_000, quantity: 100_000 }];
    const a = side({ venue: 'kalshi', paysOnTeam: 'DEN' }, asks);
    const b = side({ venue: 'polymarket', paysOnTeam: 'BOS' }, asks);
    expect(scan({ ...base, sides: [{ ...a, valid: false }, b] })).toEqual([]);
    const [stale] = scan({ ...base, sides: [a, { ...b, observedAtMs: 0 }], nowMs: 40_000, staleAfterMs: 30_000 });
    expect(stale?.stale).toBe(true);
    expect(stale?.observedAtMs).toBe(0);
  });

  it('never pairs sides that pay on the same team or resolve on different rules', () => {
    const asks = [{ priceMicros: 400_000, quantity: 100_000 }];
    const a = side({ venue: 'kalshi', paysOnTeam: 'DEN' }, asks);
    expect(scan({ ...base, sides: [a, side({ venue: 'polymarket', paysOnTeam: 'DEN' }, asks)] })).toEqual([]);
    const otherRule = side({ venue: 'polymarket', paysOnTeam: 'BOS', resolutionKey: 'h1' }, asks);
    expect(scan({ ...base, sides: [a, otherRule] })).toEqual([]);
  });
});

describe('scan: model edge', () => {
  it('flags a side whose model edge after the reference-size fee clears MIN_EDGE_BPS, with the depth at the ask', () => {
    const s = side({ venue: 'kalshi', paysOnTeam: 'DEN' }, [{ priceMicros: 600_000, quantity: 50_000 }]);
    const [f] = scan({ ...base, arbitrage: false, homeWinProbability: 0.7, sides: [s] });
    // 0.70 - 0.60 - ceil(0.07 x 100 x 0.6 x 0.4 = $1.68) / 100 = 0.0832 -> 832 bps.
    expect(f).toMatchObject({ kind: 'model_edge', edgeBps: 832, quantity: 10_000 });
    expect(scan({ ...base, arbitrage: false, homeWinProbability: 0.61, sides: [s] })).toEqual([]);
  });
});

describe('Hysteresis', () => {
  const finding = (key: string, signature: string, stale = false) => ({ key, signature, stale }) as Finding;

  it('never publishes the same key and signature twice in a row, nor a stale finding', () => {
    const round = fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom('1', '2'), fc.boolean()), {
      selector: ([key]) => key,
      maxLength: 2,
    });
    fc.assert(
      fc.property(fc.array(round, { maxLength: 40 }), (rounds) => {
        const h = new Hysteresis();
        // Per key: the signature published while the key has been found with it, without a break.
        let published = new Map<string, string>();
        for (const r of rounds) {
          const findings = r.map(([key, signature, stale]) => finding(key, signature, stale));
          const verdicts = h.decide(findings);
          const next = new Map<string, string>();
          findings.forEach((f, i) => {
            const held = published.get(f.key);
            if (verdicts[i] === 'publish') {
              expect(f.stale).toBe(false);
              expect(held).not.toBe(f.signature);
              next.set(f.key, f.signature);
            } else if (held === f.signature) {
              next.set(f.key, held);
            }
          });
          published = next;
        }
      }),
    );
  });

  it('publishes again after the opportunity had gone, or when its prices changed; counts a stale one once', () => {
    const h = new Hysteresis();
    expect(h.decide([finding('a', '1')])).toEqual(['publish']);
    expect(h.decide([finding('a', '1')])).toEqual(['repeat']);
    expect(h.decide([finding('a', '2')])).toEqual(['publish']);
    expect(h.decide([])).toEqual([]);
    expect(h.decide([finding('a', '2')])).toEqual(['publish']);
    expect(h.decide([finding('b', '1', true)])).toEqual(['stale']);
    expect(h.decide([finding('b', '1', true)])).toEqual(['repeat']);
    expect(h.decide([finding('b', '1')])).toEqual(['publish']);
  });
});

describe('pregame consensus and ids', () => {
  it('de-vigs each venue and averages the venues', () => {
    const p = pregameConsensus([
      { venue: 'kalshi', homeAskMicros: 630_000, awayAskMicros: 400_000 },
      { venue: 'polymarket', homeAskMicros: 610_000, awayAskMicros: 410_000 },
    ]);
    expect(p).toBeCloseTo((0.63 / 1.03 + 0.61 / 1.02) / 2, 12);
    expect(pregameConsensus([{ venue: 'kalshi', homeAskMicros: -1, awayAskMicros: 400_000 }])).toBeNull();
  });

  it('derives uuid-shaped game and market ids from the feeds ids', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(gameIdFor('nba', '401')).toMatch(uuid);
    expect(gameIdFor('nba', '401')).toBe(gameIdFor('nba', '401'));
    expect(gameIdFor('nfl', '401')).not.toBe(gameIdFor('nba', '401'));
    expect(marketIdFor('kalshi', 'X')).not.toBe(marketIdFor('polymarket', 'X'));
  });
});
