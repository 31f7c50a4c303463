import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationsDir } from '#adapters/pg/migrate';
import { createEmptyTestDatabase, type TestDatabase } from '../../support/pg.ts';

const EXPECTED_TABLES = [
  'audit_logs',
  'bankroll',
  'bankroll_audit',
  'daily_performance',
  'deletion_audit',
  'fills',
  'game_states',
  'games',
  'job_outbox',
  'jobs',
  'kill_switch',
  'market_prices',
  'market_prices_hourly',
  'markets',
  'orders',
  'paper_trades',
  'positions',
  'retention_runs',
  'signal_candidates',
  'sportsbook_sessions',
  'team_aliases',
  'teams',
  'trading_signals',
  'user_consents',
  'workers',
];

/** `npm run db:migrate` as a separate OS process (tsx, like the npm script), against `databaseUrl`. */
function runMigrateCli(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'shared/adapters/pg/migrate-cli.ts'], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function appliedMigrations(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
  return rows.map((r) => r.name);
}

describe('migrations', () => {
  let db: TestDatabase;
  const files = readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));

  beforeAll(async () => {
    db = await createEmptyTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply every file, in number order, on an empty database', async () => {
    await migrate(db.url, { quiet: true });
    expect(await appliedMigrations(db)).toEqual(files);
    const { rows } = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
  });

  it('re-apply as a no-op', async () => {
    const before = await db.pool.query('SELECT id, name, run_on FROM schema_migrations ORDER BY id');
    await migrate(db.url, { quiet: true });
    const after = await db.pool.query('SELECT id, name, run_on FROM schema_migrations ORDER BY id');
    expect(after.rows).toEqual(before.rows);
  });

  it('two db:migrate processes started at once both succeed and apply everything once', async () => {
    const fresh = await createEmptyTestDatabase();
    try {
      const [a, b] = await Promise.all([runMigrateCli(fresh.url), runMigrateCli(fresh.url)]);
      expect([a.code, b.code], `${a.output}\n${b.output}`).toEqual([0, 0]);
      expect(await appliedMigrations(fresh)).toEqual(files);
    } finally {
      await fresh.drop();
    }
  });

  it('two concurrent runs on an empty database do not collide', async () => {
    const fresh = await createEmptyTestDatabase();
    try {
      await Promise.all([migrate(fresh.url, { quiet: true }), migrate(fresh.url, { quiet: true })]);
      expect(await appliedMigrations(fresh)).toEqual(files);
      const { rows } = await fresh.pool.query<{ n: number }>(
        `SELECT count(*) AS n FROM bankroll WHERE account = 'default'`,
      );
      expect(rows[0]?.n).toBe(2); // seed rows inserted once, not twice
    } finally {
      await fresh.drop();
    }
  });
});
