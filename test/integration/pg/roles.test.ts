import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseComponent, databaseComponents, databaseRoles } from '#config/database-roles';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../../support/seed.ts';

const INSUFFICIENT_PRIVILEGE = '42501';

/** Runs `sql` as the pool's role in a transaction rolled back after, so every case starts from the same rows. */
async function attempt(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<'ok' | string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(sql, params);
    return 'ok';
  } catch (error) {
    return (error as pg.DatabaseError).code ?? String(error);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

describe('component database roles (migration 0400)', () => {
  let db: TestDatabase;
  let game: SampleGame;
  let jobId: string;
  let sessionId: string;
  const priceRow = (marketId: string) => [
    `INSERT INTO market_prices (observed_at, market_id, venue, side, bid_micros, ask_micros)
     VALUES (now(), $1, 'kalshi', 'yes', 400000, 410000)`,
    [marketId],
  ];

  beforeAll(async () => {
    db = await createTestDatabase({ max: 2 });
    game = await seedSampleGame(db.pool);
    await fundPaperBankroll(db.pool, 1_000_000);
    await db.pool.query(
      `INSERT INTO market_prices (observed_at, market_id, venue, side, bid_micros, ask_micros)
                         VALUES (now() - interval '30 days', $1, 'kalshi', 'yes', 400000, 410000)`,
      [game.kalshiMarketId],
    );
    const consent = await db.pool.query<{ id: string }>(
      `INSERT INTO user_consents (user_id, scope, sportsbook, text_version) VALUES ('alice', 'store_session', 'fanduel', 'v1')
       RETURNING id`,
    );
    const session = await db.pool.query<{ id: string }>(
      `INSERT INTO sportsbook_sessions (user_id, sportsbook, consent_id, ciphertext, nonce, auth_tag, key_id, expires_at)
       VALUES ('alice', 'fanduel', $1, '\\x01', '\\x000000000000000000000000', '\\x00000000000000000000000000000000', 'k1',
               now() + interval '1 day') RETURNING id`,
      [consent.rows[0]!.id],
    );
    sessionId = session.rows[0]!.id;
    const job = await db.pool.query<{ id: string }>(
      `INSERT INTO jobs (user_id, type, payload) VALUES ('alice', 'check_odds', '{}') RETURNING id`,
    );
    jobId = job.rows[0]!.id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('creates one plain login role per component: no superuser, no role or database creation', async () => {
    const { rows } = await db.pool.query<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean }>(
      `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolbypassrls FROM pg_roles
        WHERE rolname = ANY($1) ORDER BY rolname`,
      [Object.values(databaseRoles)],
    );
    expect(rows.map((r) => r.rolname)).toEqual(Object.values(databaseRoles).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolcanlogin: true });
    }
  });

  it('works as the role on every connection of a component pool', async () => {
    for (const component of databaseComponents) {
      const { rows } = await db.rolePool(component).query<{ who: string }>('SELECT current_user AS who');
      expect(rows[0]!.who).toBe(databaseRoles[component]);
    }
  });

  // What each component's own code writes (allowed) and what it must never do (refused with 42501).
  const cases: Array<[DatabaseComponent, string, 'ok' | 'refused', () => [string, unknown[]?]]> = [
    ['api', 'revokes a consent', 'ok', () => ["UPDATE user_consents SET revoked_at = now() WHERE user_id = 'alice'"]],
    [
      'api',
      'deletes a session (deletion audit by trigger)',
      'ok',
      () => ['DELETE FROM sportsbook_sessions WHERE id = $1', [sessionId]],
    ],
    [
      'api',
      'engages the kill switch, under the risk lock',
      'ok',
      () => ["SELECT * FROM kill_switch_set(true, 'test', 'alice')"],
    ],
    [
      'api',
      'writes the kill switch row past the risk lock',
      'refused',
      () => ["UPDATE kill_switch SET engaged = true, reason = 'test', updated_by = 'alice'"],
    ],
    ['api', 'takes the bankroll lock itself', 'refused', () => ['SELECT 1 FROM bankroll FOR UPDATE']],
    [
      'api',
      'queues a job',
      'ok',
      () => ["INSERT INTO jobs (user_id, type, payload) VALUES ('bob', 'check_odds', '{}')"],
    ],
    ['api', 'registers a worker', 'ok', () => ["INSERT INTO workers (name, registered_by) VALUES ('w1', 'alice')"]],
    [
      'api',
      'writes an audit row',
      'ok',
      () => ["INSERT INTO audit_logs (actor, action, resource_type) VALUES ('a', 'b', 'c')"],
    ],
    ['api', 'reads the bankroll', 'ok', () => ['SELECT balance_micros FROM bankroll']],
    ['api', 'reads the bankroll history (0720)', 'ok', () => ['SELECT new_balance_micros FROM bankroll_audit']],
    [
      'api',
      'writes the bankroll history',
      'refused',
      () => [
        `INSERT INTO bankroll_audit (account, mode, new_balance_micros, delta_micros, new_version, reason)
         VALUES ('default', 'paper', 1, 1, 99, 'forged')`,
      ],
    ],
    ['api', 'updates the bankroll', 'refused', () => ["UPDATE bankroll SET version = version + 1, last_reason = 'x'"]],
    [
      'api',
      'writes a decision',
      'refused',
      () => ["INSERT INTO signal_candidates (id, payload) VALUES ('c-api', '{}')"],
    ],
    ['api', 'edits a position', 'refused', () => ['UPDATE positions SET cost_micros = 0']],
    ['api', 'rewrites its audit trail', 'refused', () => ['DELETE FROM audit_logs']],
    [
      'evaluator',
      'records a candidate and its decision',
      'ok',
      () => [
        `WITH c AS (INSERT INTO signal_candidates (id, payload) VALUES ('c-1', '{}') RETURNING id)
       INSERT INTO trading_signals (candidate_id, decision, reason) SELECT id, 'rejected', 'stale' FROM c`,
      ],
    ],
    [
      'evaluator',
      'debits the bankroll',
      'ok',
      () => [
        "UPDATE bankroll SET balance_micros = 0, version = version + 1, last_reason = 'paper_fills' WHERE mode = 'paper'",
      ],
    ],
    ['evaluator', 'reads the kill switch', 'ok', () => ['SELECT engaged FROM kill_switch']],
    ['evaluator', 'reads sessions', 'refused', () => ['SELECT ciphertext FROM sportsbook_sessions']],
    ['evaluator', 'releases the kill switch', 'refused', () => ['UPDATE kill_switch SET engaged = false']],
    [
      'settlement',
      'settles a market',
      'ok',
      () => ["UPDATE markets SET status = 'settled', settled_outcome = 'yes' WHERE id = $1", [game.kalshiMarketId]],
    ],
    [
      'settlement',
      'credits the bankroll',
      'ok',
      () => [
        "UPDATE bankroll SET balance_micros = 5, version = version + 1, last_reason = 'settlement' WHERE mode = 'paper'",
      ],
    ],
    ['settlement', 'renames a market', 'refused', () => ["UPDATE markets SET title = 'x'"]],
    [
      'settlement',
      'writes a decision',
      'refused',
      () => ["INSERT INTO signal_candidates (id, payload) VALUES ('c-s', '{}')"],
    ],
    [
      'retention',
      'prunes old prices',
      'ok',
      () => ["DELETE FROM market_prices WHERE observed_at < now() - interval '3 days'"],
    ],
    [
      'retention',
      'records its run',
      'ok',
      () => ["INSERT INTO retention_runs (table_name, cutoff, batch_size) VALUES ('market_prices', now(), 10)"],
    ],
    [
      'retention',
      'rolls up a day',
      'ok',
      () => ["INSERT INTO daily_performance (day, mode) VALUES (current_date, 'paper')"],
    ],
    ['retention', 'deletes positions', 'refused', () => ['DELETE FROM positions']],
    ['retention', 'deletes audit rows', 'refused', () => ['DELETE FROM audit_logs']],
    [
      'retention',
      'prunes worker heartbeat audit rows',
      'ok',
      () => ["SELECT * FROM audit_logs_prune_heartbeats(now() - interval '1 day', 100)"],
    ],
    ['gameShard', 'writes a price', 'ok', () => priceRow(game.kalshiMarketId) as [string, unknown[]]],
    [
      'gameShard',
      'records game state',
      'ok',
      () => ["INSERT INTO game_states (game_id, observed_at, status) VALUES ($1, now(), 'in_progress')", [game.gameId]],
    ],
    [
      'gameShard',
      'updates a game',
      'ok',
      () => ["UPDATE games SET status = 'final', winner_team_id = home_team_id WHERE id = $1", [game.gameId]],
    ],
    ['gameShard', 'reads the bankroll', 'refused', () => ['SELECT 1 FROM bankroll']],
    ['gameShard', 'reads decisions', 'refused', () => ['SELECT 1 FROM trading_signals']],
    ['gameShard', 'reads jobs', 'refused', () => ['SELECT 1 FROM jobs']],
    [
      'browserWorker',
      'starts its job',
      'ok',
      () => ["UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = now() WHERE id = $1", [jobId]],
    ],
    [
      'browserWorker',
      'finishes its job',
      'ok',
      () => ["UPDATE jobs SET status = 'succeeded', response = '{}', finished_at = now() WHERE id = $1", [jobId]],
    ],
    [
      'browserWorker',
      'marks a session expired',
      'ok',
      () => ["UPDATE sportsbook_sessions SET status = 'expired' WHERE id = $1", [sessionId]],
    ],
    ['browserWorker', 'writes a price', 'ok', () => priceRow(game.kalshiMarketId) as [string, unknown[]]],
    [
      'browserWorker',
      'reads games and their teams',
      'ok',
      () => ['SELECT g.id FROM games g JOIN teams t ON t.id = g.home_team_id WHERE g.id = $1', [game.gameId]],
    ],
    [
      'browserWorker',
      'changes a game',
      'refused',
      () => ["UPDATE games SET status = 'final' WHERE id = $1", [game.gameId]],
    ],
    ['browserWorker', 'reads the bankroll', 'refused', () => ['SELECT 1 FROM bankroll']],
    ['browserWorker', 'reads decisions', 'refused', () => ['SELECT 1 FROM trading_signals']],
    [
      'browserWorker',
      're-targets a job',
      'refused',
      () => ['UPDATE jobs SET payload = \'{"x": 1}\' WHERE id = $1', [jobId]],
    ],
    [
      'browserWorker',
      'hands a session to another user',
      'refused',
      () => ["UPDATE sportsbook_sessions SET user_id = 'mallory'"],
    ],
    [
      'browserWorker',
      'queues a job',
      'refused',
      () => ["INSERT INTO jobs (user_id, type, payload) VALUES ('x', 'place_bet', '{}')"],
    ],
    ['browserWorker', 'deletes a session', 'refused', () => ['DELETE FROM sportsbook_sessions']],
    // The worker checks a user's consent at the moment it uses a session, and registers and heartbeats itself (0710).
    ['browserWorker', 'reads consents', 'ok', () => ['SELECT 1 FROM user_consents']],
    [
      'browserWorker',
      'changes a consent',
      'refused',
      () => ['UPDATE user_consents SET revoked_at = revoked_at WHERE false'],
    ],
    ['browserWorker', 'reads workers', 'ok', () => ['SELECT 1 FROM workers']],
  ];

  it.each(cases)('%s %s: %s', async (component, _what, expected, statement) => {
    const [sql, params] = statement();
    expect(await attempt(db.rolePool(component), sql, params)).toBe(expected === 'ok' ? 'ok' : INSUFFICIENT_PRIVILEGE);
  });

  it.each(databaseComponents)('%s has no DDL: no table, function or schema change, no truncate', async (component) => {
    const pool = db.rolePool(component);
    for (const ddl of [
      'CREATE TABLE intruder (id int)',
      'CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
      'ALTER TABLE bankroll DROP CONSTRAINT bankroll_balance_micros_check',
      'DROP TABLE market_prices',
      'TRUNCATE market_prices',
      'CREATE SCHEMA intruder',
    ]) {
      expect(await attempt(pool, ddl), ddl).toBe(INSUFFICIENT_PRIVILEGE);
    }
  });

  it('leaves DDL to the owner that runs the migrations', async () => {
    expect(await attempt(db.pool, 'CREATE TABLE allowed_for_owner (id int)')).toBe('ok');
  });

  it('lets only the pipeline execute the pipeline_* functions, by the rule migration 0400 applies', async () => {
    const { rows } = await db.pool.query<{ fn: string; role: string; allowed: boolean }>(
      `SELECT p.oid::regprocedure::text AS fn, r AS role, has_function_privilege(r, p.oid, 'EXECUTE') AS allowed
         FROM pg_proc p CROSS JOIN unnest($1::text[]) AS r
        WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'pipeline\\_%'`,
      [Object.values(databaseRoles)],
    );
    expect(rows.length).toBeGreaterThan(0);
    const pipeline: string[] = [databaseRoles.evaluator, databaseRoles.settlement];
    for (const row of rows) expect(row.allowed, `${row.role} on ${row.fn}`).toBe(pipeline.includes(row.role));
  });

  it('grants a pipeline_* function that a later migration adds, on the next migration run', async () => {
    const { migrate } = await import('#adapters/pg/migrate');
    const name = `pipeline_probe_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    await db.pool.query(`CREATE FUNCTION ${name}() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$`);
    expect(await attempt(db.rolePool('evaluator'), `SELECT ${name}()`)).toBe(INSUFFICIENT_PRIVILEGE);
    await migrate(db.url, { quiet: true });
    expect(await attempt(db.rolePool('evaluator'), `SELECT ${name}()`)).toBe('ok');
    expect(await attempt(db.rolePool('api'), `SELECT ${name}()`)).toBe(INSUFFICIENT_PRIVILEGE);
  });
});
