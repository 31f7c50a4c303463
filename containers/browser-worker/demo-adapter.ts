import type { Page } from 'playwright-core';
import { parseMicros } from '#domain/units';
import { type BetReceipt, JobFailure, type SportsbookAdapter } from './adapter.ts';

/**
 * The demo sportsbook's pages (local/demo-sportsbook/README.md): server-rendered forms, one navigation per step,
 * `data-testid` selectors. Every instance (`demo`, `demo2`) has the same pages, so one adapter serves them all.
 */
const SELECTORS = {
  page: 'main[data-page]',
  event: 'main[data-testid=event]',
  selection: 'button[data-selection]',
  slip: 'section[data-testid=bet-slip]',
  stakeInput: 'input[data-testid=stake-input]',
  stakeError: '[data-testid=stake-error]',
  reviewButton: 'button[data-testid=review-bet]',
  review: 'section[data-testid=bet-review]',
  reviewOdds: '[data-testid=review-odds]',
  reviewStake: '[data-testid=review-stake]',
  reviewPayout: '[data-testid=review-payout]',
  confirmButton: 'button[data-testid=confirm-bet]',
  newOdds: '[data-testid=new-odds]',
  receipt: 'section[data-testid=receipt]',
  historyRow: 'tr[data-testid=bet-row]',
} as const;

/** "+110" / "-135" -> 110 / -135. */
function parseAmerican(text: string | null): number {
  const trimmed = (text ?? '').trim();
  if (!/^[+-]?\d{3,6}$/.test(trimmed)) throw new JobFailure('selector_missing', `not American odds: "${trimmed}"`);
  return Number(trimmed);
}

/** "$10.00" -> 10_000_000. */
function parseDollars(text: string | null): number {
  const trimmed = (text ?? '').trim().replace(/^\$/, '').replaceAll(',', '');
  if (!/^\d+(\.\d{1,6})?$/.test(trimmed)) throw new JobFailure('selector_missing', `not a dollar amount: "${text}"`);
  return parseMicros(trimmed);
}

/** The book takes whole cents: 10_500_000 -> "10.50". */
function stakeText(stakeMicros: number): string {
  if (stakeMicros % 10_000 !== 0) throw new JobFailure('invalid_stake', 'the book takes stakes in whole cents');
  const cents = stakeMicros / 10_000;
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

async function pageName(page: Page): Promise<string | null> {
  return page.locator(SELECTORS.page).first().getAttribute('data-page');
}

async function text(page: Page, selector: string): Promise<string | null> {
  return page.locator(selector).first().textContent();
}

async function receiptFrom(page: Page): Promise<BetReceipt> {
  const section = page.locator(SELECTORS.receipt);
  return {
    betId: (await section.locator('[data-testid=bet-id]').textContent())?.trim() ?? '',
    selection: (await section.locator('[data-testid=receipt-selection]').textContent())?.trim() ?? '',
    americanOdds: parseAmerican(await section.locator('[data-testid=receipt-odds]').textContent()),
    stakeMicros: parseDollars(await section.locator('[data-testid=receipt-stake]').textContent()),
    placedAt: (await section.locator('[data-testid=receipt-placed-at]').getAttribute('datetime')) ?? '',
  };
}

export const demoAdapter: SportsbookAdapter = {
  name: 'demo',

  async classify(page) {
    const name = await page
      .locator(SELECTORS.page)
      .first()
      .getAttribute('data-page', { timeout: 1_000 })
      .catch(() => null);
    if (name === 'challenge') return 'challenge';
    if (name === 'login') return 'session_expired';
    return undefined;
  },

  async readOdds(page, { markets }) {
    const event = page.locator(SELECTORS.event);
    const [league, startsAt, away, home] = await Promise.all(
      ['data-league', 'data-starts-at', 'data-away', 'data-home'].map((name) => event.getAttribute(name)),
    );
    if (!league || !startsAt || !away || !home) throw new JobFailure('selector_missing', 'event attributes missing');
    const buttons = await event.locator(SELECTORS.selection).all();
    const prices = [];
    for (const button of buttons) {
      const selection = (await button.getAttribute('data-selection')) ?? '';
      const market = selection.split('.')[0] ?? '';
      if (markets && !markets.includes(market)) continue;
      prices.push({
        selection,
        name: (await button.locator('[data-testid=selection-name]').textContent())?.trim() ?? selection,
        americanOdds: parseAmerican(await button.getAttribute('data-american-odds')),
      });
    }
    if (prices.length === 0) throw new JobFailure('selector_missing', 'no selection on the event page');
    return { eventKey: `${league}|${new Date(startsAt).toISOString()}|${away}@${home}`, prices };
  },

  async fillSlip(page, { selection, stakeMicros }) {
    const stake = stakeText(stakeMicros);
    if (!/^[a-z0-9_-]+\.[a-z0-9_-]+$/.test(selection))
      throw new JobFailure('selector_missing', `no selection ${selection}`);
    const button = page.locator(`${SELECTORS.event} ${SELECTORS.selection}[data-selection="${selection}"]`);
    if ((await button.count()) === 0) throw new JobFailure('selector_missing', `no selection ${selection} on the page`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/slip' || url.pathname === '/login'),
      button.click(),
    ]);
    if ((await pageName(page)) !== 'slip') throw new JobFailure('page_error', `the slip did not open`);
    const eventRef = (await page.locator(SELECTORS.slip).getAttribute('data-event-id')) ?? '';
    await page.locator(SELECTORS.stakeInput).fill(stake);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/slip/confirm'),
      page.locator(SELECTORS.reviewButton).click(),
    ]);
    await page.locator(SELECTORS.review).waitFor();
    return {
      eventRef,
      selection,
      americanOdds: parseAmerican(await text(page, SELECTORS.reviewOdds)),
      stakeMicros: parseDollars(await text(page, SELECTORS.reviewStake)),
      payoutMicros: parseDollars(await text(page, SELECTORS.reviewPayout)),
    };
  },

  async confirm(page) {
    await page.locator(SELECTORS.confirmButton).click();
    // The confirmation answers with another page (a receipt, a price change, a login): wait until it replaced this one.
    await page.locator('main[data-page]:not([data-page="confirm"])').waitFor();
    const name = await pageName(page);
    if (name === 'price-changed')
      return { priceMoved: { americanOdds: parseAmerican(await text(page, SELECTORS.newOdds)) } };
    if (name !== 'receipt') throw new JobFailure('page_error', `after the confirmation the book showed "${name}"`);
    return { placed: await receiptFrom(page) };
  },

  async findBet(page, { origin, eventRef, selection, stakeMicros, since }) {
    await page.goto(new URL('/bets', origin).href);
    if ((await pageName(page)) !== 'history') return undefined;
    for (const row of await page.locator(SELECTORS.historyRow).all()) {
      const cell = (id: string) => row.locator(`[data-testid=${id}]`);
      const placedAt = (await cell('bet-row-placed-at').getAttribute('datetime')) ?? '';
      if ((await cell('bet-row-event').textContent())?.trim() !== eventRef) continue;
      if ((await cell('bet-row-selection').textContent())?.trim() !== selection) continue;
      if (parseDollars(await cell('bet-row-stake').textContent()) !== stakeMicros) continue;
      if (!(Date.parse(placedAt) >= since.getTime())) continue;
      return {
        betId: (await row.getAttribute('data-bet-id')) ?? '',
        selection,
        americanOdds: parseAmerican(await cell('bet-row-odds').textContent()),
        stakeMicros,
        placedAt,
      };
    }
    return undefined;
  },
};
