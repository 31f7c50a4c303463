import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chromium } from 'playwright-core';
import { makeSqsClient } from '#adapters/aws/clients';
import { insertConsent } from '#adapters/pg/consents';
import { insertJobOnce } from '#adapters/pg/jobs';
import { insertSession } from '#adapters/pg/sessions';
import { browserWorkerConfig, loadConfig } from '#config/env';
import type { SportsbookAdapter } from '../../../containers/browser-worker/adapter.ts';
import { type BrowserWorker, startBrowserWorker } from '../../../containers/browser-worker/worker.ts';
import { type DemoSportsbooks, startDemoSportsbooks } from '../../../local/demo-sportsbook/server.ts';
import { startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { createLocalSecretsProvider } from '../../../shared/adapters/secrets/local-file.ts';
import type { SecretsProvider } from '../../../shared/adapters/secrets/provider.ts';
import { getSessionKeyring, sealSessionData } from '../../../shared/adapters/secrets/session-keys.ts';
import type { BrowserJobMessage, CreateJobBody } from '../../../shared/contracts/api/jobs.ts';
import type { ConsentScope } from '../../../shared/ports/api/consents.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM);

export interface JobRecord {
  id: string;
  status: string;
  error: string | null;
  result: Record<string, unknown> | null;
  screenshot_key: string | null;
  confirming_at: Date | null;
  worker_id: string | null;
}

/** Everything a browser-worker test needs: Postgres, fauxqs, the two demo books, a secrets file, workers. */
export interface WorkerHarness {
  db: TestDatabase;
  sqs: SQSClient;
  sqsEndpoint: string;
  books: DemoSportsbooks;
  /** The candidates queue every worker of the harness publishes its surebets to. */
  candidatesQueueUrl: string;
  dir: string;
  secrets: SecretsProvider;
  /** Counts reads of the session data key: what decrypting a session needs. */
  keyReads(): number;
  origin(book: 'demo' | 'demo2'): string;
  eventUrl(book: 'demo' | 'demo2', eventId?: string): string;
  newQueue(): Promise<string>;
  startWorker(opts: {
    queueUrl: string;
    name?: string;
    env?: Record<string, string>;
    adapters?: Record<string, SportsbookAdapter>;
  }): Promise<BrowserWorker>;
  consent(userId: string, scope: ConsentScope, sportsbook: string): Promise<string>;
  /** Logs the user in on the book in a browser of its own and stores the exported cookies as a sealed session. */
  session(userId: string, book: 'demo' | 'demo2', consentId: string): Promise<string>;
  /** A job row as the API would insert it, and its message. */
  job(userId: string, body: CreateJobBody): Promise<{ id: string; message: string }>;
  send(queueUrl: string, body: string): Promise<void>;
  waitFor(jobId: string, done: (job: JobRecord) => boolean, timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
}

export async function until<T>(
  what: string,
  read: () => Promise<T> | T,
  ok: (value: T) => boolean,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startWorkerHarness(): Promise<WorkerHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'browser-worker-'));
  const db = await createTestDatabase();
  const emulator = await startSqsEmulator();
  const sqs = makeSqsClient(emulator.endpoint);
  const books = await startDemoSportsbooks();
  const candidates = await sqs.send(new CreateQueueCommand({ QueueName: 'signal-candidates-test' }));
  const candidatesQueueUrl = candidates.QueueUrl ?? '';
  const files = createLocalSecretsProvider(join(dir, 'secrets.json'));
  let reads = 0;
  const secrets: SecretsProvider = {
    getSecret: (name, opts) => {
      reads += 1;
      return files.getSecret(name, opts);
    },
  };
  const workers: BrowserWorker[] = [];
  const origin = (book: 'demo' | 'demo2') => books.books.find((b) => b.name === book)?.origin ?? '';
  let queues = 0;

  return {
    db,
    sqs,
    sqsEndpoint: emulator.endpoint,
    books,
    candidatesQueueUrl,
    dir,
    secrets,
    keyReads: () => reads,
    origin,
    eventUrl: (book, eventId = 'bos-at-den') => `${origin(book)}/events/${eventId}`,
    async newQueue() {
      queues += 1;
      const created = await sqs.send(new CreateQueueCommand({ QueueName: `browser-jobs-test-${queues}` }));
      return created.QueueUrl ?? '';
    },
    async startWorker({ queueUrl, name, env, adapters }) {
      const config = loadConfig(browserWorkerConfig, {
        env: {
          BROWSER_JOBS_QUEUE_URL: queueUrl,
          CANDIDATES_QUEUE_URL: candidatesQueueUrl,
          SQS_ENDPOINT: emulator.endpoint,
          WORKER_NAME: name ?? `worker-${randomUUID()}`,
          WORKER_CONCURRENCY: '2',
          HEARTBEAT_INTERVAL_MS: '200',
          JOB_VISIBILITY_TIMEOUT_S: '30',
          SQS_WAIT_TIME_S: '1',
          SPORTSBOOK_ORIGINS: `demo=${origin('demo')},demo2=${origin('demo2')}`,
          SPORTSBOOK_ADAPTERS: 'demo2=demo',
          TRUSTED_CERT_SPKI: books.spkiSha256,
          CHROMIUM_PATH: CHROMIUM,
          SCREENSHOT_DIR: dir,
          TRADING_MODE: 'live',
          LIVE_BETTING: 'true',
          STEP_TIMEOUT_MS: '5000',
          SHUTDOWN_GRACE_MS: '200',
          ...env,
        },
      });
      const worker = await startBrowserWorker({
        config,
        pool: db.rolePool('browserWorker'),
        sqs,
        secrets,
        ...(adapters ? { adapters } : {}),
      });
      workers.push(worker);
      return worker;
    },
    async consent(userId, scope, sportsbook) {
      return (await insertConsent(db.pool, { userId, scope, sportsbook, textVersion: 'v1' })).id;
    },
    async session(userId, book, consentId) {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', `--ignore-certificate-errors-spki-list=${books.spkiSha256}`],
      });
      try {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${origin(book)}/login?next=/events`);
        await page.getByTestId('login-username').fill('alice');
        await page.getByTestId('login-password').fill('alice-demo-pass');
        await Promise.all([page.waitForURL(/\/events$/), page.getByTestId('login-submit').click()]);
        const { cookies } = await context.storageState();
        const id = randomUUID();
        const { current } = await getSessionKeyring(files);
        const box = sealSessionData(current, id, userId, { cookies });
        await insertSession(db.pool, {
          id,
          userId,
          sportsbook: book,
          consentId,
          expiresAt: new Date(Date.now() + 3_600_000),
          ciphertext: box.ciphertext,
          nonce: box.iv,
          authTag: box.authTag,
          keyId: box.keyId,
        });
        return id;
      } finally {
        await browser.close();
      }
    },
    async job(userId, body) {
      const row = await insertJobOnce(db.pool, {
        userId,
        type: body.type,
        payload: body.payload,
        priority: body.priority,
        idempotencyKey: randomUUID(),
        requestHash: 'test',
      });
      if (!row) throw new Error('job not inserted');
      const message: BrowserJobMessage = { type: 'browser_job', v: 1, jobId: row.id, userId, job: body };
      return { id: row.id, message: JSON.stringify(message) };
    },
    async send(queueUrl, body) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    waitFor: (jobId, done, timeoutMs) =>
      until(
        `job ${jobId}`,
        async () =>
          (
            await db.pool.query<JobRecord>(
              'SELECT id, status, error, result, screenshot_key, confirming_at, worker_id FROM jobs WHERE id = $1',
              [jobId],
            )
          ).rows[0] as JobRecord,
        done,
        timeoutMs,
      ),
    async close() {
      await Promise.allSettled(workers.map((worker) => worker.stop()));
      await books.close();
      await emulator.stop();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const finished = (job: JobRecord) => job.status === 'succeeded' || job.status === 'failed';
