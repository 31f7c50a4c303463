import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { gameIdFor } from '#contracts/ids';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import {
  CELTICS,
  ESPN_EVENT_ID,
  FakeKalshiWs,
  FakePolymarketWs,
  startVenueHttp,
  type VenueHttp,
} from '../../support/game-shard-process-venues.ts';
import { receiveBodies } from '../../support/sqs.ts';

/** Polls `check` until it holds or the deadline passes; no sleeps beyond the poll interval. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('game shard process on SIGTERM', () => {
  let emulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let queue: LocalQueue;
  let http: VenueHttp;
  const kalshi = new FakeKalshiWs();
  const polymarket = new FakePolymarketWs();
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = makeSqsClient(emulator.endpoint);
    queue = (await createQueues(sqs, 'sigtermtest')).candidates;
    http = await startVenueHttp();
    await kalshi.listen();
    await polymarket.listen();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await Promise.allSettled([kalshi.kill(), polymarket.close(), http?.close()]);
    sqs?.destroy();
    await emulator?.stop();
  });

  it('sends the candidate still queued for its batch, then exits 0 within 10 s', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'test/support/game-shard-process-child.ts'], {
      env: {
        PATH: process.env.PATH,
        HEALTH_PORT: '0',
        SQS_ENDPOINT: emulator.endpoint,
        CANDIDATES_QUEUE_URL: queue.url,
        KALSHI_WS_URL: kalshi.url,
        KALSHI_REST_URL: `${http.url}/trade-api/v2`,
        POLYMARKET_WS_URL: polymarket.url,
        POLYMARKET_GAMMA_URL: http.url,
        ESPN_BASE_URL: http.url,
        POWERTOOLS_DEV: 'true',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const exited = once(child, 'exit');

    const port = await until('the health port in the log', async () => output.match(/"port":\s*(\d+)/)?.[1]);
    await until('both books subscribed', async () =>
      kalshi.subscribed && polymarket.subscriptions.length > 0 ? true : undefined,
    );
    // Celtics at 0.20 against Kalshi DEN YES at 0.71: an arbitrage, queued for its batch.
    polymarket.priceChange(CELTICS, 'SELL', '0.20', '500');
    const metrics = await until('the candidate queued', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as { queueDepth: number };
      return body.queueDepth === 1 ? body : undefined;
    });
    expect(metrics).toMatchObject({ candidatesPublished: 0, messages: { espn: expect.any(Number) } });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);

    const signalled = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(Date.now() - signalled).toBeLessThan(10_000);
    const bodies = await receiveBodies(sqs, queue.url, 1);
    expect(bodies).toHaveLength(1);
    const candidate = signalCandidateSchema.parse(JSON.parse(bodies[0] as string));
    expect(candidate).toMatchObject({ kind: 'arbitrage', gameId: gameIdFor('nba', ESPN_EVENT_ID) });
  });
});
