import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { optimalArbitrage, winProbability } from '#domain';
import { findCandidates, type MarketSide, type ScanInput } from '../../../shared/domain/scanner/find-candidates.ts';
import { quotedSides, sidesOf } from '../../../shared/domain/shard/tick.ts';
import { sampleBooks, sampleGameSpec } from '../../fixtures/sample-game/feed.ts';
import { loadScenario, type Scenario, type ScenarioTick } from '../../fixtures/sample-game/scenario.ts';

const scenario = loadScenario(
  fileURLToPath(new URL('../../fixtures/sample-game/boston-at-denver.json', import.meta.url)),
);
const GAME_ID = '7d3f0c9e-2b1a-4c5d-8e6f-0a1b2c3d4e5f';

/** The sample game's buyable sides at a tick, as the shard's tick hands them to the scanner. */
function marketSides(scenario: Scenario, tick: ScenarioTick, observedAtMs = tick.atMs): MarketSide[] {
  const spec = sampleGameSpec(scenario);
  const teams = { home: spec.home.abbreviation, away: spec.away.abbreviation };
  return quotedSides(
    spec.markets.flatMap((m) => sidesOf(m, teams)),
    sampleBooks(scenario, tick, observedAtMs),
  );
}

function scan(tick: ScenarioTick, overrides: Partial<ScanInput> = {}) {
  return findCandidates({
    gameId: GAME_ID,
    sport: scenario.sport,
    homeTeam: tick.game.home.abbreviation,
    awayTeam: tick.game.away.abbreviation,
    homeScore: tick.game.home.score,
    awayScore: tick.game.away.score,
    secondsRemaining: tick.game.secondsRemaining,
    pregameHomeWinProbability: scenario.pregameHomeWinProbability,
    sides: marketSides(scenario, tick),
    minEdgeBps: 200,
    bookVersion: 1,
    stateVersion: 1,
    nowMs: tick.atMs,
    ...overrides,
  });
}

describe('findCandidates on the sample game', () => {
  const first = scenario.ticks[0]!;
  const arbTick = scenario.ticks.find((t) => t.kalshi?.yes.asks[0]?.priceMicros === 620_000)!;

  it('flags the home side on both venues when the model is above the ask after fees, and not the away side', () => {
    const candidates = scan(first);
    const p = winProbability('nba', {
      homeScore: 76,
      awayScore: 71,
      secondsRemaining: 1062,
      pregameHomeWinProbability: 0.62,
    });
    expect(candidates.map((c) => `${c.kind}:${c.leg.venue}:${c.leg.side}`).sort()).toEqual([
      'model_edge:kalshi:yes',
      'model_edge:polymarket:yes',
    ]);
    for (const c of candidates) {
      expect(c.modelProbability).toBeCloseTo(p, 12);
      expect(signalCandidateSchema.parse(c)).toEqual(c);
    }
    // Kalshi DEN YES at 0.71: p - 0.71 - fee/contract (ceil(0.07 x 100 x 0.71 x 0.29) = $1.45 for 100 = 1.45c).
    const kalshi = candidates.find((c) => c.leg.venue === 'kalshi')!;
    expect(kalshi.edgeBps).toBe(Math.floor((p * 1e6 - 710_000 - 14_500) / 100));
  });

  it('pairs Kalshi DEN YES with Polymarket Celtics for arbitrage, its edge that of the optimal size net of both fees', () => {
    const arb = scan(arbTick).find((c) => c.kind === 'arbitrage');
    expect(arb?.kind).toBe('arbitrage');
    if (arb?.kind !== 'arbitrage') return;
    expect(arb.leg).toMatchObject({ venue: 'kalshi', side: 'yes', askMicros: 620_000 });
    expect(arb.hedge).toMatchObject({ venue: 'polymarket', askMicros: 330_000 });
    // Sized over the depth the candidate carries: more than the 190 contracts at the top (268 bps each there)
    // pays more in all at a thinner edge per contract.
    const best = optimalArbitrage(arb.leg.depth, arb.hedge.depth, { yes: arb.leg.fee, no: arb.hedge.fee });
    expect(best.count).toBeGreaterThan(190);
    expect(arb.edgeBps).toBe(Math.floor((best.profitMicros * 10_000) / (best.count * 1_000_000)));
    expect(arb.edgeBps).toBe(176);
  });

  it('dates a candidate by its stalest leg, so a stalled venue feed cannot pass as fresh', () => {
    const staleMs = arbTick.atMs - 300_000;
    const sides = marketSides(scenario, arbTick).map((s) =>
      s.venue === 'polymarket' ? { ...s, observedAtMs: staleMs } : s,
    );
    const candidates = scan(arbTick, { sides });
    expect(candidates.find((c) => c.kind === 'arbitrage')?.priceObservedAtMs).toBe(staleMs);
    expect(candidates.find((c) => c.kind === 'model_edge' && c.leg.venue === 'kalshi')?.priceObservedAtMs).toBe(
      arbTick.atMs,
    );
  });

  it('never pairs markets that resolve on different rules', () => {
    const sides = marketSides(scenario, arbTick).map((s) =>
      s.venue === 'polymarket' ? { ...s, resolutionKey: 'winner-regulation-only' } : s,
    );
    expect(scan(arbTick, { sides }).filter((c) => c.kind === 'arbitrage')).toEqual([]);
  });

  it('derives ids from game, legs and versions: the same inputs give the same ids, a new book version new ones', () => {
    const again = scan(first).map((c) => c.id);
    expect(scan(first).map((c) => c.id)).toEqual(again);
    const next = scan(first, { bookVersion: 2 }).map((c) => c.id);
    expect(next.some((id) => again.includes(id))).toBe(false);
  });

  it('emits nothing once the game is final and the venues stop quoting', () => {
    const final = scenario.ticks.at(-1)!;
    expect(final.game.status).toBe('final');
    expect(scan(final)).toEqual([]);
  });
});
