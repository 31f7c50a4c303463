import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSportsbook, startDemoSportsbook } from '../../local/demo-sportsbook/server.ts';

/** Debian's Chromium; `.ci/run` installs it when missing. Without it this smoke test cannot run, and says so. */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!haveChromium)(`demo sportsbook in real Chromium (${CHROMIUM})`, () => {
  let book: DemoSportsbook;
  const browsers: Browser[] = [];

  const launch = async (trustDemoKey: boolean): Promise<Browser> => {
    const args = trustDemoKey ? [...BASE_ARGS, `--ignore-certificate-errors-spki-list=${book.spkiSha256}`] : BASE_ARGS;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
    browsers.push(browser);
    return browser;
  };

  beforeAll(async () => {
    book = await startDemoSportsbook({
      name: 'demo',
      seed: 1,
      odds: [{ eventId: 'bos-at-den', home: 110, away: -135 }],
    });
  });

  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await book?.close();
  });

  it('refuses the demo certificate unless its key is trusted by SPKI hash, and trusts no other key', async () => {
    const untrusting = await (await launch(false)).newPage();
    await expect(untrusting.goto(`${book.origin}/events`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);

    const other = await startDemoSportsbook({ name: 'other', seed: 3 });
    try {
      expect(other.spkiSha256).not.toBe(book.spkiSha256);
      const trusting = await (await launch(true)).newPage();
      expect((await trusting.goto(`${book.origin}/events`))?.status()).toBe(200);
      await expect(trusting.goto(`${other.origin}/events`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await other.close();
    }
  });

  it('logs in and places a bet through the UI: slip, review, confirm, receipt, history', async () => {
    const context = await (await launch(true)).newContext();
    const page = await context.newPage();
    await page.goto(`${book.origin}/events/bos-at-den`);
    await expect(
      page.getByTestId('selection-moneyline-home').getByTestId('selection-odds').textContent(),
    ).resolves.toBe('+110');

    await page.getByRole('button', { name: 'Denver Nuggets +110' }).click();
    await page.waitForURL(/\/login\?/);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('alice-demo-pass');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${book.origin}/events/bos-at-den`);
    const cookies = await context.cookies(book.origin);
    expect(cookies.map(({ name, httpOnly, secure, sameSite }) => ({ name, httpOnly, secure, sameSite }))).toEqual([
      { name: 'demo_session', httpOnly: true, secure: true, sameSite: 'Lax' },
    ]);

    await page.getByTestId('selection-moneyline-home').click();
    await page.waitForURL(`${book.origin}/slip`);
    await expect(page.getByTestId('slip-odds').textContent()).resolves.toBe('+110');
    await page.getByLabel('Stake ($)').fill('25');
    await page.getByRole('button', { name: 'Review bet' }).click();
    await page.waitForURL(`${book.origin}/slip/confirm`);
    await expect(page.getByTestId('review-payout').textContent()).resolves.toBe('$52.50');
    await page.getByTestId('confirm-bet').click();
    await page.waitForURL(/\/bets\/DEMO-\d{6}$/);
    const betId = await page.getByTestId('bet-id').textContent();
    expect(betId).toBe('DEMO-000001');

    await page.getByTestId('history-link').click();
    await page.waitForURL(`${book.origin}/bets`);
    await expect(page.getByTestId('bet-row').getByTestId('bet-row-id').allTextContents()).resolves.toEqual([betId]);
    expect(book.admin.bets()).toMatchObject([{ betId, username: 'alice', american: 110, stakeMicros: 25_000_000 }]);
    await context.close();
  });
});
