import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHeartbeatAuditRetention } from '#adapters/pg/retention';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

const DAY_MS = 86_400_000;

describe('heartbeat audit retention', () => {
  let db: TestDatabase;
  const now = Date.UTC(2026, 10, 23, 4, 30, 0);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const audit = (action: string, ageMs: number) =>
    db.pool.query(
      `INSERT INTO audit_logs (actor, action, resource_type, resource_id, request_id, at)
       VALUES ('worker-1', $1, 'worker', 'w', 'req', timestamptz 'epoch' + $2::bigint * interval '1 millisecond')`,
      [action, now - ageMs],
    );
  const remaining = async () =>
    (
      await db.pool.query<{ action: string; age_days: number }>(
        `SELECT action, round((extract(epoch FROM (timestamptz 'epoch' + $1::bigint * interval '1 millisecond') - at))
                / 86400)::int AS age_days
           FROM audit_logs ORDER BY action, at`,
        [now],
      )
    ).rows;

  it('deletes heartbeat audit rows past the window in batches, keeps every other audit row, and logs the run', async () => {
    for (let i = 0; i < 7; i++) await audit('worker.heartbeat', 10 * DAY_MS + i * 60_000);
    await audit('worker.heartbeat', 7 * DAY_MS - 1);
    await audit('worker.heartbeat', 0);
    await audit('worker.register', 40 * DAY_MS);
    await audit('kill_switch.engage', 40 * DAY_MS);

    const run = await runHeartbeatAuditRetention(db.pool, { retentionDays: 7, nowMs: now, batchSize: 3 });

    expect(run).toMatchObject({ cutoffMs: now - 7 * DAY_MS, deletedRows: 7, batches: 3 });
    expect(await remaining()).toEqual([
      { action: 'kill_switch.engage', age_days: 40 },
      { action: 'worker.heartbeat', age_days: 7 },
      { action: 'worker.heartbeat', age_days: 0 },
      { action: 'worker.register', age_days: 40 },
    ]);
    const runs = await db.pool.query('SELECT table_name, status, deleted_rows, batches FROM retention_runs');
    expect(runs.rows).toEqual([{ table_name: 'audit_logs', status: 'succeeded', deleted_rows: 7, batches: 3 }]);

    const again = await runHeartbeatAuditRetention(db.pool, { retentionDays: 7, nowMs: now, batchSize: 3 });
    expect(again).toMatchObject({ deletedRows: 0, batches: 0 });
  });
});
