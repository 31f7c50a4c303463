import { readdirSync } from 'node:fs';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationsDir } from '#adapters/pg/migrate';
import { createEmptyTestDatabase, type TestDatabase } from '../../support/pg.ts';

/** Migration 0600 on a database that already holds markets: each venue's rule is filled in, and its checks hold. */
let db: TestDatabase;

beforeAll(async () => {
  db = await createEmptyTestDatabase();
  const before = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql') && f < '0600').length;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const quiet = () => {};
    await runner({
      dbClient: client,
      dir: migrationsDir,
      migrationsTable: 'schema_migrations',
      direction: 'up',
      count: before,
      checkOrder: false,
      singleTransaction: true,
      logger: { debug: quiet, info: quiet, warn: quiet, error: console.error },
    });
  } finally {
    await client.end();
  }
  await db.pool.query(
    `WITH t AS (INSERT INTO teams (sport, abbreviation, name) VALUES ('nfl', 'KC', 'Chiefs'), ('nfl', 'BUF', 'Bills')
                RETURNING id),
          g AS (INSERT INTO games (sport, home_team_id, away_team_id, starts_at)
                SELECT 'nfl', min(id::text)::uuid, max(id::text)::uuid, '2026-11-29T18:00:00Z' FROM t RETURNING id)
     INSERT INTO markets (venue, venue_market_id, game_id, yes_meaning, resolution_rule, resolution_key)
     SELECT v, v || '-1', g.id, 'KC wins', 'r', 'moneyline:incl_ot' FROM g, unnest(ARRAY['kalshi', 'polymarket']) v
     UNION ALL SELECT 'kalshi', 'kalshi-no-game', NULL, 'x', 'r', 'other'`,
  );
  await migrate(db.url, { quiet: true });
});

afterAll(async () => {
  await db?.drop();
});

describe('migration 0600', () => {
  it("backfills Kalshi game markets and Polymarket markets with their venue's rule (RULES.md section 1)", async () => {
    const { rows } = await db.pool.query(
      `SELECT venue_market_id, tie_yes_payout_micros AS tie, cancel_yes_payout_micros AS cancel,
              postpone_window_hours AS window FROM markets ORDER BY venue_market_id`,
    );
    expect(rows).toEqual([
      { venue_market_id: 'kalshi-1', tie: 500_000, cancel: null, window: 48 },
      { venue_market_id: 'kalshi-no-game', tie: null, cancel: null, window: null },
      { venue_market_id: 'polymarket-1', tie: 500_000, cancel: 500_000, window: null },
    ]);
    const { rows: games } = await db.pool.query(`SELECT scheduled_starts_at = starts_at AS same FROM games`);
    expect(games).toEqual([{ same: true }]);
  });

  it('rejects payouts outside 0..$1 and a venue payout without its source', async () => {
    for (const column of ['tie_yes_payout_micros', 'cancel_yes_payout_micros', 'postpone_window_hours']) {
      await expect(db.pool.query(`UPDATE markets SET ${column} = -1`)).rejects.toMatchObject({ code: '23514' });
    }
    await expect(db.pool.query(`UPDATE markets SET tie_yes_payout_micros = 1000001`)).rejects.toMatchObject({
      code: '23514',
    });
    await expect(db.pool.query(`UPDATE markets SET venue_yes_payout_micros = 400000`)).rejects.toMatchObject({
      code: '23514',
    });
  });

  it('keeps the scheduled start once a game is postponed, and follows a plain reschedule before that', async () => {
    await db.pool.query(`UPDATE games SET starts_at = '2026-11-29T21:00:00Z'`);
    await db.pool.query(`UPDATE games SET status = 'postponed', starts_at = '2026-11-30T18:00:00Z'`);
    await db.pool.query(`UPDATE games SET status = 'scheduled', starts_at = '2026-12-01T18:00:00Z'`);
    const { rows } = await db.pool.query(`SELECT scheduled_starts_at AS at, starts_at FROM games`);
    expect(rows).toEqual([{ at: new Date('2026-11-29T21:00:00Z'), starts_at: new Date('2026-12-01T18:00:00Z') }]);
  });
});
