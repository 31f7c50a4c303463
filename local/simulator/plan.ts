/**
 * The evening's games: teams, schedule, venue identifiers and each game's score timeline, all drawn from the seed.
 * Tickers and slugs follow the venues' naming (REFERENCE.md 1.4, 2.4): Kalshi `KXNBAGAME-26NOV14BOSDEN-DEN` with the
 * US-Eastern date and Kalshi's own team codes, Polymarket `nba-bos-den-2026-11-14`. Teams come from the project's one
 * alias table (shared/domain/matching/team-aliases.json), each venue's current code.
 */

import { type TeamAlias, teamAliases } from '#domain/matching/team-aliases';
import type { Sport } from '#domain/win-probability';
import { Rng } from './prng.ts';
import { simulateGame, type Timeline } from './score.ts';

export interface Team {
  espn: string;
  kalshi: string;
  polymarket: string;
  /** Simulated: the team's place in the alias table (ESPN's own ids are not in it). */
  espnId: string;
  location: string;
  /** How Kalshi's titles and `yes_sub_title` name the team: the city, with the nickname's initial where a league has two teams in it ("Los Angeles L"). */
  kalshiName: string;
  name: string;
  color: string;
}

/** The league's teams as the simulator names them, from the alias table. */
function teamsOf(sport: Sport): Team[] {
  const all = teamAliases.league(sport).teams;
  const cities = new Map<string, number>();
  for (const t of all) cities.set(t.city, (cities.get(t.city) ?? 0) + 1);
  return all.map((t: TeamAlias, i) => ({
    espn: t.espn,
    kalshi: t.kalshi[0]!,
    polymarket: t.polymarket[0]!.toLowerCase(),
    espnId: String(i + 1),
    location: t.city,
    kalshiName: cities.get(t.city)! > 1 ? `${t.city} ${t.nickname[0]}` : t.city,
    name: t.nickname,
    color: colorOf(t.espn),
  }));
}

/** A stable colour per team for the scoreboard (not ESPN's: nothing reads it). */
function colorOf(abbreviation: string): string {
  let h = 0;
  for (const c of abbreviation) h = (h * 31 + c.charCodeAt(0)) % 0xffffff;
  return h.toString(16).padStart(6, '0');
}

const TEAMS: Record<Sport, Team[]> = { nba: teamsOf('nba'), nfl: teamsOf('nfl') };

export interface PolymarketIds {
  gammaId: string;
  conditionId: string;
  questionId: string;
  slug: string;
  /** Token ids in Gamma's outcome order: away first. */
  awayToken: string;
  homeToken: string;
  sportsMarketType: 'moneyline' | 'first_half_moneyline';
}

export interface KalshiIds {
  ticker: string;
  marketId: string;
}

export interface PlannedGame {
  index: number;
  sport: Sport;
  espnEventId: string;
  home: Team;
  away: Team;
  /** Tip-off, epoch ms (also the feed time the game starts). */
  startT: number;
  pregameHomeWinProbability: number;
  kalshiEventTicker: string;
  kalshi: { home: KalshiIds; away: KalshiIds };
  polymarket: { full: PolymarketIds; firstHalf: PolymarketIds; feeRate: number; gameId: string; eventId: string };
  timeline: Timeline;
}

export const KALSHI_SERIES: Record<Sport, string> = { nba: 'KXNBAGAME', nfl: 'KXNFLGAME' };

/** 7:00 PM US-Eastern on Saturday 2026-11-14 (EST, UTC-5): the evening's first tip-off. */
export const EVENING_FIRST_START_MS = Date.UTC(2026, 10, 15, 0, 0);
/** Scheduled starts are this far apart (compressed games take under an hour). */
const START_SPACING_MS = 15 * 60_000;

const eastern = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The US-Eastern calendar date of an instant as `YYYY-MM-DD`. */
export function easternDate(ms: number): string {
  const parts = Object.fromEntries(eastern.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function kalshiDate(ms: number): string {
  const [year, month, day] = easternDate(ms).split('-');
  return `${year!.slice(2)}${MONTHS[Number(month) - 1]}${day}`;
}

/** Sports of each game: with both sports, about a quarter NFL, as on a basketball-heavy evening. */
function sportsFor(games: number, sports: readonly Sport[]): Sport[] {
  if (sports.length === 1) return Array.from({ length: games }, () => sports[0]!);
  const nfl = Math.max(1, Math.floor(games / 4));
  return Array.from({ length: games }, (_, i) => (i >= games - nfl ? 'nfl' : 'nba'));
}

export function planEvening(seed: number, games: number, sports: readonly Sport[]): PlannedGame[] {
  const rng = Rng.derive(seed, 'plan');
  const order = sportsFor(games, sports);
  for (const sport of sports) {
    const wanted = order.filter((s) => s === sport).length;
    // Each team plays once an evening, so tickers and slugs stay unique; volume comes from --messages instead.
    if (wanted * 2 > TEAMS[sport].length) {
      throw new RangeError(`at most ${Math.floor(TEAMS[sport].length / 2)} ${sport} games, got ${wanted}`);
    }
  }
  const pools: Record<Sport, Team[]> = { nba: rng.shuffle(TEAMS.nba), nfl: rng.shuffle(TEAMS.nfl) };
  const used: Record<Sport, number> = { nba: 0, nfl: 0 };
  return order.map((sport, index) => {
    const pool = pools[sport];
    const pickTeam = () => pool[used[sport]++]!;
    const away = pickTeam();
    const home = pickTeam();
    const startT =
      EVENING_FIRST_START_MS + Math.floor(index / 2) * START_SPACING_MS * 2 + (index % 2) * START_SPACING_MS;
    const pregame = Math.round(rng.uniform(0.25, 0.78) * 1000) / 1000;
    const eventTicker = `${KALSHI_SERIES[sport]}-${kalshiDate(startT)}${away.kalshi}${home.kalshi}`;
    const date = easternDate(startT);
    const slug = `${sport}-${away.polymarket}-${home.polymarket}-${date}`;
    const polyIds = (suffix: string, type: PolymarketIds['sportsMarketType']): PolymarketIds => ({
      gammaId: String(rng.int(1_800_000, 1_999_999)),
      conditionId: `0x${rng.hex(64)}`,
      questionId: `0x${rng.hex(64)}`,
      slug: `${slug}${suffix}`,
      awayToken: rng.digits(77),
      homeToken: rng.digits(77),
      sportsMarketType: type,
    });
    const timeline = simulateGame(sport, Rng.derive(seed, `score:${index}`), startT, pregame);
    return {
      index,
      sport,
      espnEventId: String((sport === 'nba' ? 401_810_200 : 401_773_100) + index * 7 + rng.int(0, 6)),
      home,
      away,
      startT,
      pregameHomeWinProbability: pregame,
      kalshiEventTicker: eventTicker,
      kalshi: {
        home: { ticker: `${eventTicker}-${home.kalshi}`, marketId: rng.uuid() },
        away: { ticker: `${eventTicker}-${away.kalshi}`, marketId: rng.uuid() },
      },
      polymarket: {
        full: polyIds('', 'moneyline'),
        firstHalf: polyIds('-1h-moneyline', 'first_half_moneyline'),
        feeRate: rng.chance(0.7) ? 0.03 : 0.05,
        gameId: String(rng.int(90_000_000, 99_999_999)),
        eventId: String(rng.int(200_000, 299_999)),
      },
      timeline,
    };
  });
}
