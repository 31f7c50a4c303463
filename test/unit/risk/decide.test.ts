import { describe, expect, it } from 'vitest';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { applyAccepted, decide, marketKey, marketSideKey } from '#domain/risk/index';
import { defaultLimits, riskState } from '../../support/risk.ts';
import { arbitrageCandidate, kalshiLeg, modelEdgeCandidate } from '../../support/sample-candidates.ts';

const NOW = Date.UTC(2026, 10, 23, 20, 0, 0);
const limits = defaultLimits;
const state = riskState;

const candidate = modelEdgeCandidate({ nowMs: NOW });
const leg = candidate.leg;

describe('decide: sizing', () => {
  it('sizes a model edge with quarter Kelly of the bankroll (worked example)', () => {
    // Top of book: 100 @ $0.50 with Kalshi's taker fee $1.75 -> all-in $0.5175 a contract, edge 825 bps.
    // f* = (0.60 - 0.5175) / (1 - 0.5175) = 0.170984; a quarter of it on $1000 is a $42.746 stake.
    // 82 contracts cost $41.00 + fee roundup(0.07 x 82 x 0.25) = $1.44 -> $42.44; 83 would cost $42.96.
    const d = decide({ candidate, state: state(), limits, nowMs: NOW });
    expect(d).toEqual({
      status: 'accepted',
      edgeBps: 825,
      totalCostMicros: 42_440_000,
      fills: [
        {
          venue: 'kalshi',
          venueMarketId: leg.venueMarketId,
          side: 'yes',
          quantity: 8_200,
          costMicros: 41_000_000,
          feeMicros: 1_440_000,
          averagePriceMicros: 500_000,
          limitPriceMicros: 500_000,
        },
      ],
    });
  });

  it('caps the size at the depth priced below the model probability, walking levels (VWAP)', () => {
    // $10 000 bankroll wants ~$499, but only the $0.50 and $0.52 levels are below the $0.60 fair price: 200 contracts.
    const d = decide({ candidate, state: state({ bankrollMicros: 10_000_000_000 }), limits, nowMs: NOW });
    expect(d.status).toBe('accepted');
    if (d.status !== 'accepted') return;
    const [fill] = d.fills;
    expect(fill?.quantity).toBe(20_000);
    expect(fill?.costMicros).toBe(102_000_000);
    // Kalshi: 1.75 + 1.7472 per fill (to $0.0001), order total rounded up to the cent.
    expect(fill?.feeMicros).toBe(3_500_000);
    expect(fill?.averagePriceMicros).toBe(510_000);
    expect(fill?.limitPriceMicros).toBe(520_000);
  });

  it('caps the size by the per-market exposure headroom', () => {
    const d = decide({
      candidate,
      state: state({ exposureByMarketMicros: new Map([[marketKey(leg), 220_000_000]]) }),
      limits,
      nowMs: NOW,
    });
    // $30 of headroom: 57 contracts cost $28.50 + $1.00 fee; 58 would cost $30.02.
    expect(d.status === 'accepted' && d.fills[0]?.quantity).toBe(5_700);
    expect(d.status === 'accepted' && d.totalCostMicros).toBe(29_500_000);
  });

  it('sizes arbitrage legs together at the most profitable count', () => {
    const arb = arbitrageCandidate({ nowMs: NOW });
    const d = decide({ candidate: arb, state: state(), limits, nowMs: NOW });
    expect(d.status).toBe('accepted');
    if (d.status !== 'accepted') return;
    expect(d.edgeBps).toBe(276);
    // 80 pairs: Kalshi 50 @ 0.45 + 30 @ 0.47 = $36.60 + $1.39 fee; Polymarket 80 @ 0.50 = $40 + $0.40 fee. Past 80
    // the Polymarket ask jumps to 0.55 and each further pair loses money.
    expect(d.fills.map((f) => [f.venue, f.quantity, f.costMicros, f.feeMicros])).toEqual([
      ['kalshi', 8_000, 36_600_000, 1_390_000],
      ['polymarket', 8_000, 40_000_000, 400_000],
    ]);
    expect(d.totalCostMicros).toBe(78_390_000);
  });

  it('scales arbitrage down to the Kelly fraction of the bankroll, both legs equally', () => {
    const arb = arbitrageCandidate({ nowMs: NOW });
    const d = decide({ candidate: arb, state: state({ bankrollMicros: 100_000_000 }), limits, nowMs: NOW });
    expect(d.status).toBe('accepted');
    if (d.status !== 'accepted') return;
    expect(d.totalCostMicros).toBeLessThanOrEqual(25_000_000);
    expect(d.fills[0]?.quantity).toBe(d.fills[1]?.quantity);
    expect(d.fills[0]?.quantity).toBe(2_500);
  });
});

describe('decide: each rejection reason, in order', () => {
  const cases: [string, Parameters<typeof decide>[0], string][] = [
    [
      'kill switch',
      { candidate, state: state({ killSwitchEngaged: true }), limits, nowMs: NOW },
      'kill_switch_engaged',
    ],
    [
      'stale price',
      {
        candidate: modelEdgeCandidate({ nowMs: NOW, priceObservedAtMs: NOW - 30_001 }),
        state: state(),
        limits,
        nowMs: NOW,
      },
      'price_stale',
    ],
    [
      'edge below minimum (claimed)',
      { candidate: modelEdgeCandidate({ nowMs: NOW, edgeBps: 150 }), state: state(), limits, nowMs: NOW },
      'edge_below_minimum',
    ],
    [
      'edge below minimum after fees (recomputed)',
      { candidate: modelEdgeCandidate({ nowMs: NOW, modelProbability: 0.515 }), state: state(), limits, nowMs: NOW },
      'edge_below_minimum',
    ],
    [
      'cooldown',
      {
        candidate,
        state: state({ lastAcceptedAtMs: new Map([[marketSideKey(leg), NOW - 59_999]]) }),
        limits,
        nowMs: NOW,
      },
      'cooldown_active',
    ],
    [
      'daily loss',
      { candidate, state: state({ realizedPnlTodayMicros: -200_000_000 }), limits, nowMs: NOW },
      'daily_loss_limit',
    ],
    [
      'market exposure',
      {
        candidate,
        state: state({ exposureByMarketMicros: new Map([[marketKey(leg), 250_000_000]]) }),
        limits,
        nowMs: NOW,
      },
      'market_exposure_limit',
    ],
    [
      'market exposure with a little headroom left, less than one contract costs',
      {
        candidate,
        state: state({ exposureByMarketMicros: new Map([[marketKey(leg), 249_600_000]]) }),
        limits,
        nowMs: NOW,
      },
      'market_exposure_limit',
    ],
    [
      'game exposure',
      {
        candidate,
        state: state({ exposureByGameMicros: new Map([[candidate.gameId, 500_000_000]]) }),
        limits,
        nowMs: NOW,
      },
      'game_exposure_limit',
    ],
    [
      'total exposure',
      { candidate, state: state({ totalExposureMicros: 2_000_000_000 }), limits, nowMs: NOW },
      'total_exposure_limit',
    ],
    [
      'size below the venue minimum',
      {
        candidate: modelEdgeCandidate({ nowMs: NOW, leg: kalshiLeg({ minOrderQuantity: 10_000 }) }),
        state: state({ bankrollMicros: 100_000_000 }),
        limits,
        nowMs: NOW,
      },
      'size_below_venue_minimum',
    ],
  ];

  it.each(cases)('%s', (_name, input, reason) => {
    expect(decide(input)).toMatchObject({ status: 'rejected', reason });
  });

  it('checks the kill switch before anything else', () => {
    const stale = modelEdgeCandidate({ nowMs: NOW, priceObservedAtMs: 0, edgeBps: 0 });
    expect(decide({ candidate: stale, state: state({ killSwitchEngaged: true }), limits, nowMs: NOW })).toMatchObject({
      reason: 'kill_switch_engaged',
    });
  });

  it('lets the cooldown lapse', () => {
    const s = state({ lastAcceptedAtMs: new Map([[marketSideKey(leg), NOW - 60_000]]) });
    expect(decide({ candidate, state: s, limits, nowMs: NOW }).status).toBe('accepted');
  });
});

describe('decide: money-losing sizes are never accepted', () => {
  it('stops at the first level whose price plus its fee is not below fair value', () => {
    // Fair 0.60. Level 2 at 0.595 costs 0.595 + 0.07 x 0.595 x 0.405 = 0.6119 a contract with Kalshi's taker fee:
    // buying into it loses money, so only the 5 contracts at 0.50 may be bought.
    const thin = modelEdgeCandidate({
      nowMs: NOW,
      modelProbability: 0.6,
      leg: kalshiLeg({
        askMicros: 500_000,
        depth: [
          { priceMicros: 500_000, quantity: 500 },
          { priceMicros: 595_000, quantity: 1_000_000 },
        ],
      }),
    });
    const d = decide({ candidate: thin, state: state({ bankrollMicros: 10_000_000_000 }), limits, nowMs: NOW });
    expect(d).toMatchObject({ status: 'accepted', fills: [{ quantity: 500 }] });
  });

  it('rejects, rather than failing the batch, a leg whose whole depth is below the venue minimum', () => {
    const shallow = modelEdgeCandidate({
      nowMs: NOW,
      leg: kalshiLeg({ askMicros: 500_000, depth: [{ priceMicros: 500_000, quantity: 50 }], minOrderQuantity: 100 }),
    });
    expect(signalCandidateSchema.safeParse(shallow).success).toBe(true);
    expect(decide({ candidate: shallow, state: state(), limits, nowMs: NOW })).toMatchObject({
      status: 'rejected',
      reason: 'size_below_venue_minimum',
    });
  });
});

describe('applyAccepted', () => {
  it('debits the bankroll and adds exposure and a cooldown for the next candidate of the batch', () => {
    const d = decide({ candidate, state: state(), limits, nowMs: NOW });
    if (d.status !== 'accepted') throw new Error('expected acceptance');
    const next = applyAccepted(state(), candidate, d.fills, NOW);
    expect(next.bankrollMicros).toBe(1_000_000_000 - 42_440_000);
    expect(next.totalExposureMicros).toBe(42_440_000);
    expect(next.exposureByGameMicros.get(candidate.gameId)).toBe(42_440_000);
    expect(decide({ candidate, state: next, limits, nowMs: NOW + 1 })).toMatchObject({ reason: 'cooldown_active' });
  });
});

describe('SignalCandidate contract', () => {
  it('accepts what the sample producer builds and rejects depth that does not start at the ask', () => {
    expect(signalCandidateSchema.safeParse(candidate).success).toBe(true);
    const bad = { ...candidate, leg: { ...leg, askMicros: 490_000 } };
    expect(signalCandidateSchema.safeParse(bad).success).toBe(false);
    expect(signalCandidateSchema.safeParse({ ...candidate, v: 2 }).success).toBe(false);
  });

  it('derives the same id from the same game, legs and versions, and another for a new book version', () => {
    expect(modelEdgeCandidate({ nowMs: NOW }).id).toBe(modelEdgeCandidate({ nowMs: NOW + 5 }).id);
    expect(modelEdgeCandidate({ nowMs: NOW, bookVersion: 2 }).id).not.toBe(candidate.id);
  });
});
