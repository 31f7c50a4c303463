import { z } from 'zod';
import { gameStatuses } from '#domain/names';
import type { VenuePayoutRow } from '../../ports/api/market-settlement.ts';
import type { MarketSettlementFacts } from '../../ports/settlement-store.ts';
import { runQuery } from './errors.ts';
import type { Queryable } from './rows.ts';

/** The view's columns, to select with a table alias (`f`). */
export const FACT_COLUMNS = `f.market_id, f.tie_yes_payout_micros, f.cancel_yes_payout_micros, f.postpone_window_hours,
  f.venue_yes_payout_micros, f.game_status, f.yes_team_won, f.home_score, f.away_score, f.scheduled_starts_at,
  f.postponed_at, f.played_at, f.ended_at`;

const ms = z.date().transform((d) => d.getTime());

export const factsRow = z.object({
  market_id: z.string(),
  tie_yes_payout_micros: z.number().int().nullable(),
  cancel_yes_payout_micros: z.number().int().nullable(),
  postpone_window_hours: z.number().int().nullable(),
  venue_yes_payout_micros: z.number().int().nullable(),
  game_status: z.enum(gameStatuses),
  yes_team_won: z.boolean().nullable(),
  home_score: z.number().int(),
  away_score: z.number().int(),
  scheduled_starts_at: ms,
  postponed_at: ms.nullable(),
  played_at: ms.nullable(),
  ended_at: ms.nullable(),
});

export function toFacts(r: z.infer<typeof factsRow>): MarketSettlementFacts {
  return {
    marketId: r.market_id,
    rule: {
      tieYesPayoutMicros: r.tie_yes_payout_micros,
      cancelYesPayoutMicros: r.cancel_yes_payout_micros,
      postponeWindowHours: r.postpone_window_hours,
    },
    venueYesPayoutMicros: r.venue_yes_payout_micros,
    game: {
      status: r.game_status,
      yesTeamWon: r.yes_team_won,
      homeScore: r.home_score,
      awayScore: r.away_score,
      scheduledStartMs: r.scheduled_starts_at,
      postponedAtMs: r.postponed_at,
      startedAfterPostponementMs: r.played_at,
    },
    endedAtMs: r.ended_at,
  };
}

const VENUE_PAYOUT_COLUMNS = `id AS market_id, status, venue_yes_payout_micros, venue_payout_source,
  venue_payout_entered_by, venue_payout_entered_at`;

/** The market's venue payout, locked until the caller's transaction ends (two admins entering at once queue). */
export async function lockVenuePayout(db: Queryable, marketId: string): Promise<VenuePayoutRow | undefined> {
  const { rows } = await runQuery<VenuePayoutRow>(
    db,
    `SELECT ${VENUE_PAYOUT_COLUMNS} FROM markets WHERE id = $1 FOR UPDATE`,
    [marketId],
  );
  return rows[0];
}

/** The facts of one game market; undefined when it has no game, no outcome team or no recorded game state. */
export async function marketSettlementFacts(
  db: Queryable,
  marketId: string,
): Promise<MarketSettlementFacts | undefined> {
  const { rows } = await runQuery(db, `SELECT ${FACT_COLUMNS} FROM market_settlement_facts f WHERE f.market_id = $1`, [
    marketId,
  ]);
  return rows[0] && toFacts(factsRow.parse(rows[0]));
}

/** Stores the YES payout the venue set. Only where none is stored yet: a value positions were paid with stays. */
export async function recordVenuePayout(
  db: Queryable,
  input: { marketId: string; yesPayoutMicros: number; source: string; enteredBy: string; atMs: number },
): Promise<VenuePayoutRow | undefined> {
  const { rows } = await runQuery<VenuePayoutRow>(
    db,
    `UPDATE markets SET venue_yes_payout_micros = $2, venue_payout_source = $3, venue_payout_entered_by = $4,
                        venue_payout_entered_at = to_timestamp($5 / 1000.0)
      WHERE id = $1 AND venue_yes_payout_micros IS NULL
     RETURNING ${VENUE_PAYOUT_COLUMNS}`,
    [input.marketId, input.yesPayoutMicros, input.source, input.enteredBy, input.atMs],
  );
  return rows[0];
}
