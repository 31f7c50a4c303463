import { rollupMarketPricesHourly } from './rollups.ts';
import { epochMs, type Queryable, safeInteger, singleRow } from './rows.ts';

export interface RetentionOptions {
  retentionDays: number;
  /** The caller's clock (epoch ms): adapters take time as input so runs are reproducible in tests. */
  nowMs: number;
  /** Rows deleted per statement: small enough to keep locks and WAL bursts short. */
  batchSize?: number;
}

export interface RetentionRun {
  id: number;
  cutoffMs: number;
  batches: number;
  deletedRows: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What one retention run prunes: the table it records, and a statement deleting up to $2 rows older than $1. */
interface RetentionTarget {
  tableName: string;
  deleteBatch: string;
  /** Runs before the first delete, in the same run (a failure marks it failed). */
  beforeDelete?: () => Promise<void>;
}

/**
 * Deletes in bounded batches and records the run in `retention_runs`, with its progress after each batch. A failure
 * marks the run failed (with the error) before rethrowing.
 */
async function runRetention(
  db: Queryable,
  target: RetentionTarget,
  cutoffMs: number,
  batchSize: number,
): Promise<RetentionRun> {
  const { rows } = await db.query<{ id: number | string; cutoff: Date }>(
    `INSERT INTO retention_runs (table_name, cutoff, batch_size)
     VALUES ($1, timestamptz 'epoch' + $2::bigint * interval '1 millisecond', $3) RETURNING id, cutoff`,
    [target.tableName, cutoffMs, batchSize],
  );
  const inserted = singleRow(rows, 'retention run');
  const run = { id: safeInteger(inserted.id), cutoff: inserted.cutoff };
  let batches = 0;
  let deletedRows = 0;
  try {
    await target.beforeDelete?.();
    for (;;) {
      const deleted = await db.query(target.deleteBatch, [run.cutoff, batchSize]);
      const count = deleted.rowCount ?? 0;
      if (count === 0) break;
      batches += 1;
      deletedRows += count;
      await db.query('UPDATE retention_runs SET batches = $2, deleted_rows = $3 WHERE id = $1', [
        run.id,
        batches,
        deletedRows,
      ]);
    }
    await db.query(
      `UPDATE retention_runs SET status = 'succeeded', batches = $2, deleted_rows = $3, finished_at = now()
        WHERE id = $1`,
      [run.id, batches, deletedRows],
    );
  } catch (error) {
    await db.query(
      `UPDATE retention_runs SET status = 'failed', error = $2, batches = $3, deleted_rows = $4, finished_at = now()
        WHERE id = $1`,
      [run.id, error instanceof Error ? error.message : String(error), batches, deletedRows],
    );
    throw error;
  }
  return { id: run.id, cutoffMs, batches, deletedRows };
}

/**
 * Deletes `market_prices` older than `retentionDays`. The cutoff is aligned to the hour and those hours are rolled
 * up into `market_prices_hourly` first, so history survives as hourly summaries.
 */
export function runMarketPriceRetention(db: Queryable, opts: RetentionOptions): Promise<RetentionRun> {
  const cutoffMs = Math.floor((opts.nowMs - opts.retentionDays * DAY_MS) / HOUR_MS) * HOUR_MS;
  return runRetention(
    db,
    {
      tableName: 'market_prices',
      deleteBatch: `DELETE FROM market_prices WHERE ctid = ANY (ARRAY(
                      SELECT ctid FROM market_prices WHERE observed_at < $1 LIMIT $2))`,
      beforeDelete: async () => {
        const oldest = await db.query<{ oldest: Date | null }>('SELECT min(observed_at) AS oldest FROM market_prices');
        const oldestAt = oldest.rows[0]?.oldest;
        if (oldestAt) await rollupMarketPricesHourly(db, { fromMs: epochMs(oldestAt), toMs: cutoffMs });
      },
    },
    cutoffMs,
    opts.batchSize ?? 5_000,
  );
}

/**
 * Deletes the audit rows of worker heartbeats older than `retentionDays`: a beat is audited only when it changes what
 * the worker reports, but a fleet still writes them without end. Every other audit row is kept.
 */
export function runHeartbeatAuditRetention(db: Queryable, opts: RetentionOptions): Promise<RetentionRun> {
  return runRetention(
    db,
    {
      tableName: 'audit_logs',
      // Migration 0620: the retention role may delete heartbeat audit rows only, through this function.
      deleteBatch: 'SELECT * FROM audit_logs_prune_heartbeats($1, $2)',
    },
    opts.nowMs - opts.retentionDays * DAY_MS,
    opts.batchSize ?? 5_000,
  );
}
