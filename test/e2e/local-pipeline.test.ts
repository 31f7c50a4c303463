import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EveningReport } from '../../local/evening/report.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';

const run = promisify(execFile);

interface Run {
  db: TestDatabase;
  dataDir: string;
  report: EveningReport;
  stdout: string;
}

/** `npm start -- --once --games 2 --seed 7` on an empty database and an empty data folder of its own. */
async function startOnce(): Promise<Run> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'sharpline-e2e-'));
  const reportFile = join(dataDir, 'out.json');
  const { stdout } = await run(
    'npm',
    [
      'start',
      '--',
      '--once',
      '--games',
      '2',
      '--seed',
      '7',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--report',
      reportFile,
    ],
    {
      env: { ...process.env, DATABASE_URL: db.url, SQS_ENDPOINT: '', DYNAMODB_ENDPOINT: '', REDIS_URL: '' },
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as EveningReport;
  return { db, dataDir, report, stdout };
}

/**
 * `npm start` end to end: the real entry point in a child process over a simulated evening, each run on a test
 * database and a data folder of its own (as a fresh `.data/`), with its own SQS and DynamoDB emulators. Checks the
 * report against the rows in Postgres, then that a second run with the same seed makes the same decisions.
 */
describe('npm start (a simulated evening through the local pipeline)', () => {
  const runs: Run[] = [];
  beforeAll(async () => {
    runs.push(await startOnce());
  }, 120_000);
  afterAll(async () => {
    for (const r of runs) {
      await r.db.drop();
      await rm(r.dataDir, { recursive: true, force: true });
    }
  });

  it('reports what Postgres holds: one paper trade per accepted signal, bankroll = start + realized P&L, no DLQ', async () => {
    const [{ db, report, stdout }] = runs as [Run];
    expect(stdout).toContain('=== report:');
    expect(stdout).toContain('parts: Postgres at DATABASE_URL, SQS emulator (fauxqs), DynamoDB emulator (dynalite)');
    expect(stdout.match(/migrations: /g)).toHaveLength(1);
    expect(report.total.undecided).toBe(0);
    expect(report.total.dlqMessages).toBe(0);
    const candidates = report.total.candidates.model_edge + report.total.candidates.arbitrage;
    expect(candidates).toBeGreaterThan(0);

    const { rows: signals } = await db.pool.query<{ decision: string; reason: string; n: number }>(
      'SELECT decision, reason, count(*)::int AS n FROM trading_signals GROUP BY 1, 2',
    );
    const decided = signals.reduce((s, r) => s + r.n, 0);
    expect(decided).toBe(candidates);
    for (const r of signals) expect(report.total.decisions[r.decision as 'accepted' | 'rejected'][r.reason]).toBe(r.n);
    const accepted = signals.filter((r) => r.decision === 'accepted').reduce((s, r) => s + r.n, 0);
    expect(accepted).toBeGreaterThan(0);

    // A model edge is one leg, an arbitrage two: one paper trade per leg of each accepted signal, none for a rejection.
    const { rows: perSignal } = await db.pool.query<{ kind: string; decision: string; trades: number }>(
      `SELECT c.payload->>'kind' AS kind, s.decision, count(t.id)::int AS trades
       FROM trading_signals s JOIN signal_candidates c ON c.id = s.candidate_id
       LEFT JOIN paper_trades t ON t.signal_id = s.id GROUP BY s.id, 1, 2`,
    );
    for (const s of perSignal) {
      expect(s.trades).toBe(s.decision === 'rejected' ? 0 : s.kind === 'arbitrage' ? 2 : 1);
    }
    const { rows: trades } = await db.pool.query<{ n: number; fees: number }>(
      'SELECT count(*)::int AS n, coalesce(sum(fee_micros), 0)::bigint AS fees FROM paper_trades',
    );
    expect(report.total.paperTrades).toBe(trades[0]!.n);
    expect(report.total.feesMicros).toBe(Number(trades[0]!.fees));

    const { rows: money } = await db.pool.query<{ pnl: number; open: number; balance: number; deposit: number }>(
      `SELECT (SELECT coalesce(sum(realized_pnl_micros), 0) FROM positions WHERE status = 'settled')::bigint AS pnl,
              (SELECT count(*) FROM positions WHERE status = 'open')::int AS open,
              (SELECT balance_micros FROM bankroll WHERE mode = 'paper') AS balance,
              (SELECT sum(delta_micros) FROM bankroll_audit WHERE reason = 'deposit')::bigint AS deposit`,
    );
    const { pnl, open, balance, deposit } = money[0]!;
    // Every game of the evening ends, so every position is settled: fees are in the cost basis, counted once.
    expect(open).toBe(0);
    expect(Number(balance)).toBe(Number(deposit) + Number(pnl));
    expect(report.total.realizedPnlMicros).toBe(Number(pnl));
    expect(report.bankroll).toEqual({ startMicros: Number(deposit), finalMicros: Number(balance) });
    expect(report.latencyMs.candidateToDecision.count).toBe(candidates);
  });

  it('a second run with the same seed on empty storage makes the same decision for every candidate id', async () => {
    runs.push(await startOnce());
    const decisions = async ({ db }: Run) =>
      (
        await db.pool.query<{ candidate_id: string; decision: string; reason: string }>(
          'SELECT candidate_id, decision, reason FROM trading_signals ORDER BY candidate_id',
        )
      ).rows;
    const [first, second] = await Promise.all(runs.map(decisions));
    expect(first!.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  }, 120_000);
});
