import type pg from 'pg';
import { z } from 'zod';
import { sides, type TradingMode, tradingModes } from '#domain/names';
import type { PositionSettlement, SettlementCandidate } from '../../ports/settlement-store.ts';
import { FACT_COLUMNS, factsRow, toFacts } from './market-settlement.ts';
import type { Queryable } from './rows.ts';

const candidateRow = factsRow.extend({
  position_id: z.string(),
  mode: z.enum(tradingModes),
  side: z.enum(sides),
  quantity_hundredths: z.number().int(),
  cost_basis_micros: z.number().int(),
});

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/**
 * No unfinished sale (an open hedge's unwind) of the position's contracts: one may have filled at the venue and not be
 * booked yet, and settling first would pay out the contracts sold and leave the sale no position to book against. The
 * position waits (counted overdue, alarmed, if the sale never finishes).
 */
const NO_SALE_UNDER_WAY = `NOT EXISTS (
  SELECT 1 FROM orders o
   WHERE o.mode = p.mode AND o.market_id = p.market_id AND o.side = p.side AND o.action = 'sell'
     AND o.status IN ('pending', 'sent', 'partially_filled'))`;

/**
 * Open positions of `mode` in game markets whose game has ended (final or cancelled) or was ever postponed, in id
 * order after `afterId` (a page that settles nothing, such as positions awaiting the venue, is not read again).
 */
export async function findSettlementCandidates(
  db: Queryable,
  opts: { mode: TradingMode; afterId?: string; limit: number },
): Promise<SettlementCandidate[]> {
  const { rows } = await db.query(
    `SELECT p.id AS position_id, p.mode, p.side, p.quantity_hundredths,
            (p.cost_micros + p.fees_micros) AS cost_basis_micros,
            ${FACT_COLUMNS}
       FROM positions p
       JOIN market_settlement_facts f ON f.market_id = p.market_id
      WHERE p.status = 'open' AND p.mode = $1 AND p.id > $2::uuid
        AND (f.game_status IN ('final', 'cancelled') OR f.postponed_at IS NOT NULL)
        AND ${NO_SALE_UNDER_WAY}
      ORDER BY p.id
      LIMIT $3`,
    [opts.mode, opts.afterId ?? FIRST_ID, opts.limit],
  );
  return rows.map((raw) => {
    const r = candidateRow.parse(raw);
    return {
      positionId: r.position_id,
      marketId: r.market_id,
      mode: r.mode,
      side: r.side,
      quantity: r.quantity_hundredths,
      costBasisMicros: r.cost_basis_micros,
      market: toFacts(r),
    };
  });
}

/** Flags open positions as waiting for their venue's payout; they stay open, so their exposure still counts. */
export async function markAwaitingVenue(db: Queryable, positionIds: readonly string[], atMs: number): Promise<void> {
  if (positionIds.length === 0) return;
  await db.query(
    `UPDATE positions SET awaiting_venue_since = to_timestamp($2 / 1000.0)
      WHERE id = ANY($1::uuid[]) AND status = 'open' AND awaiting_venue_since IS NULL`,
    [positionIds, atMs],
  );
}

/**
 * Closes the positions that are still open, in the caller's transaction, and marks their markets settled. Returns
 * only the ones this call closed: a position closed by an earlier or concurrent run is not paid twice, and one that
 * a trade grew after it was read is not paid on its old size (the next run settles it whole).
 */
export async function closeSettledPositions(
  client: pg.PoolClient,
  settlements: readonly PositionSettlement[],
  settledAtMs: number,
): Promise<PositionSettlement[]> {
  if (settlements.length === 0) return [];
  const { rows } = await client.query<{ id: string }>(
    `WITH s AS (SELECT * FROM jsonb_to_recordset($1::jsonb)
                  AS s(position_id uuid, realized_pnl_micros bigint, quantity bigint, cost_basis_micros bigint))
     -- What a sale realized before settlement (an open hedge's unwind) stays in the position's total.
     UPDATE positions p SET status = 'settled',
                            realized_pnl_micros = coalesce(p.realized_pnl_micros, 0) + s.realized_pnl_micros,
                            settled_at = to_timestamp($2 / 1000.0)
       FROM s
      WHERE p.id = s.position_id AND p.status = 'open'
        AND p.quantity_hundredths = s.quantity AND p.cost_micros + p.fees_micros = s.cost_basis_micros
        AND ${NO_SALE_UNDER_WAY}
     RETURNING p.id`,
    [
      JSON.stringify(
        settlements.map((s) => ({
          position_id: s.positionId,
          realized_pnl_micros: s.realizedPnlMicros,
          quantity: s.quantity,
          cost_basis_micros: s.costBasisMicros,
        })),
      ),
      settledAtMs,
    ],
  );
  const closed = new Set(rows.map((r) => r.id));
  const done = settlements.filter((s) => closed.has(s.positionId));
  if (done.length > 0) {
    await client.query(
      `WITH s AS (SELECT DISTINCT * FROM jsonb_to_recordset($1::jsonb) AS s(market_id uuid, yes_payout integer))
       UPDATE markets m SET status = 'settled', settled_yes_payout_micros = s.yes_payout,
                            settled_outcome = CASE s.yes_payout WHEN 1000000 THEN 'yes' WHEN 0 THEN 'no' END
         FROM s WHERE m.id = s.market_id AND m.status <> 'settled'`,
      [JSON.stringify(done.map((s) => ({ market_id: s.marketId, yes_payout: s.marketYesPayoutMicros })))],
    );
  }
  return done;
}

/** Open positions (awaiting the venue included) whose game went final or was cancelled before `endedBeforeMs`. */
export async function countOverduePositions(db: Queryable, endedBeforeMs: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM positions p JOIN market_settlement_facts f ON f.market_id = p.market_id
      WHERE p.status = 'open' AND f.ended_at < to_timestamp($1 / 1000.0)`,
    [endedBeforeMs],
  );
  return rows[0]?.n ?? 0;
}
