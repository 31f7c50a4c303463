import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumMissing, finished, startWorkerHarness, type WorkerHarness } from './harness.ts';

/**
 * place_bet in real Chromium on the demo book: paper never confirms, live confirms exactly once, consent is checked
 * before the session is opened, and the book's session problems are classified. The worker here runs with
 * TRADING_MODE=live and LIVE_BETTING=true; a user without a live_trading consent bets on paper.
 */
describe.skipIf(chromiumMissing)('browser worker place_bet (real Chromium, demo sportsbook)', () => {
  let h: WorkerHarness;
  let queueUrl: string;
  const book = () => h.books.books.find((b) => b.name === 'demo')!;

  beforeAll(async () => {
    h = await startWorkerHarness();
    queueUrl = await h.newQueue();
    await h.startWorker({ queueUrl });
  });
  afterAll(() => h?.close());
  beforeEach(() => book().admin.reset());

  async function bettor(opts: { live: boolean }) {
    const userId = `user-${randomUUID()}`;
    const store = await h.consent(userId, 'store_session', 'demo');
    const automate = await h.consent(userId, 'automate_sportsbook', 'demo');
    if (opts.live) await h.consent(userId, 'live_trading', 'demo');
    const sessionId = await h.session(userId, 'demo', store);
    return { userId, sessionId, automate };
  }

  const bet = (
    user: { userId: string; sessionId: string },
    over: { minAmericanOdds?: number; stakeMicros?: number } = {},
  ) =>
    h.job(user.userId, {
      type: 'place_bet',
      priority: 5,
      payload: {
        sportsbook: 'demo',
        sessionId: user.sessionId,
        eventUrl: h.eventUrl('demo'),
        selection: 'moneyline.home',
        stakeMicros: over.stakeMicros ?? 10_000_000,
        minAmericanOdds: over.minAmericanOdds ?? 105,
      },
    });

  it('paper: fills the slip and stops before confirming, recording what it would have placed', async () => {
    const user = await bettor({ live: false });
    const job = await bet(user);
    await h.send(queueUrl, job.message);
    const done = await h.waitFor(job.id, finished);
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({
      mode: 'paper',
      wouldPlace: {
        eventRef: 'bos-at-den',
        selection: 'moneyline.home',
        americanOdds: 110,
        stakeMicros: 10_000_000,
        payoutMicros: 21_000_000,
      },
    });
    expect(done.confirming_at).toBeNull();
    expect(book().admin.bets()).toEqual([]);
    expect(done.screenshot_key).toBe(`screenshots/${job.id}.png`);
  });

  it('live with consent: confirms exactly once even when the message is delivered twice', async () => {
    const user = await bettor({ live: true });
    const job = await bet(user);
    await Promise.all([h.send(queueUrl, job.message), h.send(queueUrl, job.message)]);
    const done = await h.waitFor(job.id, finished);
    expect(done.status).toBe('succeeded');
    const bets = book().admin.bets();
    expect(bets).toHaveLength(1);
    expect(done.result).toMatchObject({
      mode: 'live',
      receipt: { betId: bets[0]?.betId, selection: 'moneyline.home', americanOdds: 110, stakeMicros: 10_000_000 },
    });
    expect(done.confirming_at).not.toBeNull();
    await h.send(queueUrl, job.message);
    await (await import('./queue-depth.ts')).queueDepth(h.sqs, queueUrl);
    expect(book().admin.bets()).toHaveLength(1);
  });

  it('a consent revoked after the job was accepted stops it before the session is decrypted', async () => {
    const user = await bettor({ live: true });
    const job = await bet(user);
    await h.db.pool.query('UPDATE user_consents SET revoked_at = now() WHERE id = $1', [user.automate]);
    const readsBefore = h.keyReads();
    await h.send(queueUrl, job.message);
    const done = await h.waitFor(job.id, finished);
    expect(done).toMatchObject({ status: 'failed', error: 'consent_required', screenshot_key: null });
    expect(h.keyReads()).toBe(readsBefore);
    expect(book().admin.bets()).toEqual([]);
  });

  it('a price worse than minAmericanOdds fails price_moved with the offered price, placing nothing', async () => {
    const user = await bettor({ live: true });
    const job = await bet(user, { minAmericanOdds: 120 });
    await h.send(queueUrl, job.message);
    const done = await h.waitFor(job.id, finished);
    expect(done).toMatchObject({
      status: 'failed',
      error: 'price_moved',
      result: { americanOdds: 110, minAmericanOdds: 120 },
    });
    expect(book().admin.bets()).toEqual([]);
  });

  it('a price that moves at the confirmation fails price_moved with the new price', async () => {
    const user = await bettor({ live: true });
    book().admin.setSwitches({ movePriceOnConfirm: true });
    const job = await bet(user);
    await h.send(queueUrl, job.message);
    const done = await h.waitFor(job.id, finished);
    expect(done).toMatchObject({ status: 'failed', error: 'price_moved', result: { americanOdds: 100 } });
    expect(book().admin.bets()).toEqual([]);
  });

  it('an expired session fails session_expired and marks the session expired', async () => {
    const user = await bettor({ live: true });
    book().admin.setSwitches({ expireSessions: true });
    const job = await bet(user);
    await h.send(queueUrl, job.message);
    const done = await h.waitFor(job.id, finished);
    expect(done).toMatchObject({ status: 'failed', error: 'session_expired' });
    const { rows } = await h.db.pool.query('SELECT status FROM sportsbook_sessions WHERE id = $1', [user.sessionId]);
    expect(rows[0]).toEqual({ status: 'expired' });
  });

  it('a challenge fails the job with challenge, pauses the session and is never answered', async () => {
    const user = await bettor({ live: true });
    book().admin.setSwitches({ challenge: true });
    const job = await bet(user);
    await h.send(queueUrl, job.message);
    const done = await h.waitFor(job.id, finished);
    expect(done).toMatchObject({ status: 'failed', error: 'challenge' });
    const { rows } = await h.db.pool.query('SELECT status FROM sportsbook_sessions WHERE id = $1', [user.sessionId]);
    expect(rows[0]).toEqual({ status: 'paused' });
    expect(book().admin.state().challengeSubmissions).toBe(0);
    expect(book().admin.bets()).toEqual([]);
  });
});
