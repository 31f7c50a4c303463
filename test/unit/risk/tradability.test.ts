import { describe, expect, it } from 'vitest';
import {
  applyAccepted,
  decide,
  type MarketFacts,
  pairPayoutMicros,
  pairWorstCasePayoutMicros,
  tradabilityProblem,
} from '#domain/risk/index';
import { venueSettlementRules } from '#domain/settlement/index';
import { defaultLimits, marketFacts, riskState } from '../../support/risk.ts';
import { arbitrageCandidate, modelEdgeCandidate } from '../../support/sample-candidates.ts';

const NOW = Date.UTC(2026, 10, 23, 20, 0, 0);
const market = (outcomeTeamId: string, overrides: Partial<MarketFacts> = {}): MarketFacts =>
  marketFacts({ outcomeTeamId, ...overrides });
// The sample arbitrage buys Kalshi YES and Polymarket NO.
const arb = arbitrageCandidate({ nowMs: NOW });
const state = riskState();
const limits = defaultLimits;

describe('tradabilityProblem', () => {
  it('accepts legs that pay on opposite outcomes: one team YES and NO, or two teams both YES', () => {
    expect(tradabilityProblem(arb, [market('DEN'), market('DEN')])).toBeUndefined();
    const bothYes = arbitrageCandidate({ nowMs: NOW, hedge: { side: 'yes' } });
    expect(tradabilityProblem(bothYes, [market('DEN'), market('BOS')])).toBeUndefined();
  });

  it('rejects legs that would lose together: YES on one team and NO on the other', () => {
    expect(tradabilityProblem(arb, [market('DEN'), market('BOS')])).toBe('arbitrage_not_hedged');
  });

  it('rejects markets that resolve on different rules or have no known outcome team', () => {
    const regulationOnly = market('DEN', { resolutionKey: 'moneyline:regulation' });
    expect(tradabilityProblem(arb, [market('DEN'), regulationOnly])).toBe('arbitrage_legs_mismatched');
    const unknown = { ...market('DEN'), outcomeTeamId: null };
    expect(tradabilityProblem(arb, [market('DEN'), unknown])).toBe('arbitrage_legs_mismatched');
  });

  it('rejects any leg whose market is closed or whose game is over', () => {
    expect(tradabilityProblem(modelEdgeCandidate({ nowMs: NOW }), [market('DEN', { open: false })])).toBe(
      'market_not_open',
    );
  });
});

describe('decide with market facts', () => {
  it('checks the kill switch first, then the markets, then everything else', () => {
    const closed = [market('DEN', { open: false }), market('DEN')];
    const killed = { ...state, killSwitchEngaged: true };
    expect(decide({ candidate: arb, state: killed, limits, nowMs: NOW, markets: closed })).toMatchObject({
      reason: 'kill_switch_engaged',
    });
    expect(decide({ candidate: arb, state, limits, nowMs: NOW, markets: closed })).toMatchObject({
      reason: 'market_not_open',
    });
    expect(decide({ candidate: arb, state, limits, nowMs: NOW, markets: [market('DEN'), market('DEN')] }).status).toBe(
      'accepted',
    );
  });
});

describe('an arbitrage pair under each market own settlement rule', () => {
  const kalshi = market('DEN', { settlement: venueSettlementRules.kalshi });
  const polymarket = market('DEN', { settlement: venueSettlementRules.polymarket });

  it('is worth $1 on a tie when both venues pay 50-50 (RULES.md: NFL tie)', () => {
    expect(pairPayoutMicros(arb, [kalshi, polymarket], { kind: 'tie' })).toBe(1_000_000);
    expect(tradabilityProblem(arb, [kalshi, polymarket])).toBeUndefined();
  });

  it('is worth only Polymarket 50-50 leg on a cancellation, since Kalshi sets its own fair price', () => {
    // RULES.md table: cancelled -> f + 0.50, with f anywhere in [0, 1]: the least it pays is $0.50.
    expect(pairPayoutMicros(arb, [kalshi, polymarket], { kind: 'cancelled' })).toBe(500_000);
    expect(pairWorstCasePayoutMicros(arb, [kalshi, polymarket])).toBe(500_000);
  });

  it('counts a pair at its whole cost, never less than its worst case loss', () => {
    const d = decide({ candidate: arb, state, limits, nowMs: NOW, markets: [kalshi, polymarket] });
    expect(d.status).toBe('accepted');
    if (d.status !== 'accepted') return;
    const pairs = d.fills[0]!.quantity / 100;
    const worstLoss = d.totalCostMicros - pairs * pairWorstCasePayoutMicros(arb, [kalshi, polymarket]);
    const after = applyAccepted(state, arb, d.fills, NOW);
    expect(worstLoss).toBeGreaterThan(0);
    expect(after.totalExposureMicros - state.totalExposureMicros).toBeGreaterThanOrEqual(worstLoss);
  });

  it('is refused when one market leaves a tie to the venue and the other pays 50-50', () => {
    const venueTie = market('DEN', { settlement: { ...venueSettlementRules.kalshi, tieYesPayoutMicros: null } });
    expect(tradabilityProblem(arb, [venueTie, polymarket])).toBe('arbitrage_legs_mismatched');
  });
});
