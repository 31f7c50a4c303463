import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';

const run = promisify(execFile);

/**
 * `npm start` end to end: the real entry point in a child process, on a test database, with its own SQS and
 * DynamoDB emulators. Checks the run's effects in Postgres, not just its output.
 */
describe('npm start (local pipeline on the sample game)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('decides every candidate once, trades on paper, settles, and the bankroll moves by the realized P&L', async () => {
    const { stdout } = await run('npx', ['tsx', 'local/main.ts', '--port', '0', '--speed', '1000'], {
      env: { ...process.env, DATABASE_URL: db.url, SQS_ENDPOINT: '', DYNAMODB_ENDPOINT: '' },
      timeout: 120_000,
    });
    expect(stdout).toContain('=== report ===');
    const sent = Number(/decide (\d+) candidates/.exec(stdout)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(stdout).toContain(`${sent}/${sent} decided`);

    const { rows: decisions } = await db.pool.query<{ n: number; distinct: number; accepted: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT candidate_id)::int AS distinct,
              count(*) FILTER (WHERE decision = 'accepted')::int AS accepted FROM trading_signals`,
    );
    expect(decisions[0]).toMatchObject({ n: sent, distinct: sent });
    expect(decisions[0]!.accepted).toBeGreaterThan(0);

    const { rows: open } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM positions WHERE status = 'open'`,
    );
    expect(open[0]!.n).toBe(0);

    const { rows: money } = await db.pool.query<{ pnl: number; balance: number; deposit: number }>(
      `SELECT (SELECT sum(realized_pnl_micros) FROM positions)::bigint AS pnl,
              (SELECT balance_micros FROM bankroll WHERE mode = 'paper') AS balance,
              (SELECT sum(delta_micros) FROM bankroll_audit WHERE reason = 'deposit')::bigint AS deposit`,
    );
    const { pnl, balance, deposit } = money[0]!;
    // Denver wins the sample game and every accepted trade bought Denver: the run makes money, and every micro
    // of it is in the bankroll.
    expect(pnl).toBeGreaterThan(0);
    expect(balance - deposit).toBe(pnl);
  }, 180_000);
});
