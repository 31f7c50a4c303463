import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type pg from 'pg';
import { makeIdempotencyStore } from '#adapters/aws/idempotency';
import { createEgressDispatcher, egressProxyList } from '#adapters/egress/dispatcher';
import { createEligibilityGate, kalshiExchangeStatusCheck } from '#adapters/egress/eligibility';
import { createPgExecutionStore } from '#adapters/pg/execution-store';
import { createKalshiSigner, type KalshiSigner } from '#adapters/venues/kalshi/auth';
import { createKalshiOrderClient } from '#adapters/venues/kalshi/orders';
import type { KalshiExecutorConfig } from '#config/env';
import { riskLimitsFrom } from '../../shared/evaluator/limits.ts';
import { type CheckableGate, eligibilityRefresher } from '../../shared/execution/eligibility-refresh.ts';
import { createExecutorHandler, observeExecution } from '../../shared/execution/sqs-handler.ts';
import { logger, withPowertools } from '../../shared/observability.ts';
import type { EgressFetch } from '../../shared/ports/execution.ts';

export interface KalshiExecutorClients {
  pool: pg.Pool;
  dynamo: DynamoDBClient;
  /** Tests and local mode: the egress to use instead of one built from EGRESS_PROXY_URLS (or none: direct). */
  egress?: EgressFetch;
  gate?: CheckableGate;
  /** The private key PEM; by default read from KALSHI_PRIVATE_KEY_SECRET_ARN. */
  privateKeyPem?: () => Promise<string | undefined>;
  now?: () => number;
}

const ELIGIBILITY_MAX_AGE_MS = 60_000;

/** The Kalshi executor as deployed: venue traffic through the egress, the exchange status as its eligibility check. */
export function createKalshiExecutor(config: KalshiExecutorConfig, clients: KalshiExecutorClients) {
  const now = clients.now ?? Date.now;
  let refresh: ReturnType<typeof eligibilityRefresher> | undefined;
  const proxies = egressProxyList(config);
  const egress: EgressFetch =
    clients.egress ??
    (proxies.length > 0
      ? createEgressDispatcher({
          proxies,
          probeUrl: `${config.KALSHI_REST_URL}/exchange/status`,
          probeIntervalMs: 5_000,
          failoverWithinMs: 15_000,
          onChange: () => refresh?.stale(),
        })
      : { fetch: globalThis.fetch });
  const gate =
    clients.gate ??
    createEligibilityGate({
      venues: { kalshi: kalshiExchangeStatusCheck({ fetch: egress.fetch, baseUrl: config.KALSHI_REST_URL }) },
    });
  refresh = eligibilityRefresher({ gate, venue: 'kalshi', maxAgeMs: ELIGIBILITY_MAX_AGE_MS, now });

  const readPem =
    clients.privateKeyPem ??
    (async () =>
      config.KALSHI_PRIVATE_KEY_SECRET_ARN
        ? ((await getSecret(config.KALSHI_PRIVATE_KEY_SECRET_ARN, { maxAge: 300 })) as string | undefined)
        : undefined);
  let signer: KalshiSigner | undefined;
  const gates = { tradingMode: config.TRADING_MODE, gate, credentialsPresent: false };

  const client = createKalshiOrderClient({
    baseUrl: config.KALSHI_REST_URL,
    egress,
    timeoutMs: config.VENUE_TIMEOUT_MS,
    signer: (method, path) => {
      if (!signer) throw new Error('Kalshi credentials are not loaded');
      return signer(method, path);
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
        if (!signer && config.KALSHI_API_KEY_ID) {
          const pem = await readPem();
          try {
            if (pem) signer = createKalshiSigner({ keyId: config.KALSHI_API_KEY_ID, privateKey: pem, now });
          } catch (error) {
            // The secret is created before an operator puts the key in: until then, orders are credentials_missing.
            logger.error('the Kalshi private key secret holds no usable PEM', { error: String(error) });
          }
        }
        gates.credentialsPresent = signer !== undefined;
        if (config.TRADING_MODE === 'live') await refresh.beforeBatch();
      },
    }),
  );
}
