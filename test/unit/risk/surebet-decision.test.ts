import { describe, expect, it } from 'vitest';
import { surebetCandidateSchema } from '#contracts/signal-candidate';
import { decideSurebet, surebetLegPayoutMicros } from '#domain/risk/index';
import { backedPayoutMicros, surebet } from '#domain/surebet';
import { defaultLimits } from '../../support/risk.ts';
import { surebetSample } from '../../support/sample-candidates.ts';

const NOW = 1_800_000_000_000;
const decide = (candidate = surebetSample({ nowMs: NOW }), killSwitchEngaged = false, nowMs = NOW) =>
  decideSurebet({ candidate, killSwitchEngaged, limits: defaultLimits, nowMs });

describe('surebet decision', () => {
  it('reports a fresh surebet with the payout and profit its legs guarantee (+110 / +105 on $100)', () => {
    const candidate = surebetSample({ nowMs: NOW });
    expect(surebetCandidateSchema.parse(candidate)).toEqual(candidate);
    // 50.602409 x 2.05 = 103.734938 (rounded down), 49.397590 x 2.1 = 103.734939: the worse pays $103.734938.
    expect(candidate.legs.map(surebetLegPayoutMicros)).toEqual([103_734_938, 103_734_939]);
    expect(decide(candidate)).toEqual({
      status: 'reported',
      reason: 'surebet_place_bet_required',
      guaranteedPayoutMicros: 103_734_938,
      guaranteedProfitMicros: 3_734_938,
    });
  });

  it('the kill switch turns every surebet down first, whatever else is wrong with it', () => {
    const stale = surebetSample({ nowMs: NOW, priceObservedAtMs: NOW - 600_000 });
    expect(decide(stale, true)).toEqual({ status: 'rejected', reason: 'kill_switch_engaged' });
  });

  it('refuses a surebet past the price freshness bound, and one stamped from the future', () => {
    const edge = surebetSample({ nowMs: NOW, priceObservedAtMs: NOW - defaultLimits.staleAfterMs });
    expect(decide(edge).status).toBe('reported');
    const stale = surebetSample({ nowMs: NOW, priceObservedAtMs: NOW - defaultLimits.staleAfterMs - 1 });
    expect(decide(stale)).toEqual({ status: 'rejected', reason: 'surebet_stale' });
    const future = surebetSample({ nowMs: NOW + defaultLimits.maxClockSkewMs + 10_000 });
    expect(decide(future)).toEqual({ status: 'rejected', reason: 'price_from_future' });
  });

  it('refuses a surebet whose legs do not pay the claimed payout back above the stake', () => {
    // -110 / -110 with $50 each pays $95.454545 either way: a $1 "profit" claimed on $100 is not there.
    const claimed = surebetSample({
      nowMs: NOW,
      legs: [
        { book: 'demo', selection: 'moneyline.away', americanOdds: -110, stakeMicros: 50_000_000 },
        { book: 'demo2', selection: 'moneyline.home', americanOdds: -110, stakeMicros: 50_000_000 },
      ],
      payoutMicros: 101_000_000,
    });
    expect(surebetCandidateSchema.safeParse(claimed).success).toBe(true);
    expect(claimed.legs.map(surebetLegPayoutMicros)).toEqual([95_454_545, 95_454_545]);
    expect(decide(claimed)).toEqual({ status: 'rejected', reason: 'surebet_not_profitable' });
  });

  it('never reports more than the producer claimed, even when the legs would pay more', () => {
    const modest = surebetSample({ nowMs: NOW, payoutMicros: 101_000_000 });
    expect(decide(modest)).toMatchObject({ guaranteedPayoutMicros: 101_000_000, guaranteedProfitMicros: 1_000_000 });
  });

  it('pays a prediction-market leg $1 a whole contract', () => {
    expect(
      surebetLegPayoutMicros({
        kind: 'prediction_market',
        venue: 'kalshi',
        venueMarketId: 'KXNBAGAME-26NOV14BOSDEN-DEN',
        side: 'yes',
        askMicros: 450_000,
        fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 },
        quantity: 10_700,
        effectivePriceMicros: 467_400,
        stakeMicros: 50_013_800,
      }),
    ).toBe(107_000_000);
  });

  it('prices a backed stake as the domain surebet sizes it', () => {
    const sized = surebet([2.1, 2.05], 100_000_000);
    expect(sized.payoutMicros).toBe(
      Math.min(backedPayoutMicros(sized.stakesMicros[0]!, 2.1), backedPayoutMicros(sized.stakesMicros[1]!, 2.05)),
    );
    // 2.5 x 400000 is 999999.9999999999 as doubles: the slack keeps it a whole million.
    expect(backedPayoutMicros(400_000, 2.5)).toBe(1_000_000);
  });
});
