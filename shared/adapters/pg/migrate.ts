import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

/**
 * Numbered SQL files: 0001-0099 data layer, 01xx API, 02xx-03xx pipeline, 04xx database roles. node-pg-migrate
 * orders them by that number.
 */
export const migrationsDir = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrateOptions {
  /** Silences node-pg-migrate's per-file progress lines (tests). */
  quiet?: boolean;
}

/**
 * Applies every pending migration, forward only, all in one transaction. Safe to run twice and from several processes
 * at once: runs queue on node-pg-migrate's advisory lock ("wait" mode) instead of failing, and the second finds
 * nothing left to do. Order checking is off because each engineer owns a number range: a new 0002 may land after
 * 0201 has run, and it must still be applied rather than rejected.
 */
export async function migrate(connection: string | pg.ClientConfig, opts: MigrateOptions = {}): Promise<void> {
  const quiet = () => {};
  // Our own client, ended and awaited here: node-pg-migrate's own close does not wait for the connection to end.
  const client = new pg.Client(typeof connection === 'string' ? { connectionString: connection } : connection);
  client.on('error', () => {}); // a server shutting down after the run must not crash the process
  await client.connect();
  try {
    await runner({
      dbClient: client,
      dir: migrationsDir,
      migrationsTable: 'schema_migrations',
      direction: 'up',
      checkOrder: false,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      ...(opts.quiet ? { logger: { debug: quiet, info: quiet, warn: quiet, error: console.error } } : {}),
    });
    // Re-applied on every run, so a function a later migration adds is granted whatever its number (0400).
    await client.query('SELECT sharpline_grant_pipeline_functions()');
  } finally {
    await client.end();
  }
}
