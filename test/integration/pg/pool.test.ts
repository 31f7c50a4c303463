import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#adapters/pg/pool';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { secretEnvironment, startFakeSecretsManager, withEnv } from '../../support/pg-secrets.ts';

describe('pool', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ max: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('returns BIGINT as a number, and refuses one that is not a safe integer', async () => {
    const { rows } = await db.pool.query<{ v: number }>('SELECT 9007199254740991::bigint AS v');
    expect(rows[0]?.v).toBe(Number.MAX_SAFE_INTEGER);
    await expect(db.pool.query('SELECT 9007199254740993::bigint AS v')).rejects.toThrow(RangeError);
    await expect(db.pool.query('SELECT (-9007199254740993)::bigint AS v')).rejects.toThrow(RangeError);
  });

  it('applies the statement timeout', async () => {
    const pool = createPool({ connectionString: db.url, max: 1, statementTimeoutMs: 50 });
    try {
      await expect(pool.query('SELECT pg_sleep(1)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.end();
    }
  });

  it('turns TLS on for a non-local host or DATABASE_SSL=true, off for localhost', async () => {
    const sslOf = (url: string) => {
      const pool = createPool({ connectionString: url });
      const { ssl } = pool.options;
      void pool.end();
      return ssl;
    };
    await withEnv({ DATABASE_SSL: undefined }, async () => {
      expect(sslOf('postgres://u:p@sharpline.cluster-abc.us-east-1.rds.amazonaws.com:5432/app')).toEqual({
        rejectUnauthorized: true,
      });
      expect(sslOf('postgres://u:p@127.0.0.1:5432/app')).toBe(false);
    });
    await withEnv({ DATABASE_SSL: 'true' }, async () => {
      expect(sslOf('postgres://u:p@localhost:5432/app')).toEqual({ rejectUnauthorized: true });
    });
  });

  it('in AWS, fetches the DATABASE_SECRET_ARN secret once and connects with it', async () => {
    const secrets = await startFakeSecretsManager();
    secrets.put('db', db.url);
    try {
      await withEnv(secretEnvironment(secrets), async () => {
        const pool = createPool({ max: 3 });
        try {
          const results = await Promise.all(
            [1, 2, 3].map((n) => pool.query<{ n: number }>('SELECT $1::bigint AS n', [n])),
          );
          expect(results.map((r) => r.rows[0]?.n)).toEqual([1, 2, 3]);
          expect(secrets.requests()).toBe(1);
        } finally {
          await pool.end();
        }
      });
    } finally {
      await secrets.stop();
    }
  });
});
