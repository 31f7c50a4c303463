/**
 * The replay scored against the simulator's truth (BRIEF "Shared decisions"): a simulated evening through
 * `replayFeed`, and every `expected: found` dislocation gives exactly one arbitrage candidate with t in
 * [startT, endT], the same legs (as a set), quantity and netProfitMicros; no other arbitrage candidate is published
 * (the decoys: fees eat the edge, below the thresholds, a stale leg, an invalid book, a first-half market).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CandidateRecord, EngineSettings } from '../../../containers/game-shard/engine.ts';
import { replayFeed } from '../../../containers/game-shard/replay.ts';
import { type Truth, writeEvening } from '../../../local/simulator/evening.ts';

const settings: EngineSettings = {
  minEdgeBps: 200,
  minArbProfitMicros: 100_000,
  minArbEdgeBps: 10,
  priceStaleAfterMs: 30_000,
};

const dir = mkdtempSync(join(tmpdir(), 'replay-truth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Leg = CandidateRecord['legs'][number];
const legKey = (legs: readonly Leg[]) =>
  legs
    .map((l) => `${l.venue}|${l.instrument}|${l.side}|${l.priceMicros}`)
    .sort()
    .join(' + ');

async function replayEvening(seed: number, games: number, messages: number) {
  const feed = join(dir, `feed-${seed}.jsonl`);
  const { truth } = await writeEvening({
    seed,
    games,
    sports: ['nba', 'nfl'],
    messages,
    staleAfterMs: settings.priceStaleAfterMs,
    thresholds: { minProfitMicros: settings.minArbProfitMicros, minEdgeBps: settings.minArbEdgeBps },
    out: feed,
  });
  const arbitrages: CandidateRecord[] = [];
  const summary = await replayFeed({
    feed,
    settings,
    onCandidate: (rec) => {
      if (rec.candidate.kind === 'arbitrage') arbitrages.push(rec);
    },
  });
  return { truth, arbitrages, summary };
}

/** Each dislocation's matching candidates, and the candidates no found dislocation accounts for. */
function score(truth: Truth, arbitrages: readonly CandidateRecord[]) {
  const claimed = new Set<CandidateRecord>();
  const perDislocation = truth.dislocations.map((d) => {
    const matches = arbitrages.filter(
      (c) => c.t >= d.startT && c.t <= d.endT && legKey(c.legs) === legKey(d.legs as Leg[]),
    );
    if (d.expected === 'found') for (const c of matches) claimed.add(c);
    return {
      id: d.id,
      expected: d.expected,
      why: d.why,
      candidates: matches.length,
      sizing: matches.map((c) => c.sizing),
      truthSizing: { quantity: d.quantity, netProfitMicros: d.netProfitMicros },
    };
  });
  const unexplained = arbitrages
    .filter((c) => !claimed.has(c))
    .map((c) => ({ t: c.t, legs: legKey(c.legs), sizing: c.sizing }));
  return { perDislocation, unexplained };
}

describe.each([
  { seed: 1, games: 8, messages: 300_000 },
  { seed: 7, games: 4, messages: 60_000 },
])('replay of a simulated evening against its truth (seed $seed, $games games)', ({ seed, games, messages }) => {
  it('finds every planted arbitrage once, as sized, and nothing else', { timeout: 90_000 }, async () => {
    const { truth, arbitrages, summary } = await replayEvening(seed, games, messages);
    const found = truth.dislocations.filter((d) => d.expected === 'found');
    // An evening that planted nothing would pass vacuously: at least one arbitrage per game went in.
    expect(found.length).toBeGreaterThanOrEqual(games);
    expect(truth.dislocations.some((d) => d.expected === 'not_found')).toBe(true);
    // Every game matched across the venues, the NFL ones (tie clauses) included.
    expect(summary.games).toBe(games);
    expect(summary.engineErrors).toBe(0);

    const { perDislocation, unexplained } = score(truth, arbitrages);
    for (const d of perDislocation) {
      if (d.expected === 'found') {
        expect({ id: d.id, candidates: d.candidates, sizing: d.sizing }).toEqual({
          id: d.id,
          candidates: 1,
          sizing: [d.truthSizing],
        });
      } else {
        expect({ id: d.id, why: d.why, candidates: d.candidates }).toEqual({ id: d.id, why: d.why, candidates: 0 });
      }
    }
    expect(unexplained).toEqual([]);
  });
});
