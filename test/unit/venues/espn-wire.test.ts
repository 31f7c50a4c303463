import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEspnScoreboard } from '#adapters/venues/espn/wire';
import { FeedParseError } from '#adapters/venues/feed-parse-error';

const raw = (name: string): string => readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8');
const fixture = (name: string) => JSON.parse(raw(name));

/** The NBA fixture with its first competition changed by `edit`. */
function nbaWith(edit: (competition: Record<string, unknown> & { competitors: unknown[] }) => void) {
  const body = fixture('espn_nba_scoreboard_in_progress.json');
  edit(body.events[0].competitions[0]);
  return body;
}

function setStatus(competition: Record<string, unknown>, status: Record<string, unknown>) {
  const current = competition.status as { type: Record<string, unknown> };
  competition.status = { ...current, ...status, type: { ...current.type, ...(status.type as object) } };
}

describe('parseEspnScoreboard', () => {
  it('reads the NBA fixture as the contract event: DEN 76 - BOS 71, Q3 5:42 -> 1062 s of regulation left', () => {
    expect(parseEspnScoreboard('nba', fixture('espn_nba_scoreboard_in_progress.json'))).toEqual([
      {
        type: 'game_state',
        sport: 'nba',
        espnEventId: '401810233',
        startsAtMs: Date.UTC(2026, 10, 15, 2, 0),
        status: 'in_progress',
        period: 3,
        clockSeconds: 342,
        secondsRemaining: 720 + 342,
        home: { espnTeamId: '7', abbreviation: 'DEN', displayName: 'Denver Nuggets', score: 76 },
        away: { espnTeamId: '2', abbreviation: 'BOS', displayName: 'Boston Celtics', score: 71 },
      },
    ]);
  });

  it('reads the NFL fixture: BUF 20 - KC 17, Q3 8:14 -> one quarter plus 494 s left', () => {
    const [game] = parseEspnScoreboard('nfl', fixture('espn_nfl_scoreboard_in_progress.json'));
    expect(game).toMatchObject({
      espnEventId: '401773107',
      home: { abbreviation: 'BUF', score: 20, espnTeamId: '2' },
      away: { abbreviation: 'KC', score: 17, espnTeamId: '12' },
      secondsRemaining: 900 + 494,
    });
  });

  it('takes home and away from homeAway, not from the order they are listed in', () => {
    const swapped = nbaWith((c) => c.competitors.reverse());
    expect((swapped.events[0].competitions[0].competitors[0] as { homeAway: string }).homeAway).toBe('away');
    const [game] = parseEspnScoreboard('nba', swapped);
    expect(game?.home).toMatchObject({ abbreviation: 'DEN', score: 76 });
    expect(game?.away).toMatchObject({ abbreviation: 'BOS', score: 71 });
  });

  it('accepts the raw text the poller delivers', () => {
    const [game] = parseEspnScoreboard('nba', raw('espn_nba_scoreboard_in_progress.json'));
    expect(game?.espnEventId).toBe('401810233');
  });

  it.each([
    ['STATUS_POSTPONED', 'pre', false, 'postponed'],
    ['STATUS_CANCELED', 'post', false, 'cancelled'],
    ['STATUS_SCHEDULED', 'pre', false, 'scheduled'],
    ['STATUS_HALFTIME', 'in', false, 'in_progress'],
    ['STATUS_FINAL', 'post', true, 'final'],
  ] as const)('maps %s (state %s) to %s', (name, state, completed, status) => {
    const body = nbaWith((c) => setStatus(c, { type: { name, state, completed } }));
    expect(parseEspnScoreboard('nba', body)[0]?.status).toBe(status);
  });

  it('counts no time left once final, and the overtime clock in overtime', () => {
    const final = nbaWith((c) => setStatus(c, { clock: 0, period: 4, type: { name: 'STATUS_FINAL', state: 'post' } }));
    expect(parseEspnScoreboard('nba', final)[0]?.secondsRemaining).toBe(0);
    const overtime = nbaWith((c) => setStatus(c, { clock: 125.4, period: 5 }));
    expect(parseEspnScoreboard('nba', overtime)[0]).toMatchObject({ secondsRemaining: 125.4, period: 5 });
  });

  it('reads a missing score on a scheduled game as 0', () => {
    const body = nbaWith((c) => {
      for (const x of c.competitors as { score?: string }[]) delete x.score;
      setStatus(c, { clock: 0, period: 0, type: { name: 'STATUS_SCHEDULED', state: 'pre' } });
    });
    expect(parseEspnScoreboard('nba', body)[0]).toMatchObject({ status: 'scheduled', home: { score: 0 } });
  });

  it.each([
    ['not JSON', '{"events": ['],
    ['no events', { leagues: [] }],
    ['an event without competitions', { events: [{ id: '1', date: '2026-11-15T02:00Z', competitions: [] }] }],
    ['two home teams', nbaWith((c) => ((c.competitors[1] as { homeAway: string }).homeAway = 'home'))],
    ['a score that is not a number', nbaWith((c) => ((c.competitors[0] as { score: string }).score = '7a'))],
    ['a bad date', { events: [{ ...fixture('espn_nba_scoreboard_in_progress.json').events[0], date: 'soon' }] }],
  ])('throws FeedParseError on %s', (_what, body) => {
    expect(() => parseEspnScoreboard('nba', body)).toThrow(FeedParseError);
    try {
      parseEspnScoreboard('nba', body);
    } catch (e) {
      expect((e as FeedParseError).source).toBe('espn');
    }
  });
});
