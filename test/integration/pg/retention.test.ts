import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertMarketPrices } from '#adapters/pg/market-prices';
import { runMarketPriceRetention } from '#adapters/pg/retention';
import type { TopOfBook } from '#domain/prices';
import { runScheduledRetention } from '../../../functions/retention/retention-job.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { insertMarketFixture, type MarketFixture } from '../../support/pg-fixtures.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describe('retention', () => {
  let db: TestDatabase;
  let fx: MarketFixture;
  const now = Date.UTC(2026, 10, 23, 4, 30, 0);

  const observation = (observedAtMs: number, bidMicros: number): TopOfBook => ({
    observedAtMs,
    marketId: fx.polymarketMarketId,
    venue: 'polymarket',
    side: 'yes',
    bidMicros,
    askMicros: bidMicros + 10_000,
    bidSizeHundredths: 100,
    askSizeHundredths: 100,
  });
  const remainingTimes = async () =>
    (
      await db.pool.query<{ ms: number }>(
        `SELECT (extract(epoch FROM observed_at) * 1000)::bigint AS ms FROM market_prices ORDER BY observed_at`,
      )
    ).rows.map((r) => r.ms);

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await insertMarketFixture(db.pool, 'ret');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('deletes only rows older than the window, in batches, keeps hourly rollups and logs the run', async () => {
    const cutoff = Math.floor((now - 7 * DAY_MS) / HOUR_MS) * HOUR_MS;
    // 25 old rows spread over two hours before the cutoff, and rows at and after it that must survive.
    const old = Array.from({ length: 25 }, (_, i) => observation(cutoff - 2 * HOUR_MS + i * 60_000 * 4, 400_000 + i));
    const kept = [observation(cutoff, 500_000), observation(cutoff + 1, 510_000), observation(now, 520_000)];
    await upsertMarketPrices(db.pool, [...old, ...kept]);

    const run = await runMarketPriceRetention(db.pool, { retentionDays: 7, nowMs: now, batchSize: 10 });

    expect(run).toMatchObject({ cutoffMs: cutoff, deletedRows: 25, batches: 3 });
    expect(await remainingTimes()).toEqual(kept.map((k) => k.observedAtMs));
    const { rows: logged } = await db.pool.query(
      `SELECT table_name, status, batches, deleted_rows, batch_size, error, finished_at IS NOT NULL AS finished,
              (extract(epoch FROM cutoff) * 1000)::bigint AS cutoff_ms
         FROM retention_runs WHERE id = $1`,
      [run.id],
    );
    expect(logged).toEqual([
      {
        table_name: 'market_prices',
        status: 'succeeded',
        batches: 3,
        deleted_rows: 25,
        batch_size: 10,
        error: null,
        finished: true,
        cutoff_ms: cutoff,
      },
    ]);
    const { rows: hourly } = await db.pool.query(
      `SELECT samples, bid_low_micros, bid_high_micros, last_bid_micros FROM market_prices_hourly
        WHERE market_id = $1 ORDER BY bucket_start`,
      [fx.polymarketMarketId],
    );
    expect(hourly).toEqual([
      { samples: 15, bid_low_micros: 400_000, bid_high_micros: 400_014, last_bid_micros: 400_014 },
      { samples: 10, bid_low_micros: 400_015, bid_high_micros: 400_024, last_bid_micros: 400_024 },
    ]);
  });

  it('a second run finds nothing to delete and still logs itself', async () => {
    const run = await runMarketPriceRetention(db.pool, { retentionDays: 7, nowMs: now, batchSize: 10 });
    expect(run).toMatchObject({ deletedRows: 0, batches: 0 });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*) AS n FROM retention_runs WHERE status = 'succeeded'`,
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('the scheduled job also refreshes daily performance for yesterday and today', async () => {
    const day = new Date(now).toISOString().slice(0, 10);
    await db.pool.query(
      `INSERT INTO paper_trades (market_id, side, quantity_hundredths, price_micros, cost_micros, fee_micros, executed_at)
       VALUES ($1, 'yes', 1000, 530000, 5300000, 17500, $2), ($1, 'no', 250, 470000, 1175000, 0, $2)`,
      [fx.kalshiMarketId, new Date(now - 60_000)],
    );
    await db.pool.query(
      `INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, status, realized_pnl_micros,
                              settled_at)
       VALUES ($1, 'yes', 'paper', 1000, 5300000, 'settled', 4700000, $2),
              ($1, 'no', 'paper', 250, 1175000, 'settled', -1175000, $2)`,
      [fx.kalshiMarketId, new Date(now - 60_000)],
    );
    const result = await runScheduledRetention(db.pool, { retentionDays: 7, nowMs: now });
    expect(result.performanceDays).toEqual(['2026-11-22', day]);
    const { rows } = await db.pool.query(
      `SELECT mode, trades, volume_micros, fees_micros, positions_settled, wins, losses, realized_pnl_micros
         FROM daily_performance WHERE day = $1 ORDER BY mode`,
      [day],
    );
    expect(rows).toEqual([
      {
        mode: 'live',
        trades: 0,
        volume_micros: 0,
        fees_micros: 0,
        positions_settled: 0,
        wins: 0,
        losses: 0,
        realized_pnl_micros: 0,
      },
      {
        mode: 'paper',
        trades: 2,
        volume_micros: 5_300_000 + 1_175_000,
        fees_micros: 17_500,
        positions_settled: 2,
        wins: 1,
        losses: 1,
        realized_pnl_micros: 3_525_000,
      },
    ]);
  });
});
