import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiConfig, loadConfig } from '#config/env';
import { type LocalJwtKeys, loadLocalJwtKeys } from '../../local/api/jwt.ts';
import { type ApiServer, startApiServer } from '../../local/api/server.ts';
import { createInMemoryPriceCache } from '../../shared/adapters/price-cache/in-memory.ts';
import { createLocalSecretsProvider } from '../../shared/adapters/secrets/local-file.ts';
import {
  CHROMIUM,
  chromiumMissing,
  startWorkerHarness,
  until,
  type WorkerHarness,
} from '../integration/browser-worker/harness.ts';

interface JobView {
  id: string;
  status: string;
  error: string | null;
  result: Record<string, unknown> | null;
  screenshotKey: string | null;
}

/**
 * Issue 13's "done when": the local API (the same handler as in AWS), the two demo sportsbooks and a started browser
 * worker share one Postgres, one fauxqs queue and one secrets file; a user's consents, session and jobs go through
 * the HTTP API only, and the worker does each job in real Chromium.
 */
describe.skipIf(chromiumMissing)('browser worker through the API (real Chromium, demo sportsbooks)', () => {
  let h: WorkerHarness;
  let api: ApiServer;
  let keys: LocalJwtKeys;
  let token: string;

  beforeAll(async () => {
    h = await startWorkerHarness();
    const queueUrl = await h.newQueue();
    const jwtKeyFile = join(h.dir, 'jwt.json');
    keys = await loadLocalJwtKeys(jwtKeyFile);
    api = await startApiServer({
      pool: h.db.rolePool('api'),
      jwtKeyFile,
      config: loadConfig(apiConfig, { overrides: { SPORTSBOOK_ORIGINS: `demo=${h.origin('demo')}` } }),
      deps: {
        sqs: h.sqs,
        browserJobsQueueUrl: queueUrl,
        priceCache: createInMemoryPriceCache(),
        idempotencyTable: undefined,
        secrets: createLocalSecretsProvider(join(h.dir, 'secrets.json')),
      },
    });
    await h.startWorker({ queueUrl, env: { TRADING_MODE: 'paper', LIVE_BETTING: 'false' } });
    token = await keys.sign({ sub: `user-${randomUUID()}`, role: 'trader' });
  }, 30_000);
  afterAll(async () => {
    await api?.stop();
    await h?.close();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const consent = async (scope: string) => {
    const res = await call('POST', '/v1/consents', { scope, sportsbook: 'demo', textVersion: 'v1' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** Logs in on the demo book in a browser of the test's own and returns its cookies, as a user's extension would. */
  const loginCookies = async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', `--ignore-certificate-errors-spki-list=${h.books.spkiSha256}`],
    });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${h.origin('demo')}/login?next=/events`);
      await page.getByTestId('login-username').fill('alice');
      await page.getByTestId('login-password').fill('alice-demo-pass');
      await Promise.all([page.waitForURL(/\/events$/), page.getByTestId('login-submit').click()]);
      return (await context.storageState()).cookies;
    } finally {
      await browser.close();
    }
  };

  const postJob = async (body: unknown) => {
    const res = await call('POST', '/v1/jobs', body, { 'idempotency-key': randomUUID() });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id as string;
  };

  const finishedJob = (id: string) =>
    until(
      `job ${id} through GET /v1/jobs/{id}`,
      async () => (await call('GET', `/v1/jobs/${id}`)).body as unknown as JobView,
      (job) => job.status === 'succeeded' || job.status === 'failed',
      20_000,
    );

  it('check_odds posted to POST /v1/jobs is done in Chromium; GET shows the odds read and the screenshot', async () => {
    await consent('automate_sportsbook');
    const id = await postJob({ type: 'check_odds', payload: { sportsbook: 'demo', eventUrl: h.eventUrl('demo') } });
    const job = await finishedJob(id);
    expect(job.status).toBe('succeeded');
    const prices = job.result?.prices as { selection: string; americanOdds: number }[];
    expect(prices.map((p) => [p.selection, p.americanOdds]).sort()).toEqual([
      ['moneyline.away', -135],
      ['moneyline.home', 110],
    ]);
    expect(job.screenshotKey).toBe(`screenshots/${id}.png`);
    expect(existsSync(join(h.dir, job.screenshotKey ?? ''))).toBe(true);
  });

  it('place_bet in paper mode with a session stored through POST /v1/sessions fills the slip and never confirms', async () => {
    const storeConsent = await consent('store_session');
    const session = await call('POST', '/v1/sessions', {
      sportsbook: 'demo',
      consentId: storeConsent,
      sessionData: { cookies: await loginCookies() },
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const id = await postJob({
      type: 'place_bet',
      payload: {
        sportsbook: 'demo',
        sessionId: session.body.id,
        eventUrl: h.eventUrl('demo'),
        selection: 'moneyline.home',
        stakeMicros: 10_000_000,
        minAmericanOdds: 105,
      },
    });
    const job = await finishedJob(id);
    expect(job).toMatchObject({
      status: 'succeeded',
      result: {
        mode: 'paper',
        wouldPlace: { selection: 'moneyline.home', americanOdds: 110, stakeMicros: 10_000_000 },
      },
      screenshotKey: `screenshots/${id}.png`,
    });
    expect(existsSync(join(h.dir, job.screenshotKey ?? ''))).toBe(true);
    expect(h.books.books.find((b) => b.name === 'demo')?.admin.bets()).toEqual([]);
  });
});
