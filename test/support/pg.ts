import type pg from 'pg';
import { inject } from 'vitest';
import { createPool } from '#adapters/pg/pool';
import { createDatabase, dropDatabase, uniqueDatabaseName } from './pg-server.ts';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = inject('pgServerUrl');
  if (!url) throw new Error('no test Postgres: run through vitest.config.ts, whose globalSetup starts one');
  return url;
}

async function open(name: string, template: string | undefined, max: number): Promise<TestDatabase> {
  const server = serverUrl();
  const url = await createDatabase(server, name, template);
  const pool = createPool({ connectionString: url, max, statementTimeoutMs: 20_000 });
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(server, name);
    },
  };
}

/** A fresh, fully migrated database of its own for one test file; `drop()` it in `afterAll`. */
export function createTestDatabase(opts: { max?: number } = {}): Promise<TestDatabase> {
  return open(uniqueDatabaseName('sl_test'), inject('pgTemplateDatabase'), opts.max ?? 10);
}

/** An empty database (no migrations), for testing the migrations themselves. */
export function createEmptyTestDatabase(opts: { max?: number } = {}): Promise<TestDatabase> {
  return open(uniqueDatabaseName('sl_empty'), undefined, opts.max ?? 10);
}
