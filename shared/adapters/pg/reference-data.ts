import { feeParameters, type Sport, type VenueFeeSchedule } from '#domain';
import type { Venue } from '#domain/names';
import type { SettlementRule } from '#domain/settlement/index';
import type { GameStateRow } from '#domain/shard/markets';
import { type Queryable, singleRow } from './rows.ts';

/**
 * Reference data the game shard keeps current: teams, games, venue markets and game states. Upserts are keyed on
 * the feeds' own ids (ESPN team and event ids, venue market ids), so replaying a feed changes nothing.
 */
export type { GameStatus } from '#domain/names';
export type { Sport } from '#domain/win-probability';

export interface TeamInput {
  /** The row id to insert with (the shard's derived `teamIdFor`); unset: a random one. An existing row keeps its id. */
  id?: string;
  sport: Sport;
  abbreviation: string;
  name: string;
  espnTeamId: string;
}

export async function upsertTeam(db: Queryable, team: TeamInput): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO teams (id, sport, abbreviation, name, espn_team_id)
     VALUES (COALESCE($5::uuid, gen_random_uuid()), $1, $2, $3, $4)
     ON CONFLICT (sport, abbreviation) DO UPDATE SET name = EXCLUDED.name, espn_team_id = EXCLUDED.espn_team_id
     RETURNING id`,
    [team.sport, team.abbreviation, team.name, team.espnTeamId, team.id ?? null],
  );
  return singleRow(rows, 'team').id;
}

export interface GameInput {
  /** The row id to insert with (the shard's derived `gameIdFor`); unset: a random one. An existing row keeps its id. */
  id?: string;
  sport: Sport;
  homeTeamId: string;
  awayTeamId: string;
  startsAtMs: number;
  espnEventId: string;
}

export async function upsertGame(db: Queryable, game: GameInput): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO games (id, sport, home_team_id, away_team_id, starts_at, espn_event_id)
     VALUES (COALESCE($6::uuid, gen_random_uuid()), $1, $2, $3, to_timestamp($4 / 1000.0), $5)
     ON CONFLICT (espn_event_id) DO UPDATE SET starts_at = EXCLUDED.starts_at
     RETURNING id`,
    [game.sport, game.homeTeamId, game.awayTeamId, game.startsAtMs, game.espnEventId, game.id ?? null],
  );
  return singleRow(rows, 'game').id;
}

export interface MarketInput {
  /** The row id to insert with (the shard's derived `marketIdFor`); unset: a random one. An existing row keeps its id. */
  id?: string;
  venue: Venue;
  venueMarketId: string;
  gameId: string;
  /** The team whose win makes YES pay. */
  outcomeTeamId: string;
  yesMeaning: string;
  title: string;
  resolutionRule: string;
  resolutionKey: string;
  tickSizeMicros: number;
  /** The market's fee rule; stored as its parameters in parts per million, so no rate is a float. */
  fee: VenueFeeSchedule;
  /** What the market pays on a tie, a cancellation or a late postponement (`venueSettlementRules` has the venues'). */
  settlement: SettlementRule;
}

export async function upsertMarket(db: Queryable, m: MarketInput): Promise<string> {
  if (m.fee.venue !== m.venue) throw new RangeError(`market ${m.venueMarketId}: fee schedule is for ${m.fee.venue}`);
  const fee = feeParameters(m.fee);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO markets (id, venue, venue_market_id, game_id, outcome_team_id, yes_meaning, title, resolution_rule,
                          resolution_key, tick_size_micros, taker_fee_rate_ppm, fee_multiplier_ppm, fee_exponent,
                          tie_yes_payout_micros, cancel_yes_payout_micros, postpone_window_hours)
     VALUES (COALESCE($16::uuid, gen_random_uuid()), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (venue, venue_market_id) DO UPDATE SET
       game_id = EXCLUDED.game_id, outcome_team_id = EXCLUDED.outcome_team_id, yes_meaning = EXCLUDED.yes_meaning,
       title = EXCLUDED.title, resolution_rule = EXCLUDED.resolution_rule, resolution_key = EXCLUDED.resolution_key,
       tick_size_micros = EXCLUDED.tick_size_micros, taker_fee_rate_ppm = EXCLUDED.taker_fee_rate_ppm,
       fee_multiplier_ppm = EXCLUDED.fee_multiplier_ppm, fee_exponent = EXCLUDED.fee_exponent,
       tie_yes_payout_micros = EXCLUDED.tie_yes_payout_micros,
       cancel_yes_payout_micros = EXCLUDED.cancel_yes_payout_micros,
       postpone_window_hours = EXCLUDED.postpone_window_hours
     RETURNING id`,
    [
      m.venue,
      m.venueMarketId,
      m.gameId,
      m.outcomeTeamId,
      m.yesMeaning,
      m.title,
      m.resolutionRule,
      m.resolutionKey,
      m.tickSizeMicros,
      fee.takerFeeRatePpm,
      fee.feeMultiplierPpm,
      fee.feeExponent,
      m.settlement.tieYesPayoutMicros,
      m.settlement.cancelYesPayoutMicros,
      m.settlement.postponeWindowHours,
      m.id ?? null,
    ],
  );
  return singleRow(rows, 'market').id;
}

/** A game state as the shard's engine reports it. */
export type GameStateInput = GameStateRow;

/** Appends a state and mirrors status and winner onto the game; the same observation twice is one row. */
export async function recordGameState(db: Queryable, s: GameStateInput): Promise<void> {
  await db.query(
    `WITH state AS (
       INSERT INTO game_states (game_id, observed_at, status, period, clock_remaining_seconds, home_score, away_score,
                                winner_team_id)
       VALUES ($1, to_timestamp($2 / 1000.0), $3, $4, $5, $6, $7, $8)
       ON CONFLICT (game_id, observed_at) DO NOTHING
     )
     UPDATE games SET status = $3, winner_team_id = $8 WHERE id = $1`,
    [s.gameId, s.observedAtMs, s.status, s.period, s.clockRemainingSeconds, s.homeScore, s.awayScore, s.winnerTeamId],
  );
}

/** A market's tick as the venue now publishes it (Polymarket tightens it near the extremes). */
export async function updateMarketTick(db: Queryable, marketId: string, tickSizeMicros: number): Promise<void> {
  await db.query('UPDATE markets SET tick_size_micros = $2 WHERE id = $1', [marketId, tickSizeMicros]);
}
