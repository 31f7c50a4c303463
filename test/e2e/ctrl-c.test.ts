import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import type { EveningReport } from '../../local/evening/report.ts';

const run = promisify(execFile);

/**
 * Ctrl-C on `npm start` (issue 12: "shuts everything down cleanly, with no orphan process and nothing lost"). The run
 * uses its embedded Postgres, the part a terminal's Ctrl-C used to reach (and stop) behind the run's back, and is
 * signalled as a terminal does: the whole process group (npm, sh, tsx, node) at once.
 */
interface Started {
  child: ChildProcess;
  dataDir: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];

async function startEvening(extra: (dataDir: string) => string[] = () => []): Promise<Started> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sharpline-ctrl-c-'));
  // As root the server runs as the postgres user, who must enter the folder (the run opens the one it owns).
  await chmod(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, SQS_ENDPOINT: '', DYNAMODB_ENDPOINT: '', REDIS_URL: '' };
  delete env.DATABASE_URL;
  const child = spawn(
    'npm',
    ['start', '--', '--games', '2', '--seed', '7', '--port', '0', '--data-dir', dataDir, ...extra(dataDir)],
    { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const s = { child, dataDir, output: () => out, exited };
  started.push(s);
  return s;
}

async function until<T>(probe: () => T | Promise<T>, done: (v: T) => boolean, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function exitWithin(s: Started, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${ms} ms; output:\n${s.output()}`)), ms);
  });
  try {
    return await Promise.race([s.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every process whose command line names the run's Postgres data: the server (postmaster) and its watchdog. */
async function processesOf(dataDir: string): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid,args']);
  return stdout.split('\n').filter((line) => line.includes(join(dataDir, 'pg')));
}

/** The latest progress line's figures: the feed's percentage and how many candidates are decided. */
function lastProgress(output: string): { percent: number; decided: number } | undefined {
  const lines = [...output.matchAll(/progress +(\d+)% .* accepted (\d+) +rejected (\d+)/g)];
  const last = lines.at(-1);
  return last && { percent: Number(last[1]), decided: Number(last[2]) + Number(last[3]) };
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) process.kill(-s.child.pid!, 'SIGKILL');
    await s.exited;
    await until(
      () => processesOf(s.dataDir),
      (p) => p.length === 0,
      'the run stopped its Postgres',
      15_000,
    );
    await rm(s.dataDir, { recursive: true, force: true });
  }
});

describe('Ctrl-C on npm start', () => {
  it('mid-evening: stops the feed, decides everything sent, prints the report, stops Postgres, exits 0', async () => {
    const s = await startEvening((dir) => ['--report', join(dir, 'out.json')]);
    const atStop = await until(
      () => lastProgress(s.output()),
      (p) => p !== undefined && p.decided > 0,
      'some candidates decided',
      45_000,
    );
    expect(atStop!.percent).toBeLessThan(100);
    expect(await processesOf(s.dataDir)).not.toEqual([]);
    process.kill(-s.child.pid!, 'SIGINT');

    const { code, signal } = await exitWithin(s, 40_000);
    const output = s.output();
    expect({ code, signal }, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('stopping: no more feed lines');
    expect(output).toContain('=== report:');
    expect(output).toContain('stopped cleanly');
    expect(output).not.toContain('again: exiting now');
    // Nothing outlives the run: no Postgres server, no watchdog.
    expect(await processesOf(s.dataDir)).toEqual([]);

    // Nothing lost: every candidate the shard sent has its decision in the run's database.
    const report = JSON.parse(await readFile(join(s.dataDir, 'out.json'), 'utf8')) as EveningReport;
    const sent = report.total.candidates.model_edge + report.total.candidates.arbitrage;
    expect(sent).toBeGreaterThan(0);
    expect(report.total.undecided).toBe(0);
    const server = await startEmbeddedPostgres({ dataDir: join(s.dataDir, 'pg') });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ decided: number; candidates: number }>(
          `SELECT (SELECT count(*) FROM trading_signals)::int AS decided,
                  (SELECT count(*) FROM signal_candidates)::int AS candidates`,
        );
        expect(rows[0]).toEqual({ decided: sent, candidates: sent });
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('a second Ctrl-C exits at once, and a killed run (SIGKILL) leaves no Postgres behind', async () => {
    const s = await startEvening();
    await until(
      () => lastProgress(s.output()),
      (p) => p !== undefined && p.percent < 100,
      'the evening under way',
      45_000,
    );
    // Hold the paper bankroll's lock (the risk lock every evaluator batch takes), so what was sent stays undecided
    // and the first Ctrl-C's drain is still waiting when the second comes.
    const port = (await processesOf(s.dataDir)).join(' ').match(/ -p (\d+)/)?.[1];
    expect(port).toBeDefined();
    const holder = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
    holder.on('error', () => undefined);
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM bankroll WHERE mode = 'paper' FOR UPDATE`);
    process.kill(-s.child.pid!, 'SIGINT');
    await until(
      () => s.output(),
      (o) => o.includes('stopping:'),
      'the first Ctrl-C heard',
      10_000,
    );
    // A person's second Ctrl-C comes well after the relayed copies of the first.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(s.child.exitCode).toBeNull();
    process.kill(-s.child.pid!, 'SIGINT');
    const forced = await exitWithin(s, 10_000);
    await holder.end().catch(() => undefined);
    expect(s.output()).toContain('SIGINT again: exiting now');
    expect(s.output()).not.toContain('=== report:');
    expect(forced).toEqual({ code: 130, signal: null });
    await until(
      () => processesOf(s.dataDir),
      (p) => p.length === 0,
      'Postgres stopped after a forced exit',
      15_000,
    );

    const k = await startEvening();
    await until(
      () => k.output(),
      (o) => o.includes('playing simulated evening'),
      'the evening started',
      45_000,
    );
    expect(await processesOf(k.dataDir)).not.toEqual([]);
    process.kill(-k.child.pid!, 'SIGKILL');
    await k.exited;
    await until(
      () => processesOf(k.dataDir),
      (p) => p.length === 0,
      'Postgres stopped after SIGKILL',
      15_000,
    );
  }, 90_000);
});
