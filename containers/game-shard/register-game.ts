import { upsertGame, upsertMarket, upsertTeam } from '#adapters/pg/reference-data';
import type { Queryable } from '#adapters/pg/rows';
import { marketIdFor, teamIdFor } from '#contracts/ids';
import type { Sport } from '#domain';
import { type SettlementRule, venueSettlementRules } from '#domain/settlement/index';
import { type ShardGame, sidesOf, type WatchedMarket } from '../../shared/domain/shard/tick.ts';
import type { DiscoveredGame } from './engine.ts';

export interface TeamSpec {
  /** Our row id when the caller derives it (`teamIdFor(sport, abbreviation)`); unset: the database picks one. */
  teamId?: string;
  abbreviation: string;
  name: string;
  espnTeamId: string;
}

/** One venue market of the game, as the venue describes it. */
export interface MarketSpec extends WatchedMarket {
  /** Our row id when the caller derives it (`marketIdFor(venue, venueMarketId)`); unset: the database picks one. */
  marketId?: string;
  title: string;
  resolutionRule: string;
  tickSizeMicros: number;
  settlement: SettlementRule;
}

/** A game's reference rows: its teams, the game and its venue markets. */
export interface GameRows {
  /** Our row id when the caller derives it (`gameIdFor(sport, espnEventId)`): the id the shard's candidates carry. */
  gameId?: string;
  sport: Sport;
  espnEventId: string;
  startsAtMs: number;
  home: TeamSpec;
  away: TeamSpec;
  markets: readonly MarketSpec[];
}

export interface GameSpec extends GameRows {
  pregameHomeWinProbability: number;
}

/**
 * The rows of a game the engine's discovery matched, with the derived ids its candidates carry (`gameIdFor`,
 * `marketIdFor`), ESPN's team ids and names, and each venue's settlement terms.
 */
export function gameRowsOf(game: DiscoveredGame): GameRows & { gameId: string } {
  const team = (c: DiscoveredGame['competitors']['home']): TeamSpec => ({
    teamId: teamIdFor(game.sport, c.abbreviation),
    abbreviation: c.abbreviation,
    name: c.displayName,
    espnTeamId: c.espnTeamId,
  });
  return {
    gameId: game.gameId,
    sport: game.sport,
    espnEventId: game.espnEventId,
    startsAtMs: game.startsAtMs,
    home: team(game.competitors.home),
    away: team(game.competitors.away),
    markets: game.matched.markets.map((m) => ({
      ...m,
      marketId: marketIdFor(m.venue, m.venueMarketId),
      settlement: venueSettlementRules[m.venue],
    })),
  };
}

/**
 * Writes a game's teams, game and markets (upserts keyed on the feeds' ids, so registering again changes nothing)
 * and returns the game as the tick holds it, with our row ids: the derived ones the spec names (so a shard that ran
 * without a database, as in replay, published candidates with the ids the evaluator finds), else the stored ones.
 */
export async function registerGame(db: Queryable, spec: GameSpec): Promise<ShardGame> {
  const { gameId, home, away, sides } = await writeGameRows(db, spec);
  return { gameId, sport: spec.sport, home, away, pregameHomeWinProbability: spec.pregameHomeWinProbability, sides };
}

/** `registerGame`'s writes: the rows and the ids they have (the derived ones, where the spec names them). */
export async function writeGameRows(db: Queryable, spec: GameRows) {
  const team = async ({ teamId, ...t }: TeamSpec) => ({
    abbreviation: t.abbreviation,
    teamId: await upsertTeam(db, { id: teamId, sport: spec.sport, ...t }),
  });
  const home = await team(spec.home);
  const away = await team(spec.away);
  const teams = { home: home.abbreviation, away: away.abbreviation };
  const gameId = await upsertGame(db, {
    id: spec.gameId,
    sport: spec.sport,
    homeTeamId: home.teamId,
    awayTeamId: away.teamId,
    startsAtMs: spec.startsAtMs,
    espnEventId: spec.espnEventId,
  });
  const sides = [];
  for (const m of spec.markets) {
    const watched = sidesOf(m, teams);
    const marketId = await upsertMarket(db, {
      id: m.marketId,
      venue: m.venue,
      venueMarketId: m.venueMarketId,
      gameId,
      outcomeTeamId: m.yesTeam === home.abbreviation ? home.teamId : away.teamId,
      yesMeaning: `${m.yesTeam} wins`,
      title: m.title,
      resolutionRule: m.resolutionRule,
      resolutionKey: m.resolutionKey,
      tickSizeMicros: m.tickSizeMicros,
      fee: m.fee,
      settlement: m.settlement,
    });
    sides.push(...watched.map((side) => ({ ...side, marketId })));
  }
  return { gameId, home, away, sides };
}
