import type pg from 'pg';

/** What one `npm start` run did, read back from Postgres: the decisions, the paper trades and their outcome. */
export interface RunReport {
  decisions: { decision: string; reason: string; count: number }[];
  trades: {
    venue: string;
    side: string;
    yesMeaning: string;
    quantityHundredths: number;
    costMicros: number;
    feeMicros: number;
  }[];
  settlement: { positions: number; realizedPnlMicros: number };
}

export async function countDecided(pool: pg.Pool, candidateIds: string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM trading_signals WHERE candidate_id = ANY($1::text[])',
    [candidateIds],
  );
  return rows[0]?.n ?? 0;
}

export async function readRunReport(
  pool: pg.Pool,
  run: { candidateIds: string[]; gameId: string; startedAtMs: number },
): Promise<RunReport> {
  const { candidateIds } = run;
  const decisions = await pool.query<{ decision: string; reason: string; count: number }>(
    `SELECT decision, reason, count(*)::int AS count FROM trading_signals
     WHERE candidate_id = ANY($1::text[]) GROUP BY decision, reason ORDER BY decision, count DESC`,
    [candidateIds],
  );
  const trades = await pool.query<RunReport['trades'][number]>(
    `SELECT m.venue, t.side, m.yes_meaning AS "yesMeaning",
            sum(t.quantity_hundredths)::bigint AS "quantityHundredths",
            sum(t.cost_micros)::bigint AS "costMicros",
            sum(t.fee_micros)::bigint AS "feeMicros"
     FROM paper_trades t
     JOIN trading_signals s ON s.id = t.signal_id
     JOIN markets m ON m.id = t.market_id
     WHERE s.candidate_id = ANY($1::text[])
     GROUP BY m.venue, t.side, m.yes_meaning ORDER BY m.venue, t.side`,
    [candidateIds],
  );
  const settled = await pool.query<{ positions: number; pnl: number | null }>(
    `SELECT count(*)::int AS positions, sum(p.realized_pnl_micros)::bigint AS pnl
     FROM positions p JOIN markets m ON m.id = p.market_id
     WHERE m.game_id = $1 AND p.status = 'settled' AND p.settled_at >= to_timestamp($2 / 1000.0)`,
    [run.gameId, run.startedAtMs],
  );
  return {
    decisions: decisions.rows,
    trades: trades.rows,
    settlement: { positions: settled.rows[0]?.positions ?? 0, realizedPnlMicros: settled.rows[0]?.pnl ?? 0 },
  };
}
