import { describe, expect, it } from 'vitest';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { applyAccepted, decide, marketKey, rejectionReasons } from '#domain/risk/index';
import { defaultLimits, marketFacts, riskState } from '../../support/risk.ts';
import { arbitrageCandidate, kalshiLeg, modelEdgeCandidate, polymarketLeg } from '../../support/sample-candidates.ts';

/** Money-safety cases (issue 9): each is refused with its own reason and none leaves a NaN behind. */
const NOW = Date.UTC(2026, 10, 23, 20, 0, 0);
const limits = defaultLimits;
const rich = riskState({ bankrollMicros: 10 ** 13 });
const market = marketFacts;
const oneMarket = [market()];
const pair = [market(), market()];

function cheap(priceMicros: number) {
  return modelEdgeCandidate({
    nowMs: NOW,
    leg: kalshiLeg({ askMicros: priceMicros, depth: [{ priceMicros, quantity: 100_000_000 }] }),
  });
}

describe('prices that cost nothing, or lie off the market grid', () => {
  it('refuses a free ask at the edge and in the domain', () => {
    const free = cheap(0);
    expect(signalCandidateSchema.safeParse(free).success).toBe(false);
    expect(decide({ candidate: free, state: rich, limits, nowMs: NOW, markets: oneMarket })).toMatchObject({
      status: 'rejected',
      reason: 'price_off_tick',
    });
  });

  it('refuses 1 micro, the full dollar and off-grid prices on a cent market', () => {
    for (const price of [1, 999_999, 505_000]) {
      expect(decide({ candidate: cheap(price), state: rich, limits, nowMs: NOW, markets: oneMarket })).toMatchObject({
        reason: 'price_off_tick',
      });
    }
  });

  it('takes a tenth-of-a-cent price on a market whose tick is $0.001', () => {
    const d = decide({
      candidate: cheap(505_000),
      state: rich,
      limits,
      nowMs: NOW,
      markets: [market({ tickSizeMicros: 1_000 })],
    });
    expect(d.status).toBe('accepted');
  });

  it('caps an order at its contract limit however cheap the contracts are', () => {
    const d = decide({
      candidate: cheap(10_000),
      state: rich,
      limits,
      nowMs: NOW,
      markets: oneMarket,
    });
    expect(d.status).toBe('accepted');
    if (d.status !== 'accepted') return;
    expect(d.fills[0]!.quantity).toBe(limits.maxContractsPerOrder * 100);
  });

  it('counts open contracts per market against its limit, not only their cost', () => {
    const key = marketKey(kalshiLeg());
    const almostFull = riskState({
      bankrollMicros: 10 ** 13,
      contractsByMarket: new Map([[key, (limits.maxContractsPerMarket - 7) * 100]]),
    });
    const d = decide({ candidate: cheap(10_000), state: almostFull, limits, nowMs: NOW, markets: oneMarket });
    expect(d).toMatchObject({ status: 'accepted', fills: [{ quantity: 700 }] });
    const full = riskState({ contractsByMarket: new Map([[key, limits.maxContractsPerMarket * 100]]) });
    expect(decide({ candidate: cheap(10_000), state: full, limits, nowMs: NOW, markets: oneMarket })).toMatchObject({
      reason: 'market_exposure_limit',
    });
    if (d.status !== 'accepted') return;
    expect(applyAccepted(almostFull, cheap(10_000), d.fills, NOW).contractsByMarket.get(key)).toBe(
      limits.maxContractsPerMarket * 100,
    );
  });
});

describe('stamps from the future', () => {
  const at = (priceObservedAtMs: number, createdAtMs = Math.max(priceObservedAtMs, NOW - 500)) => ({
    ...modelEdgeCandidate({ nowMs: NOW, priceObservedAtMs }),
    createdAtMs,
  });

  it('refuses a price observed later than our clock allows, or later than its own candidate', () => {
    for (const candidate of [
      at(NOW + limits.maxClockSkewMs + 1),
      at(NOW - 1_000, NOW + limits.maxClockSkewMs + 1),
      at(NOW - 100, NOW - 200),
      at(NOW + 86_400_000 * 3),
    ]) {
      expect(decide({ candidate, state: riskState(), limits, nowMs: NOW, markets: oneMarket })).toMatchObject({
        reason: 'price_from_future',
      });
    }
  });

  it('allows a producer clock a little ahead, within the skew', () => {
    const candidate = at(NOW + limits.maxClockSkewMs, NOW + limits.maxClockSkewMs);
    expect(decide({ candidate, state: riskState(), limits, nowMs: NOW, markets: oneMarket }).status).toBe('accepted');
  });
});

describe('every candidate number at its edge gets its own reason', () => {
  const raw = (leg: Partial<ReturnType<typeof kalshiLeg>>) => modelEdgeCandidate({ nowMs: NOW, leg: kalshiLeg(leg) });
  const cases: [string, Parameters<typeof decide>[0], string][] = [
    ['empty depth', { candidate: raw({ depth: [] }), state: rich, limits, nowMs: NOW }, 'depth_empty'],
    [
      'depth not ascending',
      {
        candidate: raw({
          depth: [
            { priceMicros: 500_000, quantity: 100 },
            { priceMicros: 490_000, quantity: 100 },
          ],
        }),
        state: rich,
        limits,
        nowMs: NOW,
      },
      'depth_not_ascending',
    ],
    [
      'depth that does not start at the ask',
      { candidate: raw({ askMicros: 490_000 }), state: rich, limits, nowMs: NOW },
      'depth_not_ascending',
    ],
    [
      'a level of zero contracts',
      { candidate: raw({ depth: [{ priceMicros: 500_000, quantity: 0 }] }), state: rich, limits, nowMs: NOW },
      'depth_quantity_invalid',
    ],
    [
      'a NaN price',
      {
        candidate: raw({ askMicros: Number.NaN, depth: [{ priceMicros: Number.NaN, quantity: 100 }] }),
        state: rich,
        limits,
        nowMs: NOW,
      },
      'price_off_tick',
    ],
    [
      'quantity below the venue minimum',
      {
        candidate: raw({ depth: [{ priceMicros: 500_000, quantity: 400 }], minOrderQuantity: 500 }),
        state: rich,
        limits,
        nowMs: NOW,
        markets: oneMarket,
      },
      'size_below_venue_minimum',
    ],
    [
      'both legs on one venue',
      {
        candidate: arbitrageCandidate({ nowMs: NOW, hedge: { ...kalshiLeg(), side: 'no', venueMarketId: 'K-2' } }),
        state: rich,
        limits,
        nowMs: NOW,
        markets: pair,
      },
      'arbitrage_same_venue',
    ],
    [
      'a hedge that pays on the same outcome',
      {
        candidate: arbitrageCandidate({ nowMs: NOW, hedge: polymarketLeg({ side: 'yes' }) }),
        state: rich,
        limits,
        nowMs: NOW,
        markets: pair,
      },
      'arbitrage_not_hedged',
    ],
    [
      'a leg on a closed market',
      { candidate: cheap(500_000), state: rich, limits, nowMs: NOW, markets: [market({ open: false })] },
      'market_not_open',
    ],
    [
      'a game already final',
      { candidate: cheap(500_000), state: rich, limits, nowMs: NOW, markets: [market({ gameLive: false })] },
      'game_not_live',
    ],
  ];

  it.each(cases)('%s', (_name, input, reason) => {
    expect(rejectionReasons).toContain(reason);
    const d = decide(input);
    expect(d).toMatchObject({ status: 'rejected', reason });
    expect(Number.isSafeInteger(d.edgeBps)).toBe(true);
  });
});
