import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoAdapter } from '../../../containers/browser-worker/demo-adapter.ts';
import { chromiumMissing, finished, startWorkerHarness, until, type WorkerHarness } from './harness.ts';

/**
 * The worker's life around its jobs: the breaker per sportsbook, SIGTERM mid-job, and a worker that stops or is
 * killed right after clicking a live bet's confirmation. Each test has its own queue and workers.
 */
describe.skipIf(chromiumMissing)(
  'browser worker lifecycle (real Chromium, demo sportsbooks)',
  { timeout: 90_000 },
  () => {
    let h: WorkerHarness;
    let child: ChildProcess | undefined;
    const demo = () => h.books.books.find((b) => b.name === 'demo')!;

    beforeAll(async () => {
      h = await startWorkerHarness();
    });
    afterEach(() => {
      child?.kill('SIGKILL');
      child = undefined;
      for (const book of h.books.books) book.admin.reset();
    });
    afterAll(() => h?.close());

    const checkOdds = (eventUrl: string) =>
      h.job(`user-${randomUUID()}`, { type: 'check_odds', priority: 5, payload: { sportsbook: 'demo', eventUrl } });

    async function liveBettor() {
      const userId = `user-${randomUUID()}`;
      const store = await h.consent(userId, 'store_session', 'demo');
      await h.consent(userId, 'automate_sportsbook', 'demo');
      await h.consent(userId, 'live_trading', 'demo');
      const sessionId = await h.session(userId, 'demo', store);
      return h.job(userId, {
        type: 'place_bet',
        priority: 5,
        payload: {
          sportsbook: 'demo',
          sessionId,
          eventUrl: h.eventUrl('demo'),
          selection: 'moneyline.home',
          stakeMicros: 25_000_000,
          minAmericanOdds: 100,
        },
      });
    }

    it('opens the breaker after consecutive selector failures, holds jobs while open, and recovers', async () => {
      const queueUrl = await h.newQueue();
      const worker = await h.startWorker({
        queueUrl,
        env: { BREAKER_FAILURE_THRESHOLD: '2', BREAKER_COOLDOWN_MS: '3000', STEP_TIMEOUT_MS: '1500' },
      });
      // An event the book does not have: a page without the event's selectors.
      for (let i = 0; i < 2; i += 1) {
        const job = await checkOdds(h.eventUrl('demo', 'no-such-event'));
        await h.send(queueUrl, job.message);
        expect(await h.waitFor(job.id, finished)).toMatchObject({ status: 'failed', error: 'selector_missing' });
      }
      expect(worker.health().breakers.demo).toMatchObject({ state: 'open', consecutiveFailures: 2 });
      const held = await checkOdds(h.eventUrl('demo'));
      await h.send(queueUrl, held.message);
      // Received and put back unclaimed: in flight on the queue while its row is still queued.
      await until(
        'the held job to be deferred',
        async () =>
          (
            await h.sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: queueUrl,
                AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
              }),
            )
          ).Attributes,
        (a) => a?.ApproximateNumberOfMessagesNotVisible === '1',
      );
      expect((await h.waitFor(held.id, () => true)).status).toBe('queued');
      const done = await h.waitFor(held.id, finished, 20_000);
      expect(done.status).toBe('succeeded');
      expect(worker.health().breakers.demo).toBeUndefined();
    });

    it('SIGTERM mid-job releases the job, deregisters, and the next worker does it: no job is lost', async () => {
      const queueUrl = await h.newQueue();
      const first = await h.startWorker({ queueUrl, env: { STEP_TIMEOUT_MS: '10000' } });
      demo().admin.setSwitches({ slowPageMs: 4_000 });
      const job = await checkOdds(h.eventUrl('demo'));
      await h.send(queueUrl, job.message);
      await h.waitFor(job.id, (j) => j.status === 'running');
      await first.stop();
      const { rows } = await h.db.pool.query('SELECT status FROM workers WHERE id = $1', [first.workerId]);
      expect(rows[0]).toEqual({ status: 'offline' });
      expect((await h.waitFor(job.id, () => true)).status).toBe('running');
      demo().admin.setSwitches({ slowPageMs: 0 });
      const second = await h.startWorker({ queueUrl });
      const done = await h.waitFor(job.id, finished);
      expect(done).toMatchObject({ status: 'succeeded', worker_id: second.workerId });
    });

    it('a worker stopped right after the confirmation click: the next one finds the receipt and places nothing', async () => {
      const queueUrl = await h.newQueue();
      const clicked = {
        ...demoAdapter,
        // Clicks the real confirmation and then never looks at the answer, as a worker stopped at that instant.
        async confirm(page: Page) {
          await page.getByTestId('confirm-bet').click();
          await new Promise((resolve) => page.once('close', resolve));
          throw new Error('page closed');
        },
      };
      const first = await h.startWorker({ queueUrl, adapters: { demo: clicked } });
      const job = await liveBettor();
      await h.send(queueUrl, job.message);
      await until(
        'the bet on the book',
        () => demo().admin.bets().length,
        (n) => n === 1,
      );
      await first.stop();
      expect((await h.waitFor(job.id, () => true)).confirming_at).not.toBeNull();
      await h.startWorker({ queueUrl });
      const done = await h.waitFor(job.id, finished);
      expect(done).toMatchObject({ status: 'succeeded', result: { mode: 'live', reconciled: true } });
      expect(demo().admin.bets()).toHaveLength(1);
      expect((done.result?.receipt as { betId?: string } | undefined)?.betId).toBe(demo().admin.bets()[0]?.betId);
    });

    it('a worker process killed (SIGKILL) after the click: its job is taken over and the bet placed once', async () => {
      const queueUrl = await h.newQueue();
      // The book answers the confirmation only after a delay: the kill lands between the bet and the worker's record.
      demo().admin.setSwitches({ slowPageMs: 0 });
      const job = await liveBettor();
      child = spawn(process.execPath, ['--import', 'tsx', 'containers/browser-worker/main.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: h.db.url,
          BROWSER_JOBS_QUEUE_URL: queueUrl,
          CANDIDATES_QUEUE_URL: h.candidatesQueueUrl,
          SQS_ENDPOINT: h.sqsEndpoint,
          WORKER_NAME: `killed-${randomUUID()}`,
          HEARTBEAT_INTERVAL_MS: '200',
          JOB_VISIBILITY_TIMEOUT_S: '5',
          SQS_WAIT_TIME_S: '1',
          SPORTSBOOK_ORIGINS: `demo=${h.origin('demo')}`,
          TRUSTED_CERT_SPKI: h.books.spkiSha256,
          SCREENSHOT_DIR: h.dir,
          LOCAL_SECRETS_FILE: join(h.dir, 'secrets.json'),
          TRADING_MODE: 'live',
          LIVE_BETTING: 'true',
          HEALTH_PORT: '0',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      for (const stream of [child.stdout, child.stderr]) {
        stream?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
      }
      await h.send(queueUrl, job.message);
      await h
        .waitFor(job.id, (j) => j.status === 'running', 30_000)
        .catch((error: unknown) => {
          throw new Error(`${String(error)}; worker output: ${stderr}`);
        });
      demo().admin.setSwitches({ slowPageMs: 3_000 });
      await until(
        'the bet on the book',
        () => demo().admin.bets().length,
        (n) => n === 1,
        30_000,
      );
      child.kill('SIGKILL');
      expect((await h.waitFor(job.id, () => true)).status).toBe('running');
      demo().admin.setSwitches({ slowPageMs: 0 });
      await h.startWorker({ queueUrl });
      const done = await h.waitFor(job.id, finished, 30_000);
      expect(done).toMatchObject({ status: 'succeeded', result: { mode: 'live', reconciled: true } });
      expect(demo().admin.bets()).toHaveLength(1);
    });
  },
);
