import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newScoreboardMemo, scanEspnScoreboard } from '#adapters/venues/espn/scoreboard-scan';
import { parseEspnScoreboard } from '#adapters/venues/espn/wire';
import { FeedParseError } from '#adapters/venues/feed-parse-error';
import type { Sport } from '#domain/win-probability';
import { simulateEvening } from '../../../local/simulator/evening.ts';

/**
 * The scoreboard scanner against the schema: the raw text through `parseEspnScoreboard` (scanned) gives the game
 * states the parsed JSON gives (schema), or the same rejection, and the scanner answers nothing the schema rejects.
 */

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8'));

type Outcome = { events: unknown[] } | { rejected: true };
const outcome = (read: () => unknown[]): Outcome => {
  try {
    return { events: read() };
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return { rejected: true };
  }
};

function agree(sport: Sport, raw: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    expect(scanEspnScoreboard(raw)).toBeUndefined();
    expect(outcome(() => parseEspnScoreboard(sport, raw))).toEqual({ rejected: true });
    return false;
  }
  const want = outcome(() => parseEspnScoreboard(sport, body));
  expect(outcome(() => parseEspnScoreboard(sport, raw))).toStrictEqual(want);
  const scanned = scanEspnScoreboard(raw);
  if (scanned !== undefined) expect('events' in want).toBe(true);
  return scanned !== undefined;
}

const fixtures: [Sport, unknown][] = [
  ['nba', fixture('espn_nba_scoreboard_in_progress.json')],
  ['nfl', fixture('espn_nfl_scoreboard_in_progress.json')],
];
const polled: [Sport, string][] = [
  ...simulateEvening({
    seed: 5,
    games: 4,
    sports: ['nba', 'nfl'],
    messages: 20_000,
    staleAfterMs: 30_000,
    thresholds: { minProfitMicros: 100_000, minEdgeBps: 10 },
  }).lines,
]
  .filter((l) => l.source === 'espn')
  .map((l) => [l.path?.includes('/nfl/') ? 'nfl' : 'nba', l.raw]);

describe('the ESPN scoreboard scanner agrees with the schema', () => {
  it('on the fixtures, compact and pretty, and reads the compact ones itself', () => {
    for (const [sport, body] of fixtures) {
      expect(agree(sport, JSON.stringify(body))).toBe(true);
      agree(sport, JSON.stringify(body, null, 2));
    }
  });

  it('on every scoreboard of a simulated evening', () => {
    expect(polled.length).toBeGreaterThan(10);
    for (const [sport, raw] of polled) expect(agree(sport, raw)).toBe(true);
  });

  const base: [Sport, string][] = [
    ...fixtures.map(([sport, body]): [Sport, string] => [sport, JSON.stringify(body)]),
    ...polled.slice(0, 20),
  ];

  it('on scoreboards edited as text: the same games or the same rejection, or left to the schema', () => {
    const edit = fc.record({
      kind: fc.constantFrom('space', 'cut', 'replace', 'delete'),
      at: fc.nat(),
      char: fc.constantFrom(...'" {}[],:0-.9eax\u0001\\'),
    });
    fc.assert(
      fc.property(fc.constantFrom(...base), fc.array(edit, { minLength: 1, maxLength: 3 }), ([sport, raw], edits) => {
        let text = raw;
        for (const e of edits) {
          // Edits near the fields the scanner reads are the interesting ones: aim half of them there.
          const anchor = text.indexOf(['"homeAway"', '"score"', '"clock"', '"period"', '"state"'][e.at % 5] as string);
          const at = (e.at % 2 === 0 && anchor >= 0 ? anchor + (e.at % 17) : e.at) % (text.length + 1);
          if (e.kind === 'space') text = `${text.slice(0, at)} ${text.slice(at)}`;
          else if (e.kind === 'cut') text = text.slice(0, at);
          else if (e.kind === 'replace') text = `${text.slice(0, at)}${e.char}${text.slice(at + 1)}`;
          else text = `${text.slice(0, at)}${text.slice(at + 1)}`;
        }
        agree(sport, text);
      }),
      { numRuns: 1500 },
    );
  });

  it('on scoreboards with fields retyped or removed', () => {
    const paths = [
      ['events', 0, 'id'],
      ['events', 0, 'date'],
      ['events', 0, 'competitions'],
      ['events', 0, 'competitions', 0, 'competitors', 0, 'homeAway'],
      ['events', 0, 'competitions', 0, 'competitors', 1, 'score'],
      ['events', 0, 'competitions', 0, 'competitors', 0, 'team', 'abbreviation'],
      ['events', 0, 'competitions', 0, 'status', 'clock'],
      ['events', 0, 'competitions', 0, 'status', 'period'],
      ['events', 0, 'competitions', 0, 'status', 'type', 'state'],
      ['events', 0, 'competitions', 0, 'status', 'type', 'completed'],
    ];
    const value = fc.constantFrom(undefined, null, '', 'home', 'away', 'in', '12', '12345', -1, 0, 2.5, true, [], {});
    fc.assert(
      fc.property(fc.constantFrom(...base), fc.constantFrom(...paths), value, ([sport, raw], path, v) => {
        const body = JSON.parse(raw);
        let node = body;
        for (const key of path.slice(0, -1)) node = node?.[key];
        if (node === undefined || node === null) return;
        const last = path.at(-1) as string;
        if (v === undefined) delete node[last];
        else node[last] = v;
        agree(sport, JSON.stringify(body));
      }),
      { numRuns: 1500 },
    );
  });

  it('with a memo of the polls before: the same as a scan of its own, unchanged games and teams taken from it', () => {
    for (const sport of ['nba', 'nfl'] as const) {
      const stream = polled.filter(([s]) => s === sport).map(([, raw]) => raw);
      const memo = newScoreboardMemo();
      let games = 0;
      let teams = 0;
      for (const raw of stream) {
        const gamesBefore = new Set(memo.events.map((e) => e.value));
        const teamsBefore = new Set(memo.competitors.flat().map((c) => c.value));
        const memoized = scanEspnScoreboard(raw, memo);
        expect(memoized).toStrictEqual(scanEspnScoreboard(raw));
        const events = memoized?.events ?? [];
        games += events.filter((e) => gamesBefore.has(e)).length;
        teams += events
          .filter((e) => !gamesBefore.has(e))
          .flatMap((e) => e.competitions.flatMap((c) => c.competitors))
          .filter((c) => teamsBefore.has(c)).length;
      }
      expect(games).toBeGreaterThan(0);
      expect(teams).toBeGreaterThan(0);
    }
  });

  it('with a memo, on scoreboards edited as text after one that scanned: the answer of a scan of its own', () => {
    const edit = fc.record({ at: fc.nat(), char: fc.constantFrom(...'" {}[],:0-.9eax\\') });
    fc.assert(
      fc.property(fc.constantFrom(...base), fc.array(edit, { minLength: 1, maxLength: 3 }), ([, raw], edits) => {
        const memo = newScoreboardMemo();
        expect(scanEspnScoreboard(raw, memo)).toBeDefined();
        let text = raw;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = `${text.slice(0, at)}${e.char}${text.slice(at + 1)}`;
        }
        expect(scanEspnScoreboard(text, memo)).toStrictEqual(scanEspnScoreboard(text));
      }),
      { numRuns: 1500 },
    );
  });
});
