import { describe, expect, it } from 'vitest';
import { decide, type MarketFacts, tradabilityProblem } from '#domain/signals/index';
import { arbitrageCandidate, modelEdgeCandidate } from '../../../local/pipeline/sample-candidates.ts';
import { defaultLimits, riskState } from '../../support/risk.ts';

const NOW = Date.UTC(2026, 10, 23, 20, 0, 0);
const market = (outcomeTeamId: string, overrides: Partial<MarketFacts> = {}): MarketFacts => ({
  open: true,
  gameLive: true,
  tickSizeMicros: 10_000,
  resolutionKey: 'moneyline:incl_ot',
  outcomeTeamId,
  ...overrides,
});
// The sample arbitrage buys Kalshi YES and Polymarket NO.
const arb = arbitrageCandidate({ nowMs: NOW });

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
  const state = riskState();
  const limits = defaultLimits;

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
