/**
 * The venues' market identifiers read as games: a Kalshi game-winner ticker and a Polymarket event slug, each giving
 * the league, the game's date and its two teams (as alias-table entries). Team codes are split with the alias table,
 * never by length: `LACAR` is LA + CAR because LAC + AR names no team.
 */
import { type League, type TeamAlias, type TeamAliasLookup, teamAliases } from './team-aliases.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `YYYY-MM-DD` if the parts make a real calendar day. */
function isoDate(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return d.toISOString().slice(0, 10);
}

export interface KalshiGameTicker {
  series: string;
  league: League;
  /** The ticker's date (Kalshi writes the US-Eastern game date), `YYYY-MM-DD`. */
  date: string;
  /** Scheduled start in US Eastern, `HH:MM`, when the ticker carries one (MLB since 2026). */
  startTimeEt?: string;
  /** 1 or 2 for a doubleheader's game (`...BALDETG1`). */
  gameNumber?: number;
  away: TeamAlias;
  home: TeamAlias;
  /** The market's team, from the suffix after the event (`-DEN`); absent on an event ticker. */
  team?: TeamAlias;
}

const EVENT_PART = /^(\d{2})([A-Z]{3})(\d{2})(\d{4})?([A-Z]+?)(?:G([12]))?$/;

/** Every way `letters` is two Kalshi codes of the league, away first. */
function splitTeams(lookup: TeamAliasLookup, league: League, letters: string): [TeamAlias, TeamAlias][] {
  const teams = lookup.league(league);
  const splits: [TeamAlias, TeamAlias][] = [];
  for (let i = 1; i < letters.length; i += 1) {
    const away = teams.byKalshiCode(letters.slice(0, i));
    const home = teams.byKalshiCode(letters.slice(i));
    if (away && home && away !== home) splits.push([away, home]);
  }
  return splits;
}

/**
 * `KXNBAGAME-26NOV14BOSDEN-DEN`: series, YY MON DD date, optional HHMM start (ET), away and home codes, optional
 * doubleheader `G1`/`G2`, optional `-TEAM` suffix. Only the game-winner series of the alias table are accepted.
 */
export function parseKalshiGameTicker(ticker: string, lookup: TeamAliasLookup = teamAliases): Parsed<KalshiGameTicker> {
  const parts = ticker.split('-');
  if (parts.length < 2 || parts.length > 3) return fail(`ticker ${ticker} is not SERIES-EVENT[-TEAM]`);
  const [series, event, suffix] = parts as [string, string, string | undefined];
  const league = lookup.leagueOfKalshiSeries(series);
  if (!league) return fail(`series ${series} is not a game-winner series`);
  const m = EVENT_PART.exec(event);
  if (!m) return fail(`event ${event} is not YYMONDD[HHMM]AWAYHOME`);
  const [, yy, mon, dd, hhmm, letters, game] = m as unknown as [
    string,
    string,
    string,
    string,
    string?,
    string?,
    string?,
  ];
  const month = MONTHS.indexOf(mon) + 1;
  const date = month > 0 ? isoDate(2000 + Number(yy), month, Number(dd)) : undefined;
  if (!date) return fail(`event ${event} has no valid date`);
  let startTimeEt: string | undefined;
  if (hhmm !== undefined) {
    const [h, min] = [Number(hhmm.slice(0, 2)), Number(hhmm.slice(2))];
    if (h > 23 || min > 59) return fail(`event ${event} has no valid start time`);
    startTimeEt = `${hhmm.slice(0, 2)}:${hhmm.slice(2)}`;
  }
  const splits = splitTeams(lookup, league, letters ?? '');
  if (splits.length === 0) return fail(`${letters} is not two ${league} teams`);
  if (splits.length > 1) {
    return fail(
      `${letters} splits into ${league} teams in ${splits.length} ways: ${splits.map((s) => s.map((t) => t.espn).join('@')).join(', ')}`,
    );
  }
  const [away, home] = splits[0]!;
  let team: TeamAlias | undefined;
  if (suffix !== undefined) {
    team = lookup.league(league).byKalshiCode(suffix);
    if (team !== away && team !== home) return fail(`suffix ${suffix} is neither team of ${event}`);
  }
  return {
    ok: true,
    value: {
      series,
      league,
      date,
      ...(startTimeEt ? { startTimeEt } : {}),
      ...(game ? { gameNumber: Number(game) } : {}),
      away,
      home,
      ...(team ? { team } : {}),
    },
  };
}

export interface PolymarketGameSlug {
  league: League;
  /** The slug's date, `YYYY-MM-DD`. */
  date: string;
  /** The two teams in the slug's order (the away team first in the listings seen). */
  first: TeamAlias;
  second: TeamAlias;
  /** What follows the date (`spread-home-4pt5`, `total-8pt5`, `1h`...): another market on the same game. */
  suffix?: string;
}

/** `nba-bos-den-2026-11-14` plus an optional suffix for other market types on that game. */
export function parsePolymarketSlug(slug: string, lookup: TeamAliasLookup = teamAliases): Parsed<PolymarketGameSlug> {
  const parts = slug.split('-');
  if (parts.length < 6) return fail(`slug ${slug} is not LEAGUE-TEAM-TEAM-YYYY-MM-DD`);
  const [prefix, a, b, yyyy, mm, dd, ...rest] = parts as [string, string, string, string, string, string, ...string[]];
  const league = lookup.leagueOfSlugPrefix(prefix);
  if (!league) return fail(`slug prefix ${prefix} is not a league we match`);
  const date =
    /^\d{4}$/.test(yyyy) && /^\d{2}$/.test(mm) && /^\d{2}$/.test(dd)
      ? isoDate(Number(yyyy), Number(mm), Number(dd))
      : undefined;
  if (!date) return fail(`slug ${slug} has no valid date`);
  const teams = lookup.league(league);
  const first = teams.byPolymarketCode(a);
  const second = teams.byPolymarketCode(b);
  if (!first || !second) return fail(`slug ${slug}: ${first ? b : a} is not a ${league} team code`);
  if (first === second) return fail(`slug ${slug} names one team twice`);
  return { ok: true, value: { league, date, first, second, ...(rest.length > 0 ? { suffix: rest.join('-') } : {}) } };
}

const easternDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const easternTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The US-Eastern calendar date of an instant, `YYYY-MM-DD` (daylight saving included). */
export function easternDateOf(epochMs: number): string {
  return easternDate.format(epochMs);
}

/** The US-Eastern wall-clock time of an instant, `HH:MM`. */
export function easternTimeOf(epochMs: number): string {
  return easternTime.format(epochMs);
}

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export function utcDateOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
