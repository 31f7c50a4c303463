import type pg from 'pg';
import { z } from 'zod';
import type { TradingMode } from './rows.ts';

/** An open position whose game is final with a winner, ready to settle. */
export interface SettleablePosition {
  positionId: string;
  marketId: string;
  mode: TradingMode;
  side: 'yes' | 'no';
  quantity: number;
  costBasisMicros: number;
  /** The side that pays: YES when the market's team won. */
  winningSide: 'yes' | 'no';
}

const settleableRow = z.object({
  position_id: z.string(),
  market_id: z.string(),
  mode: z.enum(['paper', 'live']),
  side: z.enum(['yes', 'no']),
  quantity_hundredths: z.number().int(),
  cost_basis_micros: z.number().int(),
  yes_won: z.boolean(),
});

/** Open positions in markets of games that a final game state with a winner has decided. */
export async function findSettleablePositions(
  db: pg.Pool | pg.PoolClient,
  limit: number,
): Promise<SettleablePosition[]> {
  const { rows } = await db.query(
    `SELECT p.id AS position_id, p.market_id, p.mode, p.side, p.quantity_hundredths,
            (p.cost_micros + p.fees_micros) AS cost_basis_micros, (m.outcome_team_id = fin.winner_team_id) AS yes_won
       FROM positions p
       JOIN markets m ON m.id = p.market_id
       JOIN LATERAL (
         SELECT gs.winner_team_id FROM game_states gs
          WHERE gs.game_id = m.game_id AND gs.status = 'final' AND gs.winner_team_id IS NOT NULL
          ORDER BY gs.observed_at DESC LIMIT 1) fin ON true
      WHERE p.status = 'open' AND m.outcome_team_id IS NOT NULL
      ORDER BY p.opened_at, p.id
      LIMIT $1`,
    [limit],
  );
  return rows.map((raw) => {
    const r = settleableRow.parse(raw);
    return {
      positionId: r.position_id,
      marketId: r.market_id,
      mode: r.mode,
      side: r.side,
      quantity: r.quantity_hundredths,
      costBasisMicros: r.cost_basis_micros,
      winningSide: r.yes_won ? 'yes' : 'no',
    };
  });
}

export interface PositionSettlement {
  positionId: string;
  marketId: string;
  /** The size and cost basis the payout was computed from: a position that grew since is left for the next run. */
  quantity: number;
  costBasisMicros: number;
  winningSide: 'yes' | 'no';
  realizedPnlMicros: number;
  payoutMicros: number;
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
  const { rows } = await client.query<{ id: string }>(
    `WITH s AS (SELECT * FROM jsonb_to_recordset($1::jsonb)
                  AS s(position_id uuid, realized_pnl_micros bigint, quantity bigint, cost_basis_micros bigint))
     UPDATE positions p SET status = 'settled', realized_pnl_micros = s.realized_pnl_micros,
                            settled_at = to_timestamp($2 / 1000.0)
       FROM s
      WHERE p.id = s.position_id AND p.status = 'open'
        AND p.quantity_hundredths = s.quantity AND p.cost_micros + p.fees_micros = s.cost_basis_micros
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
  await client.query(
    `WITH s AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(market_id uuid, outcome text))
     UPDATE markets m SET status = 'settled', settled_outcome = s.outcome
       FROM s WHERE m.id = s.market_id AND m.status <> 'settled'`,
    [JSON.stringify(done.map((s) => ({ market_id: s.marketId, outcome: s.winningSide })))],
  );
  return done;
}
