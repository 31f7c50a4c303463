import '../evaluator/quiet-env.ts';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { createPgApiStore } from '#adapters/pg/api-store';
import { insertConsent } from '#adapters/pg/consents';
import { insertOutboxEntry, oldestPendingOutboxAgeSeconds } from '#adapters/pg/job-outbox';
import { insertJobOnce } from '#adapters/pg/jobs';
import { inTransaction } from '#adapters/pg/transaction';
import { startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { startLocalOutboxRelay } from '../../../local/outbox-relay.ts';
import type { ApiDeps } from '../../../shared/api/deps.ts';
import { submitJob } from '../../../shared/api/jobs.ts';
import { claimBrowserJob } from '../../../shared/browser-jobs/claim.ts';
import { relayJobOutbox } from '../../../shared/browser-jobs/outbox-relay.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

let db: TestDatabase;
let sqsEndpoint: string;
let sqs: SQSClient;
let stopSqs: () => Promise<void>;

beforeAll(async () => {
  db = await createTestDatabase();
  const emulator = await startSqsEmulator();
  sqsEndpoint = emulator.endpoint;
  stopSqs = emulator.stop;
  sqs = makeSqsClient(sqsEndpoint);
});
afterAll(async () => {
  await stopSqs?.();
  await db?.drop();
});

async function newQueue(): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: `outbox-${randomUUID()}` }));
  if (!out.QueueUrl) throw new Error('no queue URL');
  return out.QueueUrl;
}

/** What `submitJob` commits, reduced to the two rows the outbox is about: the job and its message. */
async function writeJob(client: pg.PoolClient, userId: string): Promise<string> {
  const row = await insertJobOnce(client, {
    userId,
    type: 'check_odds',
    payload: { sportsbook: 'draftkings', eventUrl: 'https://book.test/e/1' },
    priority: 5,
    idempotencyKey: randomUUID(),
    requestHash: 'h',
  });
  if (!row) throw new Error('job not inserted');
  const job = { type: 'check_odds', payload: row.payload, priority: 5 };
  await insertOutboxEntry(client, row.id, { type: 'browser_job', v: 1, jobId: row.id, userId, job });
  return row.id;
}

/** Runs the relay as a child process and SIGKILLs it the moment it announces `crashAt`. */
function relayKilledAt(crashAt: 'before-send' | 'after-send', queueUrl: string, databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(databaseUrl);
    url.searchParams.set('application_name', 'outbox-relay-child');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/outbox-relay-child.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        SQS_ENDPOINT: sqsEndpoint,
        RELAY_QUEUE_URL: queueUrl,
        RELAY_CRASH_AT: crashAt,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`${crashAt}\n`) && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`relay child exited without the crash: ${output}`)),
    );
  });
}

/** Postgres aborts the killed relay's transaction when it sees the socket close; its row locks go with it. */
async function untilChildBackendGone(pool: pg.Pool): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'outbox-relay-child'`,
    );
    if (rows[0]?.n === 0) return;
    if (Date.now() > deadline) throw new Error('the killed relay still holds a backend');
  }
}

/** The worker's loop: receive, claim by job id, delete. Returns job id -> [messages seen, claims won]. */
async function consumeAll(queueUrl: string, expectedMessages: number) {
  const seen = new Map<string, { messages: number; claims: number }>();
  let received = 0;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: received >= expectedMessages ? 1 : 0,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0 && received >= expectedMessages) return { seen, received };
    if (Date.now() > deadline) throw new Error(`received ${received} of ${expectedMessages} messages`);
    for (const message of messages) {
      const claim = await claimBrowserJob(db.pool, message.Body ?? '');
      const entry = seen.get(claim.message.jobId) ?? { messages: 0, claims: 0 };
      entry.messages += 1;
      if (claim.outcome === 'claimed') entry.claims += 1;
      seen.set(claim.message.jobId, entry);
    }
    received += messages.length;
    if (messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }
}

async function pendingCount(jobIds: readonly string[]): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM job_outbox WHERE sent_at IS NULL AND job_id = ANY($1::uuid[])',
    [jobIds],
  );
  return rows[0]?.n ?? -1;
}

describe('browser-job outbox relay, killed mid-send', () => {
  // Twelve jobs: the killed run holds the first ten (one SQS batch); two more wait for the next batch.
  it.each([
    ['after-send', 10],
    ['before-send', 0],
  ] as const)(
    'killed %s: every committed job is processed exactly once, an uncommitted one never',
    async (crashAt, resentByCrash) => {
      const user = `outbox-${crashAt}`;
      const queueUrl = await newQueue();
      const committed = await inTransaction(db.pool, async (client) => {
        const ids: string[] = [];
        for (let i = 0; i < 12; i += 1) ids.push(await writeJob(client, user));
        return ids;
      });
      // A job whose transaction is still open while the relay runs, and then fails to commit.
      const open = await db.pool.connect();
      await open.query('BEGIN');
      const uncommitted = await writeJob(open, user);

      await relayKilledAt(crashAt, queueUrl, db.url);
      await untilChildBackendGone(db.pool);
      // The kill undid the mark (if it got that far): all twelve still pending, whatever SQS received.
      expect(await pendingCount(committed)).toBe(12);

      const relayed = await relayJobOutbox({ pool: db.pool, sqs, queueUrl });
      expect(relayed).toEqual({ sent: 12, failed: 0 });
      expect(await pendingCount(committed)).toBe(0);
      await open.query('ROLLBACK');
      open.release();
      expect(await relayJobOutbox({ pool: db.pool, sqs, queueUrl })).toEqual({ sent: 0, failed: 0 });

      const { seen, received } = await consumeAll(queueUrl, 12 + resentByCrash);
      expect(received).toBe(12 + resentByCrash);
      expect([...seen.keys()].sort()).toEqual([...committed].sort());
      expect(seen.has(uncommitted)).toBe(false);
      for (const id of committed) expect(seen.get(id)?.claims, `claims of job ${id}`).toBe(1);
      const duplicated = committed.filter((id) => (seen.get(id)?.messages ?? 0) > 1);
      expect(duplicated).toHaveLength(resentByCrash);

      const { rows } = await db.pool.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM jobs WHERE id = ANY($1::uuid[])',
        [[...committed, uncommitted]],
      );
      expect(rows).toHaveLength(12);
      expect(rows.every((row) => row.status === 'running' && row.attempts === 1)).toBe(true);
    },
  );

  it('a cancelled job is never claimed, whenever its message arrives', async () => {
    const queueUrl = await newQueue();
    const jobId = await inTransaction(db.pool, (client) => writeJob(client, 'outbox-cancel'));
    await db.pool.query(`UPDATE jobs SET status = 'cancelled', finished_at = now() WHERE id = $1`, [jobId]);
    await relayJobOutbox({ pool: db.pool, sqs, queueUrl });
    const { seen } = await consumeAll(queueUrl, 1);
    expect(seen.get(jobId)).toEqual({ messages: 1, claims: 0 });
  });
});

describe('submitJob with SQS down', () => {
  it('accepts the job, keeps its message pending with the reason, and the relay sends it once SQS is back', async () => {
    const queueUrl = await newQueue();
    await insertConsent(db.pool, {
      userId: 'outbox-api',
      scope: 'automate_sportsbook',
      sportsbook: 'draftkings',
      textVersion: 'v1',
    });
    // Nothing listens on port 9 (discard) on loopback: every SQS call fails to connect.
    const deadSqs = makeSqsClient('http://127.0.0.1:9');
    const deps = {
      store: createPgApiStore(db.pool),
      sqs: deadSqs,
      browserJobsQueueUrl: queueUrl,
      relayJobMessage: (jobId: string) => relayJobOutbox({ pool: db.pool, sqs: deadSqs, queueUrl }, { jobId }),
      now: () => new Date(),
    } as ApiDeps;
    const body = {
      type: 'check_odds',
      payload: { sportsbook: 'draftkings', eventUrl: 'https://book.test/e/2' },
      priority: 5,
    } as const;
    const submitted = await submitJob(deps, { sub: 'outbox-api', role: 'trader', requestId: 'r1' }, body, 'k1');
    expect(submitted.replayed).toBe(false);

    const { rows } = await db.pool.query<{ sent_at: Date | null; attempts: number; last_error: string | null }>(
      'SELECT sent_at, attempts, last_error FROM job_outbox WHERE job_id = $1',
      [submitted.job.id],
    );
    expect(rows).toEqual([{ sent_at: null, attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED|connect/) }]);
    expect(await oldestPendingOutboxAgeSeconds(db.pool)).toBeGreaterThanOrEqual(0);

    expect(await relayJobOutbox({ pool: db.pool, sqs, queueUrl })).toEqual({ sent: 1, failed: 0 });
    const { seen } = await consumeAll(queueUrl, 1);
    expect(seen.get(submitted.job.id)).toEqual({ messages: 1, claims: 1 });
    expect(await oldestPendingOutboxAgeSeconds(db.pool)).toBe(0);
  });
});

describe('local mode', () => {
  it("runs the relay on a timer, as the schedule does in AWS, and sends what the API's attempt left", async () => {
    const queueUrl = await newQueue();
    const jobId = await inTransaction(db.pool, (client) => writeJob(client, 'outbox-local'));
    const relay = startLocalOutboxRelay({ pool: db.pool, sqs, queueUrl }, 20);
    try {
      const deadline = Date.now() + 10_000;
      while ((await pendingCount([jobId])) > 0) {
        if (Date.now() > deadline) throw new Error('the local relay did not send the entry');
      }
    } finally {
      await relay.stop();
    }
    const { seen } = await consumeAll(queueUrl, 1);
    expect(seen.get(jobId)).toEqual({ messages: 1, claims: 1 });
  });
});
