import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import { migrate } from '#adapters/pg/migrate';
import { createDatabase, dropDatabase, uniqueDatabaseName } from './pg-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Postgres server every integration test uses (maintenance database URL). */
    pgServerUrl: string;
    /** A database migrated once for this run; `createTestDatabase()` copies it. */
    pgTemplateDatabase: string;
  }
}

/**
 * One Postgres server for the whole run: `DATABASE_URL` when set, else an embedded server in a temp directory.
 * Migrations run once into a template database, so each test file gets its own migrated copy in milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        // The temp dir itself: as root, only the data dir is handed to the postgres user, not its parents.
        dataDir: await mkdtemp(join(tmpdir(), 'sharpline-pg-')),
        persistent: false,
        fast: true,
      });
  const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
  const where = new URL(serverUrl);
  console.log(
    `[pg] tests use ${embedded ? 'an embedded Postgres' : 'DATABASE_URL'} at ${where.hostname}:${where.port || 5432}`,
  );

  const template = uniqueDatabaseName('sl_template');
  try {
    await migrate(await createDatabase(serverUrl, template), { quiet: true });
  } catch (error) {
    await dropDatabase(serverUrl, template).catch(() => {}); // best effort: the migration error is what matters
    await embedded?.stop();
    throw error;
  }
  project.provide('pgServerUrl', serverUrl);
  project.provide('pgTemplateDatabase', template);

  return async () => {
    await dropDatabase(serverUrl, template);
    await embedded?.stop();
  };
}
