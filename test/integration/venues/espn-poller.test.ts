import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEspnPoller, type EspnPoller, espnBackoffMs, espnScoreboardPath } from '#adapters/venues/espn/poller';

const scoreboard = readFileSync(
  new URL('../../fixtures/venues/espn_nba_scoreboard_in_progress.json', import.meta.url),
  'utf8',
);

interface Hit {
  path: string;
  atMs: number;
}

/** A real HTTP server on the loopback; `handle` decides each answer. */
async function startServer(handle: (req: IncomingMessage, res: ServerResponse, hit: Hit) => void) {
  const hits: Hit[] = [];
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((req, res) => {
    const hit = { path: req.url ?? '', atMs: performance.now() };
    hits.push(hit);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => {
      open -= 1;
    });
    handle(req, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    hits,
    maxOpen: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track(poller: EspnPoller): EspnPoller {
  cleanups.push(() => poller.close());
  return poller;
}

describe('ESPN poller against a real HTTP server', () => {
  it('polls each league scoreboard and hands on the raw text, its path and when it arrived', async () => {
    const server = await startServer((_req, res) => res.end(scoreboard));
    cleanups.push(server.close);
    const raws: { source: string; raw: string; at: number; path: string }[] = [];
    const poller = track(
      createEspnPoller({
        baseUrl: `${server.baseUrl}/`,
        leagues: [
          { sport: 'basketball', league: 'nba' },
          { sport: 'football', league: 'nfl' },
        ],
        intervalMs: 10,
        now: () => 1_700_000_000_000,
        onRaw: (source, raw, at, path) => raws.push({ source, raw, at, path }),
        onError: (error) => {
          throw error;
        },
      }),
    );
    poller.start();
    await waitFor(() => raws.length >= 4, 'two polls of each league');
    await poller.close();
    expect(raws[0]).toEqual({
      source: 'espn',
      raw: scoreboard,
      at: 1_700_000_000_000,
      path: '/apis/site/v2/sports/basketball/nba/scoreboard',
    });
    expect(new Set(server.hits.map((h) => h.path))).toEqual(
      new Set(['/apis/site/v2/sports/basketball/nba/scoreboard', '/apis/site/v2/sports/football/nfl/scoreboard']),
    );
  });

  it('never has two requests open: the next poll waits for a slow answer', async () => {
    const held: ServerResponse[] = [];
    const server = await startServer((_req, res) => held.push(res));
    cleanups.push(server.close);
    const poller = track(
      createEspnPoller({
        baseUrl: server.baseUrl,
        leagues: [
          { sport: 'basketball', league: 'nba' },
          { sport: 'hockey', league: 'nhl' },
        ],
        intervalMs: 2,
        now: () => Date.now(),
        onRaw: () => {},
        onError: () => {},
      }),
    );
    poller.start();
    for (let answered = 0; answered < 5; answered += 1) {
      await waitFor(() => held.length > answered, `request ${answered + 1}`);
      // Absence shows only over time: 25 intervals with the answer held back must bring no second request.
      const until = Date.now() + 50;
      await waitFor(() => Date.now() >= until, 'the hold to pass');
      expect(server.hits.length).toBe(answered + 1);
      held[answered]!.end(scoreboard);
    }
    expect(server.maxOpen()).toBe(1);
  });

  it('backs off exponentially while ESPN fails, reports each failure, and recovers', async () => {
    let failuresLeft = 3;
    const server = await startServer((_req, res) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        res.statusCode = 503;
        res.end('busy');
      } else {
        res.end(scoreboard);
      }
    });
    cleanups.push(server.close);
    const errors: string[] = [];
    const raws: string[] = [];
    const intervalMs = 20;
    const poller = track(
      createEspnPoller({
        baseUrl: server.baseUrl,
        leagues: [{ sport: 'baseball', league: 'mlb' }],
        intervalMs,
        now: () => Date.now(),
        random: () => 0,
        onRaw: (_s, raw) => raws.push(raw),
        onError: (error, path) => errors.push(`${path}: ${error.message}`),
      }),
    );
    poller.start();
    await waitFor(() => raws.length >= 2, 'recovery');
    await poller.close();
    expect(errors).toEqual(
      Array(3).fill(
        '/apis/site/v2/sports/baseball/mlb/scoreboard: ESPN /apis/site/v2/sports/baseball/mlb/scoreboard answered 503',
      ),
    );
    const gaps = server.hits.slice(1).map((h, i) => h.atMs - server.hits[i]!.atMs);
    // With no jitter the waits after 1, 2 and 3 failures are half of 2, 4 and 8 intervals; timers may fire 1 ms early.
    expect(gaps[0]).toBeGreaterThanOrEqual(intervalMs - 1);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * intervalMs - 1);
    expect(gaps[2]).toBeGreaterThanOrEqual(4 * intervalMs - 1);
  });

  it('close() aborts a request in flight without reporting it as an error', async () => {
    const server = await startServer(() => {});
    cleanups.push(server.close);
    const errors: Error[] = [];
    const poller = createEspnPoller({
      baseUrl: server.baseUrl,
      leagues: [{ sport: 'football', league: 'nfl' }],
      intervalMs: 1_000,
      now: () => Date.now(),
      onRaw: () => {},
      onError: (error) => errors.push(error),
    });
    poller.start();
    await waitFor(() => server.hits.length === 1, 'the first request');
    await poller.close();
    expect(errors).toEqual([]);
  });
});

describe('ESPN scoreboard paths', () => {
  it('builds the site API path of each allowed league', () => {
    expect(espnScoreboardPath({ sport: 'hockey', league: 'nhl' })).toBe('/apis/site/v2/sports/hockey/nhl/scoreboard');
  });

  it.each([
    ['a league outside the allowlist', { sport: 'soccer', league: 'eng.1' }],
    ['a pair mixed across sports', { sport: 'hockey', league: 'nba' }],
    ['a path traversal', { sport: 'basketball', league: '../nba' }],
    ['an encoded separator', { sport: 'basketball', league: 'nba%2F..' }],
    ['a query smuggled in', { sport: 'basketball', league: 'nba?dates=1' }],
    ['upper case', { sport: 'Basketball', league: 'NBA' }],
  ])('refuses %s before any URL is built', (_what, league) => {
    expect(() => espnScoreboardPath(league)).toThrow(RangeError);
    expect(() =>
      createEspnPoller({
        baseUrl: 'http://127.0.0.1:9',
        leagues: [league],
        intervalMs: 1_000,
        now: () => 0,
        onRaw: () => {},
        onError: () => {},
      }),
    ).toThrow(RangeError);
  });

  it('waits the interval when healthy and a jittered, capped exponential after failures', () => {
    expect(espnBackoffMs(0, 1_000, 60_000, () => 0.5)).toBe(1_000);
    expect(espnBackoffMs(1, 1_000, 60_000, () => 0)).toBe(1_000);
    expect(espnBackoffMs(1, 1_000, 60_000, () => 0.999_999)).toBe(2_000);
    expect(espnBackoffMs(3, 1_000, 60_000, () => 0.5)).toBe(6_000);
    expect(espnBackoffMs(40, 1_000, 60_000, () => 0.999_999)).toBe(60_000);
  });
});
