import type { Queryable } from './rows.ts';

/**
 * Recomputes the hourly summary of every whole hour in [fromMs, toMs) from raw market_prices. Idempotent: a bucket
 * is overwritten with the aggregate of the raw rows, so run it before those rows are deleted. Returns buckets written.
 */
export async function rollupMarketPricesHourly(
  db: Queryable,
  range: { fromMs: number; toMs: number },
): Promise<number> {
  const result = await db.query(
    `INSERT INTO market_prices_hourly AS h (bucket_start, market_id, side, samples, bid_low_micros, bid_high_micros,
                                           ask_low_micros, ask_high_micros, last_bid_micros, last_ask_micros)
     SELECT date_trunc('hour', observed_at), market_id, side, count(*), min(bid_micros), max(bid_micros),
            min(ask_micros), max(ask_micros),
            (array_agg(bid_micros ORDER BY observed_at DESC))[1], (array_agg(ask_micros ORDER BY observed_at DESC))[1]
       FROM market_prices
      WHERE observed_at >= date_trunc('hour', timestamptz 'epoch' + $1::bigint * interval '1 millisecond')
        AND observed_at < date_trunc('hour', timestamptz 'epoch' + $2::bigint * interval '1 millisecond')
      GROUP BY 1, 2, 3
     ON CONFLICT (market_id, side, bucket_start) DO UPDATE
        SET samples = EXCLUDED.samples, bid_low_micros = EXCLUDED.bid_low_micros,
            bid_high_micros = EXCLUDED.bid_high_micros, ask_low_micros = EXCLUDED.ask_low_micros,
            ask_high_micros = EXCLUDED.ask_high_micros, last_bid_micros = EXCLUDED.last_bid_micros,
            last_ask_micros = EXCLUDED.last_ask_micros, updated_at = now()`,
    [range.fromMs, range.toMs],
  );
  return result.rowCount ?? 0;
}

/**
 * Recomputes one UTC day of `daily_performance` per trading mode: executed volume and fees (paper trades for paper,
 * venue fills for live) and the positions settled that day. Idempotent; modes without activity get a zero row.
 */
export async function refreshDailyPerformance(db: Queryable, day: string): Promise<void> {
  await db.query(
    `WITH bounds AS (SELECT $1::date::timestamp AT TIME ZONE 'UTC' AS lo,
                            ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS hi),
     executed AS (
       SELECT 'paper' AS mode, t.cost_micros AS notional_micros, t.fee_micros
         FROM paper_trades t, bounds b WHERE t.executed_at >= b.lo AND t.executed_at < b.hi
       UNION ALL
       -- Paper orders have a fill too (the paper trade's own): counting it again would double paper volume.
       SELECT o.mode, f.cost_micros, f.fee_micros
         FROM fills f JOIN orders o ON o.id = f.order_id, bounds b
        WHERE o.mode = 'live' AND f.filled_at >= b.lo AND f.filled_at < b.hi),
     settled AS (
       SELECT p.mode, p.realized_pnl_micros FROM positions p, bounds b
        WHERE p.status = 'settled' AND p.settled_at >= b.lo AND p.settled_at < b.hi),
     modes(mode) AS (VALUES ('paper'), ('live'))
     INSERT INTO daily_performance AS d (day, mode, trades, volume_micros, fees_micros, positions_settled, wins,
                                         losses, realized_pnl_micros)
     SELECT $1::date, m.mode,
            (SELECT count(*) FROM executed e WHERE e.mode = m.mode),
            (SELECT coalesce(sum(e.notional_micros), 0) FROM executed e WHERE e.mode = m.mode),
            (SELECT coalesce(sum(e.fee_micros), 0) FROM executed e WHERE e.mode = m.mode),
            (SELECT count(*) FROM settled s WHERE s.mode = m.mode),
            (SELECT count(*) FROM settled s WHERE s.mode = m.mode AND s.realized_pnl_micros > 0),
            (SELECT count(*) FROM settled s WHERE s.mode = m.mode AND s.realized_pnl_micros < 0),
            (SELECT coalesce(sum(s.realized_pnl_micros), 0) FROM settled s WHERE s.mode = m.mode)
       FROM modes m
     ON CONFLICT (mode, day) DO UPDATE
        SET trades = EXCLUDED.trades, volume_micros = EXCLUDED.volume_micros, fees_micros = EXCLUDED.fees_micros,
            positions_settled = EXCLUDED.positions_settled, wins = EXCLUDED.wins, losses = EXCLUDED.losses,
            realized_pnl_micros = EXCLUDED.realized_pnl_micros, updated_at = now()`,
    [day],
  );
}
