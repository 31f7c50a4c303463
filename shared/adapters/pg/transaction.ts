import type pg from 'pg';
import { translatePgError } from './errors.ts';

/**
 * Runs `work` in one transaction: a write and its audit row commit together or not at all. A failure to connect,
 * begin or commit comes out as the application error it means (`translatePgError`), like the queries' own.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw translatePgError(error);
  }
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePgError(error);
  } finally {
    client.release();
  }
}
