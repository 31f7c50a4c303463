/**
 * ESPN scoreboard answers (REFERENCE.md 3.2, shaped like the fixtures): one body per sport with every game of the
 * evening, polled every few seconds. Competitors carry `homeAway`; some games list the away team first, as the API
 * does not promise an order.
 */
import type { Sport } from '#domain/win-probability';
import type { PlannedGame, Team } from './plan.ts';
import { easternDate } from './plan.ts';
import { type GameMark, stateAt } from './score.ts';

export const espnPath = (sport: Sport) =>
  sport === 'nba' ? '/apis/site/v2/sports/basketball/nba/scoreboard' : '/apis/site/v2/sports/football/nfl/scoreboard';

const LEAGUE: Record<Sport, object> = {
  nba: {
    id: '46',
    uid: 's:40~l:46',
    name: 'National Basketball Association',
    abbreviation: 'NBA',
    slug: 'nba',
    season: { year: 2027, startDate: '2026-10-01T07:00Z', endDate: '2027-06-30T06:59Z', displayName: '2026-27' },
    calendarType: 'day',
    calendarIsWhitelist: true,
  },
  nfl: {
    id: '28',
    uid: 's:20~l:28',
    name: 'National Football League',
    abbreviation: 'NFL',
    slug: 'nfl',
    season: { year: 2026, startDate: '2026-08-01T07:00Z', endDate: '2027-02-15T07:59Z', displayName: '2026' },
    calendarType: 'list',
    calendarIsWhitelist: true,
  },
};

const ORDINAL = ['', '1st', '2nd', '3rd', '4th'];

function displayClock(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

function status(mark: GameMark, clockSeconds: number) {
  const periods = 4;
  const periodName = mark.period > periods ? 'OT' : `${ORDINAL[mark.period]} Quarter`;
  const shortPeriod = mark.period > periods ? 'OT' : ORDINAL[mark.period];
  const clock = Math.round(clockSeconds * 10) / 10;
  const base = (id: string, name: string, state: string, description: string, detail: string, shortDetail: string) => ({
    clock,
    displayClock: displayClock(clockSeconds),
    period: mark.phase === 'pre' ? 0 : mark.period,
    type: { id, name, state, completed: state === 'post', description, detail, shortDetail },
  });
  switch (mark.phase) {
    case 'pre':
      return { ...base('1', 'STATUS_SCHEDULED', 'pre', 'Scheduled', 'Sat, November 14th', '11/14 - Scheduled'), clock: 0 };
    case 'halftime':
      return base('23', 'STATUS_HALFTIME', 'in', 'Halftime', 'Halftime', 'Halftime');
    case 'end_period':
      return base('22', 'STATUS_END_PERIOD', 'in', 'End of Period', `End of ${periodName}`, `End of ${shortPeriod}`);
    case 'final': {
      const ot = mark.period > periods ? '/OT' : '';
      return { ...base('3', 'STATUS_FINAL', 'post', 'Final', `Final${ot}`, `Final${ot}`), clock: 0 };
    }
    default: {
      const text = `${displayClock(clockSeconds)} - ${periodName}`;
      const short = `${displayClock(clockSeconds)} - ${shortPeriod}`;
      return base('2', 'STATUS_IN_PROGRESS', 'in', 'In Progress', text, short);
    }
  }
}

const linescoreCache = new WeakMap<PlannedGame, Map<string, { value: number }[]>>();

/** Points per completed or current period, from the marks up to this one. */
function linescores(game: PlannedGame, upTo: number, side: 'home' | 'away'): { value: number }[] {
  let cache = linescoreCache.get(game);
  if (!cache) linescoreCache.set(game, (cache = new Map()));
  const key = `${side}${upTo}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const lines = computeLinescores(game, upTo, side);
  cache.set(key, lines);
  return lines;
}

function computeLinescores(game: PlannedGame, upTo: number, side: 'home' | 'away'): { value: number }[] {
  const marks = game.timeline.marks;
  const mark = marks[upTo]!;
  if (mark.phase === 'pre') return [];
  const ends: number[] = [];
  for (let period = 1; period <= mark.period; period++) {
    let last = 0;
    for (let i = 0; i <= upTo; i++) {
      const m = marks[i]!;
      if (m.phase !== 'pre' && m.period <= period) last = side === 'home' ? m.homeScore : m.awayScore;
    }
    ends.push(last);
  }
  return ends.map((total, i) => ({ value: total - (i === 0 ? 0 : ends[i - 1]!) }));
}

function competitor(sport: Sport, team: Team, homeAway: 'home' | 'away', order: number, score: number, lines: object[]) {
  const league = sport === 'nba' ? 's:40~l:46' : 's:20~l:28';
  return {
    id: team.espnId,
    uid: `${league}~t:${team.espnId}`,
    type: 'team',
    order,
    homeAway,
    team: {
      id: team.espnId,
      uid: `${league}~t:${team.espnId}`,
      location: team.location,
      name: team.name,
      abbreviation: team.espn,
      displayName: `${team.location} ${team.name}`,
      shortDisplayName: team.name,
      color: team.color,
      alternateColor: 'ffffff',
      isActive: true,
      logo: `https://a.espncdn.com/i/teamlogos/${sport}/500/scoreboard/${team.espn.toLowerCase()}.png`,
    },
    score: String(score),
    linescores: lines,
    statistics: [],
  };
}

function situation(game: PlannedGame, mark: GameMark) {
  const team = mark.possession === 'home' ? game.home : game.away;
  const down = mark.down ?? 1;
  const distance = mark.distance ?? 10;
  const yardLine = mark.yardLine ?? 25;
  const side = yardLine >= 50 ? game.away : game.home;
  const spot = yardLine >= 50 ? 100 - yardLine : yardLine;
  const ordinal = ORDINAL[down];
  return {
    down,
    distance,
    yardLine,
    downDistanceText: `${ordinal} & ${distance} at ${side.espn} ${spot}`,
    shortDownDistanceText: `${ordinal} & ${distance}`,
    possessionText: `${side.espn} ${spot}`,
    isRedZone: spot <= 20 && side !== team,
    homeTimeouts: 3,
    awayTimeouts: 3,
    possession: team.espnId,
    lastPlay: { text: mark.lastPlay ?? 'Kickoff' },
  };
}

/** One `events[]` entry at feed time `t`. */
export function espnEvent(game: PlannedGame, t: number, hint: number): { event: object; index: number } {
  const { mark, index, clockSeconds } = stateAt(game.timeline, t, hint);
  const st = status(mark, mark.phase === 'live' ? clockSeconds : mark.phase === 'pre' ? 0 : mark.clockSeconds);
  const home = competitor(game.sport, game.home, 'home', 0, mark.homeScore, linescores(game, index, 'home'));
  const away = competitor(game.sport, game.away, 'away', 1, mark.awayScore, linescores(game, index, 'away'));
  // Odd games list the away team first: parsers must pick competitors by homeAway, not by position.
  const competitors = game.index % 2 === 1 ? [away, home] : [home, away];
  const date = `${new Date(game.startT).toISOString().slice(0, 16)}Z`;
  const uid = `${game.sport === 'nba' ? 's:40~l:46' : 's:20~l:28'}~e:${game.espnEventId}`;
  const competition: Record<string, unknown> = {
    id: game.espnEventId,
    uid: `${uid}~c:${game.espnEventId}`,
    date,
    type: { id: '1', abbreviation: 'STD' },
    timeValid: true,
    neutralSite: false,
    conferenceCompetition: false,
    playByPlayAvailable: true,
    recent: true,
    competitors,
    notes: [],
    status: st,
    format: { regulation: { periods: 4 } },
    startDate: date,
  };
  if (game.sport === 'nfl' && mark.phase === 'live') competition.situation = situation(game, mark);
  const event = {
    id: game.espnEventId,
    uid,
    date,
    name: `${game.away.location} ${game.away.name} at ${game.home.location} ${game.home.name}`,
    shortName: `${game.away.espn} @ ${game.home.espn}`,
    season: { year: game.sport === 'nba' ? 2027 : 2026, type: 2, slug: 'regular-season' },
    competitions: [competition],
    status: st,
  };
  return { event, index };
}

/** The whole scoreboard body of one sport at feed time `t`. */
export function espnScoreboard(sport: Sport, games: readonly PlannedGame[], t: number, hints: number[]): string {
  const events = games.map((game, i) => {
    const { event, index } = espnEvent(game, t, hints[i] ?? 0);
    hints[i] = index;
    return event;
  });
  const calendar = sport === 'nba' ? { day: { date: easternDate(games[0]?.startT ?? t) } } : { week: { number: 10 } };
  return JSON.stringify({ leagues: [LEAGUE[sport]], season: { type: 2, year: sport === 'nba' ? 2027 : 2026 }, ...calendar, events });
}
