import { request } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { americanToDecimal } from '#domain/odds';
import { surebet } from '#domain/surebet';
import { DEMO_EVENTS, eventById } from '../../local/demo-sportsbook/events.ts';
import { generatedMoneyline, movedWorse } from '../../local/demo-sportsbook/odds.ts';
import {
  type DemoSportsbook,
  type DemoSportsbooks,
  PLANTED_SUREBET,
  startDemoSportsbook,
  startDemoSportsbooks,
} from '../../local/demo-sportsbook/server.ts';
import { makeDemoCertificate } from '../../local/demo-sportsbook/tls.ts';
import { americanOf, attributeOf, BookClient, pageOf, textOf } from './demo-sportsbook-client.ts';

let books: DemoSportsbooks;
let demo: DemoSportsbook;
let demo2: DemoSportsbook;

beforeAll(async () => {
  books = await startDemoSportsbooks();
  [demo, demo2] = books.books as [DemoSportsbook, DemoSportsbook];
});

afterAll(async () => {
  await books?.close();
});

beforeEach(() => {
  demo.admin.reset();
  demo2.admin.reset();
});

const client = (book: DemoSportsbook = demo) => new BookClient(book.origin, book.certPem);

async function loggedIn(book: DemoSportsbook = demo, username = 'alice'): Promise<BookClient> {
  const c = client(book);
  const user = book.users.find((u) => u.username === username);
  if (!user) throw new Error(`no user ${username}`);
  expect((await c.login(user.username, user.password)).status).toBe(303);
  return c;
}

/** The moneyline as a reader of the page sees it: each selection button's odds text. */
async function eventOdds(c: BookClient, eventId: string): Promise<{ home: number; away: number; tick: number }> {
  const page = await c.get(`/events/${eventId}`);
  expect(page.status).toBe(200);
  const oddsText = (side: string) =>
    new RegExp(
      `data-testid="selection-moneyline-${side}"[^>]*>\\s*<span data-testid="selection-name">[^<]*</span> <span data-testid="selection-odds">([^<]*)<`,
    ).exec(page.body)?.[1];
  for (const side of ['home', 'away']) {
    expect(attributeOf(page.body, `selection-moneyline-${side}`, 'data-american-odds')).toBe(
      String(americanOf(oddsText(side))),
    );
  }
  return {
    home: americanOf(oddsText('home')),
    away: americanOf(oddsText('away')),
    tick: Number(attributeOf(page.body, 'event', 'data-tick')),
  };
}

/** Slip -> review -> the confirm page, at the selection's current price. */
async function toConfirm(c: BookClient, eventId: string, selection: string, stake: string) {
  const added = await c.post('/slip', { eventId, selection });
  expect(added).toMatchObject({ status: 303, location: '/slip' });
  const reviewed = await c.post('/slip/review', { stake });
  expect(reviewed).toMatchObject({ status: 303, location: '/slip/confirm' });
  const confirm = await c.get('/slip/confirm');
  expect(pageOf(confirm.body)).toBe('confirm');
  return confirm;
}

describe('demo sportsbook over HTTPS', () => {
  it('serves a certificate that only a client trusting it accepts, for 127.0.0.1', async () => {
    const untrusted = await new Promise<Error>((resolve) => {
      request(`${demo.origin}/events`, (res) => resolve(new Error(`answered ${res.statusCode}`)))
        .on('error', resolve)
        .end();
    });
    expect(String(untrusted)).toMatch(/self.signed|certificate/i);
    expect((await client().get('/events')).status).toBe(200);
    expect(demo.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.spkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('logs in with a HttpOnly, Secure, SameSite=Lax session cookie per book, and logs out', async () => {
    const c = client();
    const bad = await c.login('alice', 'wrong');
    expect(bad.status).toBe(401);
    expect(textOf(bad.body, 'login-error')).toBe('Invalid username or password.');
    expect(c.cookies.size).toBe(0);

    const good = await c.login('alice', 'alice-demo-pass', '/events/bos-at-den');
    expect(good).toMatchObject({ status: 303, location: '/events/bos-at-den' });
    expect(good.setCookies).toHaveLength(1);
    expect(good.setCookies[0]).toMatch(/^demo_session=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(textOf((await c.get('/events/bos-at-den')).body, 'account')).toBe('alice');

    const c2 = client(demo2);
    await c2.login('alice', 'alice-demo-pass');
    expect([...c2.cookies.keys()]).toEqual(['demo2_session']);

    const out = await c.post('/logout');
    expect(out).toMatchObject({ status: 303, location: '/login' });
    expect(out.setCookies[0]).toMatch(/^demo_session=; .*Max-Age=0$/);
    expect(demo.admin.state().sessions).toBe(0);
  });

  it('never redirects off the origin after login', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      expect((await client().login('bob', 'bob-demo-pass', next)).location).toBe('/events');
    }
  });

  it('sends a visitor without a session to the login page and back', async () => {
    const c = client();
    expect(await c.get('/slip')).toMatchObject({ status: 303, location: '/login?next=%2Fslip&reason=login' });
    expect(await c.get('/bets')).toMatchObject({ status: 303, location: '/login?next=%2Fbets&reason=login' });
    const add = await c.post('/slip', { eventId: 'bos-at-den', selection: 'moneyline.home' });
    expect(add.location).toBe('/login?next=%2Fevents%2Fbos-at-den&reason=login');
    const login = await c.get(add.location as string);
    expect(attributeOf(login.body, 'login-form', 'action')).toBe('/login');
    expect(login.body).toContain('name="next" value="/events/bos-at-den"');
  });

  it('lists the events and shows moneyline odds that move with the tick, deterministically from the seed', async () => {
    const c = client();
    const list = await c.get('/events');
    for (const event of DEMO_EVENTS) expect(list.body).toContain(`data-testid="event-link-${event.id}"`);
    expect((await c.get('/events/nope')).status).toBe(404);

    const event = eventById('lal-at-gsw');
    if (!event) throw new Error('no event');
    const seen = new Set<string>();
    for (let tick = 0; tick < 6; tick++) {
      const shown = await eventOdds(c, event.id);
      expect(shown).toEqual({ ...generatedMoneyline(event, 1, tick), tick });
      expect(demo.admin.odds().events.find((e) => e.eventId === event.id)?.moneyline).toEqual(
        generatedMoneyline(event, 1, tick),
      );
      seen.add(`${shown.home}/${shown.away}`);
      const ticked = await c.send('POST', '/__admin/tick', { json: {} });
      expect(JSON.parse(ticked.body)).toEqual({ tick: tick + 1 });
    }
    expect(seen.size).toBeGreaterThan(1);
    expect(JSON.parse((await c.send('POST', '/__admin/tick', { json: { to: 0 } })).body)).toEqual({ tick: 0 });
  });

  it('ticks on its own every tickEveryMs when asked to', async () => {
    const tls = await makeDemoCertificate();
    const ticking = await startDemoSportsbook({ name: 'ticking', seed: 1, tickEveryMs: 20, tls });
    try {
      const deadline = Date.now() + 5_000;
      while (ticking.admin.state().tick < 3 && Date.now() < deadline) await delay(5);
      expect(ticking.admin.state().tick).toBeGreaterThanOrEqual(3);
      expect(ticking.certPem).toBe(tls.certPem);
    } finally {
      await ticking.close();
    }
  });

  it('plants odds for a window of ticks through the admin API', async () => {
    const c = client();
    const planted = await c.send('POST', '/__admin/odds', {
      json: { eventId: 'ny-at-mia', home: 150, away: -180, fromTick: 2, toTick: 4 },
    });
    expect(planted.status).toBe(200);
    const expectedAt = (tick: number) =>
      tick >= 2 && tick < 4 ? { home: 150, away: -180 } : generatedMoneyline(eventById('ny-at-mia')!, 1, tick);
    for (let tick = 0; tick < 5; tick++) {
      demo.admin.setTick(tick);
      const { home, away } = await eventOdds(c, 'ny-at-mia');
      expect({ home, away }).toEqual(expectedAt(tick));
    }
    const bad = await c.send('POST', '/__admin/odds', { json: { eventId: 'ny-at-mia', home: 50, away: -180 } });
    expect(bad.status).toBe(400);
  });

  it('plants a real surebet across demo and demo2 by the domain surebet function', async () => {
    const a = await eventOdds(client(demo), PLANTED_SUREBET.eventId);
    const b = await eventOdds(client(demo2), PLANTED_SUREBET.eventId);
    expect(a).toMatchObject({ home: 110, away: -135 });
    expect(b).toMatchObject({ home: -130, away: 105 });
    const bestHome = Math.max(americanToDecimal(a.home), americanToDecimal(b.home));
    const bestAway = Math.max(americanToDecimal(a.away), americanToDecimal(b.away));
    expect([bestHome, bestAway]).toEqual([2.1, 2.05]);
    const sure = surebet([bestHome, bestAway], 100_000_000);
    expect(sure.arbitrage).toBe(true);
    expect(sure.margin).toBeCloseTo(1 - 1 / 2.1 - 1 / 2.05, 12);
    expect(sure.stakesMicros).toEqual([49_397_590, 50_602_409]);
    expect(sure.payoutMicros).toBe(103_734_938);
    for (const book of [a, b]) {
      expect(surebet([americanToDecimal(book.home), americanToDecimal(book.away)], 100_000_000).arbitrage).toBe(false);
    }
  });

  it('places a bet: slip -> review -> confirm -> receipt, listed in the history, twice if confirmed twice', async () => {
    const c = await loggedIn();
    expect(textOf((await c.get('/slip')).body, 'slip-empty')).toBe('Your bet slip is empty.');
    expect(textOf((await c.get('/bets')).body, 'bet-history-empty')).toBe('No bets yet.');

    await c.post('/slip', { eventId: 'bos-at-den', selection: 'moneyline.home' });
    const slip = await c.get('/slip');
    expect(textOf(slip.body, 'slip-selection')).toBe('Denver Nuggets');
    expect(textOf(slip.body, 'slip-odds')).toBe('+110');
    const badStake = await c.post('/slip/review', { stake: '10.001' });
    expect(badStake.status).toBe(400);
    expect(textOf(badStake.body, 'stake-error')).toBe('Enter a stake between $0.01 and $10,000.00.');
    expect((await c.post('/slip/review', { stake: '0' })).status).toBe(400);

    const confirm = await toConfirm(c, 'bos-at-den', 'moneyline.home', '10');
    expect(textOf(confirm.body, 'review-odds')).toBe('+110');
    expect(textOf(confirm.body, 'review-stake')).toBe('$10.00');
    expect(textOf(confirm.body, 'review-payout')).toBe('$21.00');
    expect(confirm.body).toContain('name="quotedOdds" value="110"');

    const placed = await c.post('/slip/confirm', { quotedOdds: '110' });
    expect(placed).toMatchObject({ status: 303, location: '/bets/DEMO-000001' });
    const receipt = await c.get('/bets/DEMO-000001');
    expect(pageOf(receipt.body)).toBe('receipt');
    expect(textOf(receipt.body, 'bet-id')).toBe('DEMO-000001');
    expect(textOf(receipt.body, 'receipt-event')).toBe('bos-at-den');
    expect(textOf(receipt.body, 'receipt-selection')).toBe('moneyline.home');
    expect(textOf(receipt.body, 'receipt-odds')).toBe('+110');
    expect(textOf(receipt.body, 'receipt-stake')).toBe('$10.00');
    expect(textOf(receipt.body, 'receipt-payout')).toBe('$21.00');
    expect(Date.parse(textOf(receipt.body, 'receipt-placed-at') ?? '')).not.toBeNaN();
    expect(textOf((await c.get('/slip')).body, 'slip-empty')).toBeDefined();

    const second = await toConfirm(c, 'bos-at-den', 'moneyline.away', '7.50');
    expect(textOf(second.body, 'review-payout')).toBe('$13.05');
    expect((await c.post('/slip/confirm', { quotedOdds: '-135' })).location).toBe('/bets/DEMO-000002');

    const history = await c.get('/bets');
    expect([...history.body.matchAll(/data-testid="bet-row" data-bet-id="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'DEMO-000002',
      'DEMO-000001',
    ]);
    expect(textOf(history.body, 'bet-row-selection')).toBe('moneyline.away');
    expect(textOf(history.body, 'bet-row-stake')).toBe('$7.50');
    expect(demo.admin.bets().map((bet) => [bet.betId, bet.username, bet.american, bet.stakeMicros])).toEqual([
      ['DEMO-000001', 'alice', 110, 10_000_000],
      ['DEMO-000002', 'alice', -135, 7_500_000],
    ]);

    const bob = await loggedIn(demo, 'bob');
    expect(textOf((await bob.get('/bets')).body, 'bet-history-empty')).toBeDefined();
    expect((await bob.get('/bets/DEMO-000001')).status).toBe(404);
  });

  it('answers price changed when the price moved between the slip and the confirm', async () => {
    const event = eventById('lal-at-gsw')!;
    let later = 1;
    while (generatedMoneyline(event, 1, later).home === generatedMoneyline(event, 1, 0).home) later += 1;
    const c = await loggedIn();
    const confirm = await toConfirm(c, event.id, 'moneyline.home', '20');
    const quoted = americanOf(textOf(confirm.body, 'review-odds'));
    expect(quoted).toBe(generatedMoneyline(event, 1, 0).home);

    demo.admin.setTick(later);
    const now = generatedMoneyline(event, 1, later).home;
    const changed = await c.post('/slip/confirm', { quotedOdds: String(quoted) });
    expect(changed.status).toBe(409);
    expect(pageOf(changed.body)).toBe('price-changed');
    expect(americanOf(textOf(changed.body, 'old-odds'))).toBe(quoted);
    expect(americanOf(textOf(changed.body, 'new-odds'))).toBe(now);
    expect(americanOf(textOf(changed.body, 'review-odds'))).toBe(now);
    expect(demo.admin.bets()).toEqual([]);

    const accepted = await c.post('/slip/confirm', { quotedOdds: String(now) });
    expect(accepted.status).toBe(303);
    expect(demo.admin.bets().map((bet) => bet.american)).toEqual([now]);
  });
});

describe('demo sportsbook switches', () => {
  it('slowPageMs delays every page but not the admin API', async () => {
    const c = client();
    const set = await c.send('POST', '/__admin/switches', { json: { slowPageMs: 400 } });
    expect(JSON.parse(set.body)).toMatchObject({ slowPageMs: 400 });
    let started = performance.now();
    expect((await c.get('/events/bos-at-den')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    started = performance.now();
    await c.get('/__admin/state');
    expect(performance.now() - started).toBeLessThan(390);
  });

  it('movePriceOnConfirm moves the price worse at the confirm: price changed, no bet, the page shows it too', async () => {
    const c = await loggedIn();
    await toConfirm(c, 'bos-at-den', 'moneyline.home', '10');
    demo.admin.setSwitches({ movePriceOnConfirm: true });
    const changed = await c.post('/slip/confirm', { quotedOdds: '110' });
    expect(changed.status).toBe(409);
    expect(textOf(changed.body, 'price-changed')).toBe('Price changed from');
    expect(textOf(changed.body, 'old-odds')).toBe('+110');
    expect(textOf(changed.body, 'new-odds')).toBe('+100');
    expect(movedWorse(110)).toBe(100);
    expect((await eventOdds(c, 'bos-at-den')).home).toBe(100);
    expect(demo.admin.bets()).toEqual([]);
    expect((await c.post('/slip/confirm', { quotedOdds: '100' })).status).toBe(409);

    demo.admin.setSwitches({ movePriceOnConfirm: false });
    expect((await c.post('/slip/confirm', { quotedOdds: '-110' })).status).toBe(303);
    expect(demo.admin.bets().map((bet) => bet.american)).toEqual([-110]);
  });

  it('expireSessions forgets every session: the next page redirects to login with reason=expired', async () => {
    const c = await loggedIn();
    expect((await c.get('/bets')).status).toBe(200);
    const set = await c.send('POST', '/__admin/switches', { json: { expireSessions: true } });
    expect(JSON.parse(set.body)).toMatchObject({ expireSessions: false });
    const expired = await c.get('/bets');
    expect(expired).toMatchObject({ status: 303, location: '/login?next=%2Fbets&reason=expired' });
    expect(expired.setCookies[0]).toMatch(/^demo_session=; .*Max-Age=0$/);
    const login = await c.get(expired.location as string);
    expect(textOf(login.body, 'session-expired')).toBe('Your session has expired. Please log in again.');
    expect(await c.login('alice', 'alice-demo-pass', '/bets')).toMatchObject({ status: 303, location: '/bets' });
    expect((await c.get('/bets')).status).toBe(200);
  });

  it('challenge answers every page with a verify-you-are-human interstitial and counts any attempt to pass it', async () => {
    const c = await loggedIn();
    demo.admin.setSwitches({ challenge: true });
    for (const path of ['/events/bos-at-den', '/login', '/bets', '/slip']) {
      const page = await c.get(path);
      expect(page.status).toBe(403);
      expect(pageOf(page.body)).toBe('challenge');
      expect(page.body).toContain('<h1>Verify you are human</h1>');
      expect(page.body).toContain('data-testid="challenge-checkbox"');
    }
    expect((await c.post('/slip', { eventId: 'bos-at-den', selection: 'moneyline.home' })).status).toBe(403);
    expect(demo.admin.state().challengeSubmissions).toBe(0);
    expect((await c.post('/__challenge', { human: 'yes' })).status).toBe(403);
    expect(demo.admin.state().challengeSubmissions).toBe(1);
    expect((await c.get('/events/bos-at-den')).status).toBe(403);

    demo.admin.setSwitches({ challenge: false });
    expect((await c.get('/events/bos-at-den')).status).toBe(200);
  });

  it('refuses bad admin input with 400 and reports its state', async () => {
    const c = client();
    for (const json of [{ slowPageMs: -1 }, { challenge: 'yes' }, { other: true }]) {
      const reply = await c.send('POST', '/__admin/switches', { json });
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body)).toHaveProperty('error');
    }
    expect((await c.send('POST', '/__admin/tick', { json: { by: 0 } })).status).toBe(400);
    expect((await c.send('POST', '/__admin/switches', { json: undefined })).status).toBe(200);
    const state = JSON.parse((await c.get('/__admin/state')).body);
    expect(state).toEqual({
      name: 'demo',
      tick: 0,
      switches: { slowPageMs: 0, movePriceOnConfirm: false, expireSessions: false, challenge: false },
      bets: [],
      sessions: 0,
      challengeSubmissions: 0,
    });
  });
});
