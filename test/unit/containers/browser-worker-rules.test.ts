import { describe, expect, it } from 'vitest';
import { apiConfig, browserWorkerConfig, loadConfig } from '#config/env';
import { americanToDecimal } from '#domain/odds';
import { surebet } from '#domain/surebet';
import { CircuitBreakers } from '../../../containers/browser-worker/breaker.ts';
import type { WorkerHealth } from '../../../containers/browser-worker/consumer.ts';
import { healthAnswer } from '../../../containers/browser-worker/health.ts';
import { findSurebetCandidates } from '../../../containers/browser-worker/surebets.ts';
import type { ApiDeps } from '../../../shared/api/deps.ts';
import { ApiError } from '../../../shared/api/errors.ts';
import { submitJob } from '../../../shared/api/jobs.ts';
import { checkEventUrl, isOnOrigin } from '../../../shared/browser-jobs/origins.ts';

const origins = { demo: 'https://127.0.0.1:8443', book: 'https://book.example' };

describe('checkEventUrl', () => {
  it("allows the sportsbook's own origin only", () => {
    expect(checkEventUrl(origins, 'demo', 'https://127.0.0.1:8443/events/bos-at-den')).toEqual({
      allowed: true,
      origin: 'https://127.0.0.1:8443',
    });
    for (const url of [
      'https://127.0.0.1:8444/events/x', // another port is another origin
      'https://book.example/events/x', // another book's origin
      'http://127.0.0.1:8443/events/x',
      'https://user:pw@127.0.0.1:8443/events/x',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(checkEventUrl(origins, 'demo', url).allowed).toBe(false);
    }
    expect(checkEventUrl(origins, 'nobook', 'https://book.example/').allowed).toBe(false);
    expect(checkEventUrl(origins, 'constructor', 'https://book.example/').allowed).toBe(false);
  });
  it('tells requests on the origin from the rest', () => {
    expect(isOnOrigin('https://book.example', 'https://book.example/a.css')).toBe(true);
    expect(isOnOrigin('https://book.example', 'https://cdn.book.example/a.css')).toBe(false);
    expect(isOnOrigin('https://book.example', 'http://169.254.169.254/latest/meta-data')).toBe(false);
  });
});

describe('SPORTSBOOK_ORIGINS', () => {
  const load = (value: string) =>
    loadConfig(browserWorkerConfig, {
      env: {
        BROWSER_JOBS_QUEUE_URL: 'http://q.test/1/q',
        CANDIDATES_QUEUE_URL: 'http://q.test/1/c',
        SPORTSBOOK_ORIGINS: value,
      },
    });
  it('parses name=origin pairs', () => {
    expect(load('demo=https://127.0.0.1:8443, demo2=https://127.0.0.1:8444').SPORTSBOOK_ORIGINS).toEqual({
      demo: 'https://127.0.0.1:8443',
      demo2: 'https://127.0.0.1:8444',
    });
  });
  it('refuses anything but a bare https origin', () => {
    for (const bad of ['demo=http://x.test', 'demo=https://x.test/path', 'Demo=https://x.test', 'demo']) {
      expect(() => load(bad)).toThrow(/SPORTSBOOK_ORIGINS/);
    }
  });
});

describe('the API SPORTSBOOK_ORIGINS variable', () => {
  it('unset means no check at creation; set, even empty, is the allowlist', () => {
    expect(loadConfig(apiConfig, { env: {} }).SPORTSBOOK_ORIGINS).toBeUndefined();
    expect(loadConfig(apiConfig, { env: { SPORTSBOOK_ORIGINS: '' } }).SPORTSBOOK_ORIGINS).toEqual({});
  });
});

describe("the API refuses a job off its sportsbook's origin", () => {
  const actor = { sub: 'u1', role: 'trader', requestId: 'r1' } as const;
  it('with 400 url_not_allowed, before it touches any store', async () => {
    const deps = { sportsbookOrigins: origins } as unknown as ApiDeps;
    const body = {
      type: 'check_odds' as const,
      priority: 5,
      payload: { sportsbook: 'demo', eventUrl: 'https://evil.example/events/1' },
    };
    const refused = await submitJob(deps, actor, body, 'key-1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ statusCode: 400, code: 'url_not_allowed' });
  });
});

describe('CircuitBreakers', () => {
  it('opens after N consecutive failures, half-opens after the cool-down for one trial, closes on success', () => {
    const breakers = new CircuitBreakers({ threshold: 3, cooldownMs: 1_000 });
    breakers.failed('demo', 0);
    breakers.failed('demo', 10);
    expect(breakers.admit('demo', 20)).toBeUndefined();
    breakers.failed('demo', 20);
    expect(breakers.view('demo', 30)).toEqual({ state: 'open', consecutiveFailures: 3, retryAtMs: 1_020 });
    expect(breakers.admit('demo', 520)).toBe(500);
    expect(breakers.admit('other', 520)).toBeUndefined();
    expect(breakers.view('demo', 1_020).state).toBe('half_open');
    expect(breakers.admit('demo', 1_020)).toBeUndefined();
    // One trial at a time.
    expect(breakers.admit('demo', 1_021)).toBe(1_000);
    breakers.succeeded('demo');
    expect(breakers.view('demo', 1_022)).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });
  it('re-opens when the half-open trial fails, and a success in between resets the count', () => {
    const breakers = new CircuitBreakers({ threshold: 2, cooldownMs: 100 });
    breakers.failed('demo', 0);
    breakers.succeeded('demo');
    breakers.failed('demo', 1);
    expect(breakers.view('demo', 1).state).toBe('closed');
    breakers.failed('demo', 2);
    expect(breakers.admit('demo', 102)).toBeUndefined();
    breakers.failed('demo', 103);
    expect(breakers.view('demo', 104)).toMatchObject({ state: 'open', retryAtMs: 203 });
  });
  it("degrades the worker's health while open, without failing it", () => {
    const breakers = new CircuitBreakers({ threshold: 1, cooldownMs: 100 });
    breakers.failed('demo', 0);
    const health: WorkerHealth = {
      state: 'running',
      workerId: 'w',
      runningJobs: [],
      lastHeartbeatOk: true,
      breakers: breakers.all(1),
    };
    expect(healthAnswer(health)).toMatchObject({ statusCode: 200, body: { status: 'degraded' } });
    expect(healthAnswer({ ...health, state: 'draining' }).statusCode).toBe(503);
  });
});

describe('findSurebetCandidates', () => {
  const price = (sportsbook: string, selection: string, americanOdds: number) => ({
    sportsbook,
    eventKey: 'nba|2026-11-15T02:00:00.000Z|BOS@DEN',
    selection,
    americanOdds,
    askMicros: 0,
    observedAtMs: 0,
  });
  const find = (books: ReturnType<typeof price>[], stakeMicros: number) =>
    findSurebetCandidates({
      eventKey: 'nba|2026-11-15T02:00:00.000Z|BOS@DEN',
      gameId: null,
      books,
      asks: [],
      stakeMicros,
      nowMs: 1,
    });
  it('backs each outcome at its best book, sized by the domain surebet', () => {
    const prices = [
      price('demo', 'moneyline.home', 110),
      price('demo', 'moneyline.away', -135),
      price('demo2', 'moneyline.home', -130),
      price('demo2', 'moneyline.away', 105),
    ];
    const expected = surebet([americanToDecimal(105), americanToDecimal(110)], 50_000_000);
    const [found, ...others] = find(prices, 50_000_000);
    expect(others).toEqual([]);
    expect(found).toMatchObject({
      kind: 'surebet',
      gameId: null,
      market: 'moneyline',
      payoutMicros: expected.payoutMicros,
      marginBps: Math.floor(expected.margin * 10_000),
    });
    expect(
      found?.legs.map((leg) => [leg.venue, leg.kind === 'sportsbook' && leg.americanOdds, leg.stakeMicros]),
    ).toEqual([
      ['sportsbook:demo2', 105, expected.stakesMicros[0]],
      ['sportsbook:demo', 110, expected.stakesMicros[1]],
    ]);
  });
  it('finds none where the best prices still carry a margin, or a market has one outcome priced', () => {
    expect(find([price('demo', 'moneyline.home', 110), price('demo', 'moneyline.away', -135)], 1_000_000)).toEqual([]);
    expect(find([price('demo', 'moneyline.home', 500)], 1_000_000)).toEqual([]);
  });
});
