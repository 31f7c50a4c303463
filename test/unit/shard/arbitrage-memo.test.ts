import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimalArbitrage } from '#domain/optimal-arbitrage';
import type { PriceLevel } from '#domain/order-book';
import { ArbitrageMemo, type ScanSide } from '../../../shared/domain/shard/scan.ts';

/** The pair memo of the scan answers what `optimalArbitrage` answers, whatever the sequence of depths it is asked. */

const KALSHI_FEE = { venue: 'kalshi', liquidity: 'taker', multiplier: 1 } as const;
const POLY_FEE = { venue: 'polymarket', rate: 0.03, exponent: 1 } as const;

const side = (venue: ScanSide['venue'], fee: ScanSide['fee']): ScanSide => ({
  venue,
  venueMarketId: venue,
  side: 'yes',
  paysOnTeam: venue === 'kalshi' ? 'BOS' : 'DEN',
  fee,
  minOrderQuantity: 100,
  resolutionKey: 'k',
  bestAskMicros: -1,
  bestAskQuantity: 0,
  askDepth: () => [],
  observedAtMs: 0,
  askChangedAtMs: 0,
  valid: true,
});

const asks = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 4 })
  .chain((cents) =>
    fc.tuple(
      ...[...cents]
        .sort((a, b) => a - b)
        .map((c) =>
          fc.integer({ min: 1, max: 5_000 }).map((q): PriceLevel => ({ priceMicros: c * 10_000, quantity: q })),
        ),
    ),
  );

describe('ArbitrageMemo', () => {
  it('sizes each pair as optimalArbitrage does, depths repeated, changed and fees swapped', () => {
    const k = side('kalshi', KALSHI_FEE);
    const p = side('polymarket', POLY_FEE);
    // One side whose schedule changes between scans (the memo keys on the side, so it must see the fee move).
    const hedge = p as { -readonly [K in keyof ScanSide]: ScanSide[K] };
    const FREE = { venue: 'polymarket', rate: 0, exponent: 1 } as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(asks, asks, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 8 }),
        (steps) => {
          const memo = new ArbitrageMemo();
          let last: [PriceLevel[], PriceLevel[]] | undefined;
          for (const [yes, no, repeat, free] of steps) {
            // A repeat asks again with equal (not the same) arrays, as a scan builds them afresh.
            const [y, n] = repeat && last ? last.map((levels) => levels.map((l) => ({ ...l }))) : [yes, no];
            last = [y as PriceLevel[], n as PriceLevel[]];
            hedge.fee = free ? FREE : POLY_FEE;
            const want = optimalArbitrage(y as PriceLevel[], n as PriceLevel[], { yes: k.fee, no: hedge.fee });
            expect(memo.size(k, hedge, y as PriceLevel[], n as PriceLevel[])).toEqual({
              count: want.count,
              profitMicros: want.profitMicros,
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
