import type pg from 'pg';
import { inject } from 'vitest';
import { createPool } from '#adapters/pg/pool';
import type { DatabaseComponent } from '#config/database-roles';
import { createDatabase, dropDatabase, uniqueDatabaseName } from './pg-server.ts';

export interface TestDatabase {
  url: string;
  /** The owner's pool (the migrations' user): for seeding and for reading what a component wrote. */
  pool: pg.Pool;
  /** A pool working as the component's own role, as the component does in AWS: give it to the code under test. */
  rolePool(component: DatabaseComponent): pg.Pool;
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
  const rolePools = new Map<DatabaseComponent, pg.Pool>();
  return {
    url,
    pool,
    rolePool: (component) => {
      let rolePool = rolePools.get(component);
      if (!rolePool) {
        rolePool = createPool({ connectionString: url, max, statementTimeoutMs: 20_000, component });
        rolePools.set(component, rolePool);
      }
      return rolePool;
    },
    drop: async () => {
      await Promise.all([pool, ...rolePools.values()].map((p) => p.end()));
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
