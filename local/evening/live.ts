import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { applyBankrollChange, getBankroll } from '#adapters/pg/bankroll';
import { createPool } from '#adapters/pg/pool';
import {
  kalshiExecutorConfig,
  type LocalLiveConfig,
  loadConfig,
  localLiveConfig,
  polymarketExecutorConfig,
} from '#config/env';
import type { QueueKey } from '#config/resources';
import { createKalshiExecutor } from '../../functions/executor-kalshi/executor.ts';
import { createPolymarketExecutor } from '../../functions/executor-polymarket/executor.ts';
import { bytesToHex } from '../../shared/adapters/crypto/eip712.ts';
import { type LocalEgressProxy, startLocalEgressProxy } from '../egress-proxy.ts';
import type { LocalQueue } from '../emulators/sqs.ts';
import { FakeKalshi } from '../fake-venues/kalshi.ts';
import { FakePolymarket } from '../fake-venues/polymarket.ts';
import { type Poller, startPoller } from '../pipeline/poller.ts';

/** The live bankroll a fresh local database starts with (the platform's own books; a venue holds the real money). */
const INITIAL_LIVE_BANKROLL_MICROS = 10_000_000_000;

export interface LocalLiveSummary {
  orders: Record<string, number>;
  rejectReasons: Record<string, number>;
  fills: number;
  feesMicros: number;
  liveBankrollMicros: number;
  /** Orders each fake venue took (absent for a venue given by URL). */
  venueOrders: { kalshi?: number; polymarket?: number };
  /** Tunnels and requests the local egress proxy carried (absent when EGRESS_PROXY_URLS was given). */
  proxyRequests?: number;
}

export interface LocalLive {
  /** What is faked and what is given, for the start-up line. */
  parts: string[];
  fakes: { kalshi?: FakeKalshi; polymarket?: FakePolymarket; proxy?: LocalEgressProxy };
  /** Resolves once every live order of the run is done with (filled, cancelled, rejected), or at the deadline. */
  settled(deadlineMs: number): Promise<boolean>;
  summary(): Promise<LocalLiveSummary>;
  stop(): Promise<void>;
}

export interface LocalLiveDeps {
  /** The local stack's variables (database, queues, idempotency table). */
  env: Record<string, string>;
  databaseUrl: string;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  queues: Record<QueueKey, LocalQueue>;
  /** When the run started: orders before it are not this run's. */
  since: Date;
  given?: LocalLiveConfig;
  step: (line: string) => void;
}

/**
 * Live trading in local mode (`npm start -- --live`): the evaluator runs with `TRADING_MODE=live`, and the two
 * executors' own handlers (functions/executor-*) take its execution queues through the local SQS trigger, exactly as
 * deployed: signed orders, the eligibility gate, the egress dispatcher over `EGRESS_PROXY_URLS`. A venue not given by
 * URL is a local fake venue speaking its REST formats (local/fake-venues) with generated credentials; an unset
 * `EGRESS_PROXY_URLS` is a local HTTP proxy (local/egress-proxy.ts), so venue traffic always goes through an egress.
 */
export async function startLocalLive(deps: LocalLiveDeps): Promise<LocalLive> {
  const given = deps.given ?? loadConfig(localLiveConfig);
  const stops: Array<() => Promise<void>> = [];
  const parts: string[] = [];
  const fakes: LocalLive['fakes'] = {};
  try {
    let kalshiUrl = given.KALSHI_REST_URL;
    let kalshiKeyId = given.LOCAL_KALSHI_API_KEY_ID;
    let kalshiPem: string | undefined;
    if (kalshiUrl) {
      kalshiPem = await readFile(given.KALSHI_PRIVATE_KEY_FILE as string, 'utf8');
      parts.push(`Kalshi at ${kalshiUrl}`);
    } else {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const kalshi = new FakeKalshi(publicKey);
      await kalshi.start();
      stops.push(() => kalshi.stop());
      fakes.kalshi = kalshi;
      kalshiUrl = kalshi.baseUrl;
      kalshiKeyId = 'local-fake-kalshi-key';
      kalshiPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      parts.push(`fake Kalshi on ${kalshiUrl}`);
    }

    let polymarketUrl = given.POLYMARKET_CLOB_URL;
    let geoblockUrl = given.POLYMARKET_GEOBLOCK_URL;
    let polymarketCredentials: string;
    if (polymarketUrl) {
      polymarketCredentials = await readFile(given.POLYMARKET_CREDENTIALS_FILE as string, 'utf8');
      parts.push(`Polymarket CLOB at ${polymarketUrl} (chain ${given.POLYMARKET_CHAIN_ID})`);
    } else {
      const secret = randomBytes(32).toString('base64');
      const polymarket = new FakePolymarket(secret, { chainId: given.POLYMARKET_CHAIN_ID });
      await polymarket.start();
      stops.push(() => polymarket.stop());
      fakes.polymarket = polymarket;
      polymarketUrl = polymarket.baseUrl;
      geoblockUrl = polymarket.geoblockUrl;
      polymarketCredentials = JSON.stringify({
        privateKey: bytesToHex(randomBytes(32)),
        apiKey: 'local-fake-polymarket-key',
        secret,
        passphrase: 'local',
      });
      parts.push(`fake Polymarket on ${polymarketUrl}`);
    }

    let proxies = given.EGRESS_PROXY_URLS;
    if (proxies) {
      parts.push(`egress ${proxies}`);
    } else {
      const proxy = await startLocalEgressProxy();
      stops.push(() => proxy.stop());
      fakes.proxy = proxy;
      proxies = proxy.url;
      parts.push(`local egress proxy on ${proxy.url}`);
    }

    const pools: pg.Pool[] = [];
    const executorPool = () => {
      const pool = createPool({ connectionString: deps.databaseUrl, component: 'executor' });
      pools.push(pool);
      return pool;
    };
    const pool = createPool({ connectionString: deps.databaseUrl });
    pools.push(pool);
    stops.push(async () => {
      await Promise.all(pools.map((p) => p.end()));
    });
    const live = await getBankroll(pool, { mode: 'live' });
    if (live.balanceMicros === 0) {
      await applyBankrollChange(pool, {
        mode: 'live',
        deltaMicros: INITIAL_LIVE_BANKROLL_MICROS,
        reason: 'deposit',
        ref: 'local-initial-live-deposit',
      });
    }

    const common = {
      ...deps.env,
      TRADING_MODE: 'live',
      EGRESS_PROXY_URLS: proxies,
      EXECUTION_KALSHI_QUEUE_URL: deps.queues.executionKalshi.url,
      EXECUTION_POLYMARKET_QUEUE_URL: deps.queues.executionPolymarket.url,
    };
    const kalshiHandler = createKalshiExecutor(
      loadConfig(kalshiExecutorConfig, {
        overrides: {
          ...common,
          KALSHI_REST_URL: kalshiUrl,
          ...(kalshiKeyId ? { KALSHI_API_KEY_ID: kalshiKeyId } : {}),
        },
      }),
      { pool: executorPool(), dynamo: deps.dynamo, sqs: deps.sqs, privateKeyPem: async () => kalshiPem },
    );
    const polymarketHandler = createPolymarketExecutor(
      loadConfig(polymarketExecutorConfig, {
        overrides: {
          ...common,
          POLYMARKET_CLOB_URL: polymarketUrl,
          POLYMARKET_CHAIN_ID: String(given.POLYMARKET_CHAIN_ID),
          ...(geoblockUrl ? { POLYMARKET_GEOBLOCK_URL: geoblockUrl } : {}),
        },
      }),
      { pool: executorPool(), dynamo: deps.dynamo, sqs: deps.sqs, credentialsJson: async () => polymarketCredentials },
    );
    const pollers: Poller[] = [
      startPoller({
        sqs: deps.sqs,
        queueUrl: deps.queues.executionKalshi.url,
        queueArn: deps.queues.executionKalshi.arn,
        handler: kalshiHandler,
        functionName: 'executor-kalshi',
        retryAfterSeconds: 1,
      }),
      startPoller({
        sqs: deps.sqs,
        queueUrl: deps.queues.executionPolymarket.url,
        queueArn: deps.queues.executionPolymarket.arn,
        handler: polymarketHandler,
        functionName: 'executor-polymarket',
        retryAfterSeconds: 1,
      }),
    ];
    stops.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    const openOrders = async () => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders
          WHERE mode = 'live' AND created_at >= $1 AND status IN ('pending', 'sent', 'partially_filled')`,
        [deps.since],
      );
      return rows[0]?.n ?? 0;
    };

    return {
      parts,
      fakes,
      async settled(deadlineMs) {
        const deadline = Date.now() + deadlineMs;
        while ((await openOrders()) > 0) {
          if (Date.now() >= deadline) return false;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return true;
      },
      async summary() {
        const [orders, fills, bankroll] = await Promise.all([
          pool.query<{ status: string; reason: string | null; n: number }>(
            `SELECT status, reject_reason AS reason, count(*)::int AS n FROM orders
              WHERE mode = 'live' AND created_at >= $1 GROUP BY 1, 2`,
            [deps.since],
          ),
          pool.query<{ n: number; fees: string }>(
            `SELECT count(*)::int AS n, coalesce(sum(f.fee_micros), 0)::bigint AS fees
               FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.mode = 'live' AND o.created_at >= $1`,
            [deps.since],
          ),
          getBankroll(pool, { mode: 'live' }),
        ]);
        const byStatus: Record<string, number> = {};
        const rejectReasons: Record<string, number> = {};
        for (const r of orders.rows) {
          byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
          if (r.reason) rejectReasons[r.reason] = (rejectReasons[r.reason] ?? 0) + r.n;
        }
        return {
          orders: byStatus,
          rejectReasons,
          fills: fills.rows[0]?.n ?? 0,
          feesMicros: Number(fills.rows[0]?.fees ?? 0),
          liveBankrollMicros: bankroll.balanceMicros,
          venueOrders: {
            ...(fakes.kalshi ? { kalshi: fakes.kalshi.orders.size } : {}),
            ...(fakes.polymarket ? { polymarket: fakes.polymarket.orders.size } : {}),
          },
          ...(fakes.proxy ? { proxyRequests: fakes.proxy.total() } : {}),
        };
      },
      async stop() {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
