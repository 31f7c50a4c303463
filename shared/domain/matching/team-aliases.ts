/**
 * The team alias table (team-aliases.json, data only) and the lookups built from it once: per league, every code
 * and name a venue uses for a team, normalized (upper case, letters and digits only), to the team's ESPN
 * abbreviation. A code that would name two teams is a data error and fails at load; a name two teams share (a city)
 * is left out, so it never resolves to either.
 */
import { z } from 'zod';
import table from './team-aliases.json' with { type: 'json' };

export const leagues = ['nba', 'nfl', 'nhl', 'mlb'] as const;
export type League = (typeof leagues)[number];

const code = z.string().regex(/^[A-Za-z0-9]{1,5}$/);

const teamSchema = z.object({
  espn: code,
  kalshi: z.array(code).min(1),
  polymarket: z.array(code).min(1),
  city: z.string().min(1),
  nickname: z.string().min(1),
  aliases: z.array(z.string().min(1)).optional(),
});
export type TeamAlias = z.infer<typeof teamSchema>;

const leagueSchema = z.object({
  espn: z.object({ sport: z.string(), league: z.string() }),
  kalshiGameSeries: z.string().regex(/^KX[A-Z0-9]+$/),
  kalshiFeeMultiplier: z.number().positive(),
  polymarketSlugPrefix: z.string().regex(/^[a-z0-9]+$/),
  tiesPossible: z.boolean(),
  teams: z.array(teamSchema).min(2),
});
export type LeagueAliases = z.infer<typeof leagueSchema>;

export const teamAliasTableSchema = z.object({
  leagues: z.object({ nba: leagueSchema, nfl: leagueSchema, nhl: leagueSchema, mlb: leagueSchema }),
});
export type TeamAliasTable = z.infer<typeof teamAliasTableSchema>;

/** The form every code and name is compared in: "St. Louis" -> "STLOUIS", "76ers" -> "76ERS". */
export function normalizeTeamText(text: string): string {
  return text
    .normalize('NFD')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

export interface LeagueLookup {
  league: League;
  config: LeagueAliases;
  teams: readonly TeamAlias[];
  byEspn(abbreviation: string): TeamAlias | undefined;
  byKalshiCode(code: string): TeamAlias | undefined;
  byPolymarketCode(code: string): TeamAlias | undefined;
  /** Nickname, city + nickname, a city no other team of the league has, "City X" (Kalshi's "Los Angeles R"), aliases. */
  byName(name: string): TeamAlias | undefined;
}

export interface TeamAliasLookup {
  league(league: League): LeagueLookup;
  /** The league whose game-winner series this is (`KXNBAGAME` -> nba). */
  leagueOfKalshiSeries(series: string): League | undefined;
  /** The league of a Polymarket slug prefix (`nba`). */
  leagueOfSlugPrefix(prefix: string): League | undefined;
}

function codeIndex(league: League, teams: readonly TeamAlias[], codesOf: (t: TeamAlias) => string[], what: string) {
  const index = new Map<string, TeamAlias>();
  for (const team of teams) {
    for (const c of codesOf(team)) {
      const key = normalizeTeamText(c);
      const other = index.get(key);
      if (other && other !== team) {
        throw new RangeError(`${league} ${what} code ${c} names both ${other.espn} and ${team.espn}`);
      }
      index.set(key, team);
    }
  }
  return index;
}

function nameIndex(teams: readonly TeamAlias[]) {
  const index = new Map<string, TeamAlias | null>();
  const add = (name: string, team: TeamAlias) => {
    const key = normalizeTeamText(name);
    if (key === '') return;
    const other = index.get(key);
    index.set(key, other === undefined || other === team ? team : null);
  };
  for (const team of teams) {
    add(team.nickname, team);
    add(`${team.city} ${team.nickname}`, team);
    add(team.city, team);
    add(`${team.city} ${team.nickname[0]}`, team);
    for (const alias of team.aliases ?? []) add(alias, team);
  }
  return index;
}

function leagueLookup(league: League, config: LeagueAliases): LeagueLookup {
  const byEspn = codeIndex(league, config.teams, (t) => [t.espn], 'ESPN');
  const byKalshi = codeIndex(league, config.teams, (t) => t.kalshi, 'Kalshi');
  const byPolymarket = codeIndex(league, config.teams, (t) => t.polymarket, 'Polymarket');
  const byName = nameIndex(config.teams);
  return {
    league,
    config,
    teams: config.teams,
    byEspn: (abbreviation) => byEspn.get(normalizeTeamText(abbreviation)),
    byKalshiCode: (c) => byKalshi.get(normalizeTeamText(c)),
    byPolymarketCode: (c) => byPolymarket.get(normalizeTeamText(c)),
    byName: (name) => byName.get(normalizeTeamText(name)) ?? undefined,
  };
}

/** Builds the lookups of a table (validated first); throws when a code names two teams of a league. */
export function buildTeamAliasLookup(raw: unknown): TeamAliasLookup {
  const parsed = teamAliasTableSchema.parse(raw);
  const byLeague = new Map(leagues.map((l) => [l, leagueLookup(l, parsed.leagues[l])]));
  const bySeries = new Map(leagues.map((l) => [parsed.leagues[l].kalshiGameSeries, l]));
  const byPrefix = new Map(leagues.map((l) => [parsed.leagues[l].polymarketSlugPrefix, l]));
  return {
    league: (l) => byLeague.get(l)!,
    leagueOfKalshiSeries: (series) => bySeries.get(series),
    leagueOfSlugPrefix: (prefix) => byPrefix.get(prefix),
  };
}

/** The project's table, built once at load. */
export const teamAliases: TeamAliasLookup = buildTeamAliasLookup(table);
