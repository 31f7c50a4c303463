/**
 * A sportsbook event read as one of our games: the books' shared event key (league | start | away@home, as the
 * adapters build it) gives the teams by the alias table and the start; the game is the one of those two teams, in
 * that orientation, on the event's US-Eastern date, as the venue markets are matched to games.
 */
import { easternDateOf } from './identifiers.ts';
import { type League, leagues, type TeamAliasLookup, teamAliases } from './team-aliases.ts';

export interface SportsbookEvent {
  league: League;
  startsAtMs: number;
  /** ESPN abbreviations (the teams table's), whatever code the book used. */
  home: string;
  away: string;
}

const EVENT_KEY = /^([a-z]+)\|([^|]+)\|([A-Za-z0-9]{1,5})@([A-Za-z0-9]{1,5})$/;

/** The event a key names, or undefined for a league or team the alias table does not know (no game to match). */
export function sportsbookEventOf(
  eventKey: string,
  lookup: TeamAliasLookup = teamAliases,
): SportsbookEvent | undefined {
  const parts = EVENT_KEY.exec(eventKey);
  if (!parts) return undefined;
  const [, league, start, away, home] = parts as unknown as [string, string, string, string, string];
  if (!(leagues as readonly string[]).includes(league)) return undefined;
  const startsAtMs = Date.parse(start);
  if (!Number.isFinite(startsAtMs)) return undefined;
  const teams = lookup.league(league as League);
  // Books print their own codes (GSW where ESPN has GS): any code or name the table knows for exactly one team.
  const team = (code: string) =>
    teams.byEspn(code) ?? teams.byKalshiCode(code) ?? teams.byPolymarketCode(code) ?? teams.byName(code);
  const homeTeam = team(home);
  const awayTeam = team(away);
  if (!homeTeam || !awayTeam || homeTeam === awayTeam) return undefined;
  return { league: league as League, startsAtMs, home: homeTeam.espn, away: awayTeam.espn };
}

/** How far from the event's start a game of the same teams is looked for: the Eastern date decides among them. */
export const EVENT_GAME_SEARCH_MS = 36 * 3_600_000;

/** The one game (of the event's teams, home and away as the book has them) on the event's Eastern date; none if two. */
export function gameOfSportsbookEvent<G extends { startsAtMs: number }>(
  event: SportsbookEvent,
  games: readonly G[],
): G | undefined {
  const date = easternDateOf(event.startsAtMs);
  const same = games.filter((game) => easternDateOf(game.startsAtMs) === date);
  return same.length === 1 ? same[0] : undefined;
}
