import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type pg from 'pg';
import { makeIdempotencyStore } from '#adapters/aws/idempotency';
import { createEgressDispatcher, egressProxyList } from '#adapters/egress/dispatcher';
import { createEligibilityGate, polymarketGeoblockCheck } from '#adapters/egress/eligibility';
import { createPgExecutionStore } from '#adapters/pg/execution-store';
import {
  createPolymarketOrderClient,
  type PolymarketCredentials,
  polymarketCredentialsSchema,
} from '#adapters/venues/polymarket/orders';
import type { PolymarketExecutorConfig } from '#config/env';
import { riskLimitsFrom } from '../../shared/evaluator/limits.ts';
import { type CheckableGate, eligibilityRefresher } from '../../shared/execution/eligibility-refresh.ts';
import { createExecutorHandler, observeExecution } from '../../shared/execution/sqs-handler.ts';
import { logger, withPowertools } from '../../shared/observability.ts';
import type { EgressFetch } from '../../shared/ports/execution.ts';

export interface PolymarketExecutorClients {
  pool: pg.Pool;
  dynamo: DynamoDBClient;
  /** Tests and local mode: the egress to use instead of one built from EGRESS_PROXY_URLS (or none: direct). */
  egress?: EgressFetch;
  gate?: CheckableGate;
  /** The credentials JSON; by default read from POLYMARKET_CREDENTIALS_SECRET_ARN. */
  credentialsJson?: () => Promise<string | undefined>;
  now?: () => number;
}

const ELIGIBILITY_MAX_AGE_MS = 60_000;

/** The Polymarket executor as deployed: through the egress, Polymarket's geoblock check as its eligibility gate. */
export function createPolymarketExecutor(config: PolymarketExecutorConfig, clients: PolymarketExecutorClients) {
  const now = clients.now ?? Date.now;
  let refresh: ReturnType<typeof eligibilityRefresher> | undefined;
  const proxies = egressProxyList(config);
  const egress: EgressFetch =
    clients.egress ??
    (proxies.length > 0
      ? createEgressDispatcher({
          proxies,
          probeUrl: `${config.POLYMARKET_CLOB_URL}/time`,
          probeIntervalMs: 5_000,
          failoverWithinMs: 15_000,
          onChange: () => refresh?.stale(),
        })
      : { fetch: globalThis.fetch });
  const gate =
    clients.gate ??
    createEligibilityGate({
      venues: { polymarket: polymarketGeoblockCheck({ fetch: egress.fetch, url: config.POLYMARKET_GEOBLOCK_URL }) },
    });
  refresh = eligibilityRefresher({ gate, venue: 'polymarket', maxAgeMs: ELIGIBILITY_MAX_AGE_MS, now });

  const readCredentials =
    clients.credentialsJson ??
    (async () =>
      config.POLYMARKET_CREDENTIALS_SECRET_ARN
        ? ((await getSecret(config.POLYMARKET_CREDENTIALS_SECRET_ARN, { maxAge: 300 })) as string | undefined)
        : undefined);
  let credentials: PolymarketCredentials | undefined;
  const gates = { tradingMode: config.TRADING_MODE, gate, credentialsPresent: false };

  const client = createPolymarketOrderClient({
    baseUrl: config.POLYMARKET_CLOB_URL,
    chainId: config.POLYMARKET_CHAIN_ID,
    egress,
    timeoutMs: config.VENUE_TIMEOUT_MS,
    now,
    credentials: () => {
      if (!credentials) throw new Error('Polymarket credentials are not loaded');
      return credentials;
    },
  });

  return withPowertools(
    createExecutorHandler({
      store: createPgExecutionStore(clients.pool, now),
      client,
      gates,
      limits: riskLimitsFrom(config),
      now,
      pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      observe: observeExecution,
      persistenceStore: makeIdempotencyStore(config.IDEMPOTENCY_TABLE, clients.dynamo),
      async beforeBatch() {
        if (!credentials) {
          const json = await readCredentials();
          const parsed = json ? polymarketCredentialsSchema.safeParse(safeJson(json)) : undefined;
          if (parsed?.success) credentials = parsed.data;
          // The secret is created before an operator puts the credentials in: until then, orders are credentials_missing.
          else if (parsed) logger.error('the Polymarket credentials secret does not hold the expected JSON');
        }
        gates.credentialsPresent = credentials !== undefined;
        if (config.TRADING_MODE === 'live') await refresh.beforeBatch();
      },
    }),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
