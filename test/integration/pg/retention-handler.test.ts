import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertMarketPrices } from '#adapters/pg/market-prices';
import { createRetentionHandler } from '../../../functions/retention/retention-job.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { insertMarketFixture } from '../../support/pg-fixtures.ts';
import { withEnv } from '../../support/pg-secrets.ts';

const context = {
  functionName: 'retention',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

const scheduled = (time: string) =>
  ({ id: 'e-1', source: 'aws.events', 'detail-type': 'Scheduled Event', time, detail: {} }) as ScheduledEvent;

describe('retention handler', () => {
  let db: TestDatabase;
  let handler: (event: ScheduledEvent, context: Context) => Promise<unknown>;

  beforeAll(async () => {
    db = await createTestDatabase({ max: 2 });
    handler = createRetentionHandler({ pool: db.rolePool('retention'), config: { RETENTION_DAYS: 3 } });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('prunes by RETENTION_DAYS from the schedule time and logs the run', async () => {
    const fx = await insertMarketFixture(db.pool, 'rh');
    const now = Date.UTC(2026, 10, 23, 4, 0, 0);
    const at = (daysAgo: number) => ({
      observedAtMs: now - daysAgo * 86_400_000,
      marketId: fx.kalshiMarketId,
      venue: 'kalshi' as const,
      side: 'yes' as const,
      bidMicros: 500_000,
      askMicros: 510_000,
      bidSizeHundredths: 100,
      askSizeHundredths: 100,
    });
    await upsertMarketPrices(db.pool, [at(5), at(4), at(2), at(0)]);
    await withEnv({ POWERTOOLS_DEV: 'true' }, () => handler(scheduled(new Date(now).toISOString()), context));
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*) AS n FROM market_prices');
    expect(rows[0]?.n).toBe(2);
    const runs = await db.pool.query(
      `SELECT status, deleted_rows FROM retention_runs WHERE table_name = 'market_prices'`,
    );
    expect(runs.rows).toEqual([{ status: 'succeeded', deleted_rows: 2 }]);
  });

  it('rejects an event without a valid time, deleting nothing', async () => {
    await expect(handler(scheduled('yesterday'), context)).rejects.toThrow(/time/);
    const runs = await db.pool.query(
      `SELECT count(*)::int AS n FROM retention_runs WHERE table_name = 'market_prices'`,
    );
    expect(runs.rows).toEqual([{ n: 1 }]);
  });
});
