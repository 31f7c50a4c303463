import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listConsents } from '#adapters/pg/consents';
import { runQuery } from '#adapters/pg/errors';
import { createPool } from '#adapters/pg/pool';
import { inTransaction } from '#adapters/pg/transaction';
import { ConflictError, InvalidInputError, StoreUnavailableError } from '../../../shared/ports/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

/** The pg adapters hand on Postgres's failures as application errors, the driver's error kept as the cause. */
describe('pg adapters translate what Postgres reports', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ max: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a value the server cannot read (a forged cursor key) is invalid input', async () => {
    const forged = listConsents(db.rolePool('api'), { userId: 'u', limit: 1, after: { k: 'yesterday-ish', id: 'x' } });
    await expect(forged).rejects.toBeInstanceOf(InvalidInputError);
    await expect(forged).rejects.toMatchObject({ cause: { code: '22007' } });
  });

  it('a unique key taken is a conflict, also when it aborts a transaction', async () => {
    const write = inTransaction(db.pool, async (client) => {
      await runQuery(client, 'CREATE TEMP TABLE taken (id int PRIMARY KEY) ON COMMIT DROP');
      await runQuery(client, 'INSERT INTO taken VALUES (1), (1)');
    });
    await expect(write).rejects.toBeInstanceOf(ConflictError);
    await expect(write).rejects.toMatchObject({ cause: { code: '23505' } });
  });

  it('a statement cut off by its timeout, or a server nobody answers at, is unavailable', async () => {
    const slow = createPool({ connectionString: db.url, max: 1, statementTimeoutMs: 20 });
    const nowhere = createPool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    try {
      await expect(runQuery(slow, 'SELECT pg_sleep(1)')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(runQuery(nowhere, 'SELECT 1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(inTransaction(nowhere, async () => undefined)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await Promise.all([slow.end(), nowhere.end()]);
    }
  });

  it('leaves every other failure as it was', async () => {
    const failure = runQuery(db.pool, 'SELECT * FROM no_such_table');
    await expect(failure).rejects.toBeInstanceOf(pg.DatabaseError);
    await expect(failure).rejects.toMatchObject({ code: '42P01' });
  });
});
