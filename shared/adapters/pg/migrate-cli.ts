import { databaseConfig, loadConfig } from '#config/env';
import { startEmbeddedPostgres } from './embedded.ts';
import { migrate } from './migrate.ts';

/**
 * `npm run db:migrate`: applies pending migrations to `DATABASE_URL`, or, when it is unset, to the local embedded
 * server whose data lives under `.data/pg` (started for the run and stopped after).
 */
async function main(): Promise<void> {
  const target = loadConfig(databaseConfig).DATABASE_URL;
  if (target) {
    await migrate(target);
    return;
  }
  const server = await startEmbeddedPostgres({ dataDir: '.data/pg' });
  try {
    console.log(`migrating the embedded Postgres under .data/pg (${server.url})`);
    await migrate(server.url);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
