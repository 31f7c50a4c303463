import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { americanToDecimal } from '#domain/odds';
import { surebet } from '#domain/surebet';
import type { BrowserWorker } from '../../../containers/browser-worker/worker.ts';
import { chromiumMissing, finished, startWorkerHarness, type WorkerHarness } from './harness.ts';

/** Real Chromium (Debian's) against the two demo sportsbooks, with Postgres and fauxqs: the worker end to end. */
describe.skipIf(chromiumMissing)('browser worker jobs (real Chromium, demo sportsbooks)', () => {
  let h: WorkerHarness;
  let queueUrl: string;
  let worker: BrowserWorker;

  beforeAll(async () => {
    h = await startWorkerHarness();
    queueUrl = await h.newQueue();
    worker = await h.startWorker({ queueUrl });
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    for (const book of h.books.books) book.admin.reset();
  });

  const checkOdds = async (book: 'demo' | 'demo2', userId = `user-${randomUUID()}`) => {
    const job = await h.job(userId, {
      type: 'check_odds',
      priority: 5,
      payload: { sportsbook: book, eventUrl: h.eventUrl(book) },
    });
    await h.send(queueUrl, job.message);
    return h.waitFor(job.id, finished);
  };

  it("check_odds reads the book's prices, writes them as sportsbook:<name> and screenshots the page", async () => {
    const job = await checkOdds('demo');
    expect(job.status).toBe('succeeded');
    const prices = job.result?.prices as { selection: string; americanOdds: number; askMicros: number }[];
    expect(prices.map((p) => [p.selection, p.americanOdds]).sort()).toEqual([
      ['moneyline.away', -135],
      ['moneyline.home', 110],
    ]);
    expect(job.result?.eventKey).toBe('nba|2026-11-15T02:00:00.000Z|BOS@DEN');
    const { rows } = await h.db.pool.query<{ venue: string; ask_micros: number; american_odds: number }>(
      `SELECT p.venue, p.ask_micros, p.american_odds FROM market_prices p JOIN markets m ON m.id = p.market_id
        WHERE m.venue = 'sportsbook:demo' AND m.title = 'moneyline.home'`,
    );
    expect(rows).toEqual([{ venue: 'sportsbook:demo', ask_micros: 476190, american_odds: 110 }]);
    expect(job.screenshot_key).toBe(`screenshots/${job.id}.png`);
    expect(existsSync(join(h.dir, job.screenshot_key ?? ''))).toBe(true);
  });

  it('finds the planted surebet across demo and demo2 with the domain surebet stakes', async () => {
    await checkOdds('demo');
    const job = await checkOdds('demo2');
    expect(job.status).toBe('succeeded');
    const [found, ...others] = (job.result?.surebets ?? []) as {
      market: string;
      marginBps: number;
      payoutMicros: number;
      legs: { venue: string; selection: string; americanOdds: number; stakeMicros: number }[];
    }[];
    expect(others).toEqual([]);
    const expected = surebet([americanToDecimal(105), americanToDecimal(110)], 100_000_000);
    expect(found?.legs).toEqual([
      expect.objectContaining({
        venue: 'sportsbook:demo2',
        selection: 'moneyline.away',
        americanOdds: 105,
        stakeMicros: expected.stakesMicros[0],
      }),
      expect.objectContaining({
        venue: 'sportsbook:demo',
        selection: 'moneyline.home',
        americanOdds: 110,
        stakeMicros: expected.stakesMicros[1],
      }),
    ]);
    expect(found?.payoutMicros).toBe(expected.payoutMicros);
    expect(found?.marginBps).toBe(360);
  });

  it("fails an eventUrl off the sportsbook's origin with url_not_allowed before any page opens", async () => {
    const userId = `user-${randomUUID()}`;
    // demo2 is the same host on another port: another origin, so not demo's.
    for (const eventUrl of [h.eventUrl('demo2'), 'https://example.com/events/bos-at-den']) {
      const job = await h.job(userId, { type: 'check_odds', priority: 5, payload: { sportsbook: 'demo', eventUrl } });
      await h.send(queueUrl, job.message);
      const done = await h.waitFor(job.id, finished);
      expect(done).toMatchObject({ status: 'failed', error: 'url_not_allowed', screenshot_key: null });
    }
  });

  it('drops a redelivered message of a finished job and one for a job id the database does not know', async () => {
    const job = await checkOdds('demo');
    const before = await h.db.pool.query('SELECT updated_at FROM jobs WHERE id = $1', [job.id]);
    const message = JSON.parse(
      JSON.stringify({
        type: 'browser_job',
        v: 1,
        jobId: job.id,
        userId: 'u',
        job: { type: 'check_odds', priority: 5, payload: { sportsbook: 'demo', eventUrl: h.eventUrl('demo') } },
      }),
    );
    await h.send(queueUrl, JSON.stringify(message));
    await h.send(queueUrl, JSON.stringify({ ...message, jobId: randomUUID() }));
    const { ApproximateNumberOfMessages } = await import('./queue-depth.ts').then((m) => m.queueDepth(h.sqs, queueUrl));
    expect(ApproximateNumberOfMessages).toBe(0);
    const after = await h.db.pool.query('SELECT updated_at, status FROM jobs WHERE id = $1', [job.id]);
    expect(after.rows[0]).toEqual({ ...before.rows[0], status: 'succeeded' });
    expect(worker.health().state).toBe('running');
  });
});
