import { upsertGame, upsertMarket, upsertTeam } from '#adapters/pg/reference-data';
import type { Queryable } from '#adapters/pg/rows';
import type { Sport } from '#domain';
import type { SettlementRule } from '#domain/settlement/index';
import { type ShardGame, sidesOf, type WatchedMarket } from '../../shared/domain/shard/tick.ts';

export interface TeamSpec {
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

export interface GameSpec {
  /** Our row id when the caller derives it (`gameIdFor(sport, espnEventId)`): the id the shard's candidates carry. */
  gameId?: string;
  sport: Sport;
  espnEventId: string;
  startsAtMs: number;
  home: TeamSpec;
  away: TeamSpec;
  pregameHomeWinProbability: number;
  markets: readonly MarketSpec[];
}

/**
 * Writes a game's teams, game and markets (upserts keyed on the feeds' ids, so registering again changes nothing)
 * and returns the game as the tick holds it, with our row ids: the derived ones the spec names (so a shard that ran
 * without a database, as in replay, published candidates with the ids the evaluator finds), else the stored ones.
 */
export async function registerGame(db: Queryable, spec: GameSpec): Promise<ShardGame> {
  const team = async (t: TeamSpec) => ({
    abbreviation: t.abbreviation,
    teamId: await upsertTeam(db, { sport: spec.sport, ...t }),
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
  return { gameId, sport: spec.sport, home, away, pregameHomeWinProbability: spec.pregameHomeWinProbability, sides };
}
