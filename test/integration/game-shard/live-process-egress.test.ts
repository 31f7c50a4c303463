import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { gameShardConfig, loadConfig } from '#config/env';
import type { LiveShard } from '../../../containers/game-shard/live.ts';
import { runLiveProcess } from '../../../containers/game-shard/live-process.ts';
import { type LocalEgressProxy, startLocalEgressProxy } from '../../../local/egress-proxy.ts';
import { createQueues, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import {
  ESPN_NBA_PATH,
  FakeKalshiWs,
  FakePolymarketWs,
  startVenueHttp,
  type VenueHttp,
} from '../../support/game-shard-process-venues.ts';

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The live shard with `EGRESS_PROXY_URLS` set (issue 14): its venue REST polls (Kalshi markets, Gamma) and both venue
 * WebSockets open CONNECT tunnels through the configured proxy. No database:
 * registration is not what this is about.
 */
describe('live game shard through an egress proxy', () => {
  let emulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let http: VenueHttp;
  let proxy: LocalEgressProxy;
  const kalshi = new FakeKalshiWs();
  const polymarket = new FakePolymarketWs();
  let shard: LiveShard | undefined;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = makeSqsClient(emulator.endpoint);
    const queue = (await createQueues(sqs, 'egresstest')).candidates;
    http = await startVenueHttp();
    proxy = await startLocalEgressProxy();
    await kalshi.listen();
    await polymarket.listen();
    const config = loadConfig(gameShardConfig, {
      env: {
        HEALTH_PORT: '0',
        SQS_ENDPOINT: emulator.endpoint,
        CANDIDATES_QUEUE_URL: queue.url,
        KALSHI_WS_URL: kalshi.url,
        KALSHI_REST_URL: `${http.url}/trade-api/v2`,
        POLYMARKET_WS_URL: polymarket.url,
        POLYMARKET_GAMMA_URL: http.url,
        ESPN_BASE_URL: http.url,
        EGRESS_PROXY_URLS: proxy.url,
        EGRESS_PROBE_URL: `${http.url}/probe`,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    });
    void runLiveProcess({ config, lingerMs: 5, exit: () => undefined }).then((s) => {
      shard = s;
    });
    await until('the shard', () => shard);
  });

  afterAll(async () => {
    await shard?.stop();
    await Promise.allSettled([kalshi.kill(), polymarket.close(), http?.close(), proxy?.stop()]);
    sqs?.destroy();
    await emulator?.stop();
  });

  it('sends Kalshi and Gamma REST and both venue sockets through the proxy as CONNECT tunnels', async () => {
    await until('both books subscribed', () =>
      kalshi.subscribed && polymarket.subscriptions.length > 0 ? true : undefined,
    );
    expect(http.requests).toEqual(
      expect.arrayContaining(['/trade-api/v2/markets?series_ticker=KXNBAGAME&status=open&limit=1000', ESPN_NBA_PATH]),
    );
    expect(http.requests.some((r) => r.startsWith('/markets?active=true&closed=false'))).toBe(true);
    const tunnels = proxy.counts.connects;
    // REST discovery (and the egress' own probes) over tunnels to the venue HTTP stand-in.
    expect(tunnels.get(new URL(http.url).host)).toBeGreaterThan(0);
    expect(tunnels.get(new URL(kalshi.url).host)).toBeGreaterThan(0);
    expect(tunnels.get(new URL(polymarket.url).host)).toBeGreaterThan(0);
    expect(proxy.counts.forwarded.size).toBe(0);
  });
});
