import { createServer } from 'node:net';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { createRedisPriceCache } from '#adapters/price-cache/redis';
import { type HealthAnswer, healthOf, parseFailuresPer1000 } from '../../../containers/game-shard/health.ts';
import { type FeedCallbacks, type LiveShard, startLiveShard } from '../../../containers/game-shard/live.ts';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { discoveryBodies, kalshiSnapshot, TICKER } from '../../support/game-shard-process-venues.ts';

/** A loopback port nothing listens on: a Redis that is down. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('game shard /health and /metrics', () => {
  let emulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let queue: LocalQueue;
  let shard: LiveShard;
  const feeds: Record<string, FeedCallbacks> = {};
  const T = 1_794_712_890_000;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = makeSqsClient(emulator.endpoint);
    queue = (await createQueues(sqs, 'healthtest')).candidates;
    const feed = (name: string) => (callbacks: FeedCallbacks) => {
      feeds[name] = callbacks;
      return {
        start: () => undefined,
        setInstruments: () => undefined,
        resync: () => undefined,
        close: async () => undefined,
      };
    };
    shard = await startLiveShard({
      config: {
        SHARD_INDEX: 0,
        SHARD_COUNT: 1,
        MIN_EDGE_BPS: 200,
        MIN_ARB_PROFIT_MICROS: 100_000,
        MIN_ARB_EDGE_BPS: 10,
        PRICE_STALE_AFTER_MS: 30_000,
        HEALTH_PORT: 0,
      },
      feeds: { kalshi: feed('kalshi'), polymarket: feed('polymarket') },
      // Discovery of the fixture game, handed on at start as the pollers would.
      polled: [
        (onRaw) => ({
          start: () => {
            for (const [i, body] of discoveryBodies().entries()) onRaw(body.source, body.raw, T + i, body.path);
          },
          close: async () => undefined,
        }),
      ],
      sqs,
      candidatesQueueUrl: queue.url,
      priceCache: createRedisPriceCache({ url: `redis://127.0.0.1:${await closedPort()}` }),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      healthHost: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await shard?.stop();
    sqs?.destroy();
    await emulator?.stop();
  });

  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${shard.healthPort}${path}`);
    return { status: response.status, body: (await response.json()) as HealthAnswer['body'] & Record<string, unknown> };
  };

  it('answers 200 while feeds connect or reconnect, and says the cache is down while trading goes on', async () => {
    feeds.kalshi!.onConnected();
    feeds.polymarket!.onConnected();
    // Two books (the game's DEN market, and one no game holds), a frame of no interest, a frame that does not parse.
    feeds.kalshi!.onRaw('kalshi_ws', kalshiSnapshot(TICKER, 1), T + 10);
    feeds.kalshi!.onRaw('kalshi_ws', kalshiSnapshot('KXNBAGAME-26NOV14BOSDEN-BOS', 2), T + 11);
    feeds.kalshi!.onRaw('kalshi_ws', '{"type":"multivariate_lookup","msg":{}}', T + 12);
    feeds.kalshi!.onRaw('kalshi_ws', 'bad', T + 13);
    feeds.kalshi!.onDisconnected();
    const health = await until('the cache reported down', async () => {
      const answer = await get('/health');
      return answer.body.dependencies.cache?.status === 'down' ? answer : undefined;
    });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'degraded',
      engine: 'running',
      feeds: { kalshi_ws: 'reconnecting', polymarket_ws: 'connected' },
      dependencies: { cache: { up: false } },
    });
    expect(health.body.dependencies.cache?.errors).toBeGreaterThan(0);
  });

  it('reports messages per source, parse failures per 1000, queue depth and invalid books', async () => {
    const { status, body } = await get('/metrics');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      messages: { kalshi_ws: 4, kalshi_rest: 1, polymarket_gamma: 1, espn: 1 },
      parseFailures: { kalshi_ws: 1 },
      // One failure in seven messages.
      parseFailuresPer1000: 142.86,
      candidatesPublished: 0,
      queueDepth: 0,
      // The disconnect invalidates the held game's book; the book no game holds is not counted.
      booksInvalid: 1,
    });
    expect((await fetch(`http://127.0.0.1:${shard.healthPort}/nope`)).status).toBe(404);
  });

  it('fails the check (503) once the engine is not running or a feed is closed', () => {
    const base = { feeds: { kalshi_ws: 'connected', polymarket_ws: 'connected' } as const, dependencies: {} };
    expect(healthOf({ ...base, engine: 'running' }).statusCode).toBe(200);
    expect(healthOf({ ...base, engine: 'running' }).body.status).toBe('ok');
    expect(healthOf({ ...base, engine: 'draining' }).statusCode).toBe(503);
    expect(healthOf({ ...base, engine: 'running', feeds: { kalshi_ws: 'closed' } }).statusCode).toBe(503);
    expect(parseFailuresPer1000({}, {})).toBe(0);
    expect(parseFailuresPer1000({ espn: 3, kalshi_ws: 3 }, { espn: 1 })).toBe(166.67);
  });
});
