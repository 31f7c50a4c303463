import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { executionSender, sendDelayed } from '#adapters/aws/execution-queues';
import { makeIdempotencyStore } from '#adapters/aws/idempotency';
import { createEgressDispatcher, egressProxyList } from '#adapters/egress/dispatcher';
import { createEligibilityGate } from '#adapters/egress/eligibility';
import type { KalshiExecutorConfig, PolymarketExecutorConfig } from '#config/env';
import type { Venue } from '#domain/names';
import { riskLimitsFrom } from '../evaluator/limits.ts';
import { withPowertools } from '../observability.ts';
import type { EgressFetch, ExecutionStore, VenueOrderClient } from '../ports/execution.ts';
import { type CheckableGate, eligibilityRefresher } from './eligibility-refresh.ts';
import { createExecutorHandler, NOT_SENT_RETRIES_ATTRIBUTE, observeExecution } from './sqs-handler.ts';

/** What an executor is given by its handler module, and by tests and local mode instead of AWS. */
export interface ExecutorClients {
  dynamo: DynamoDBClient;
  /** Sends an open hedge's follow-up orders to the execution queues (EXECUTION_*_QUEUE_URL); without it, none is sent. */
  sqs?: SQSClient;
  /** Tests and local mode: the egress to use instead of one built from EGRESS_PROXY_URLS (or none: direct). */
  egress?: EgressFetch;
  gate?: CheckableGate;
  now?: () => number;
  /** Tests: the wait before a never-sent request's next try (default `notSentDelaySeconds`). */
  notSentDelaySeconds?: (retries: number) => number;
}

/** How one venue is reached: its egress probe, its own eligibility check, its credentials and its order client. */
export interface VenueAccess {
  venue: Venue;
  probeUrl: string;
  eligibility: (fetch: EgressFetch['fetch']) => () => Promise<boolean>;
  /** Loads the credentials if they are not yet; resolves whether they are present (else `credentials_missing`). */
  loadCredentials: () => Promise<boolean>;
  orderClient: (egress: EgressFetch) => VenueOrderClient;
}

const ELIGIBILITY_MAX_AGE_MS = 60_000;

/**
 * A live executor as deployed: venue traffic through the egress (failing over within 15 s), the venue's own
 * eligibility check run again after every egress change and at least every minute in live mode, credentials loaded
 * before each batch until they are there, and the Powertools batch handler over `executeRequest`.
 */
export function createVenueExecutor(
  config: KalshiExecutorConfig | PolymarketExecutorConfig,
  clients: ExecutorClients & { store: ExecutionStore },
  access: VenueAccess,
) {
  const now = clients.now ?? Date.now;
  let refresh: ReturnType<typeof eligibilityRefresher> | undefined;
  const proxies = egressProxyList(config);
  const egress: EgressFetch =
    clients.egress ??
    (proxies.length > 0
      ? createEgressDispatcher({
          proxies,
          probeUrl: access.probeUrl,
          probeIntervalMs: 5_000,
          failoverWithinMs: 15_000,
          onChange: () => refresh?.stale(),
        })
      : { fetch: globalThis.fetch });
  const gate = clients.gate ?? createEligibilityGate({ venues: { [access.venue]: access.eligibility(egress.fetch) } });
  const refresher = eligibilityRefresher({ gate, venue: access.venue, maxAgeMs: ELIGIBILITY_MAX_AGE_MS, now });
  refresh = refresher;
  const queueUrls = { kalshi: config.EXECUTION_KALSHI_QUEUE_URL, polymarket: config.EXECUTION_POLYMARKET_QUEUE_URL };
  const ownQueue = queueUrls[access.venue];
  const sqs = clients.sqs;
  const gates = { tradingMode: config.TRADING_MODE, gate, credentialsPresent: false };

  return withPowertools(
    createExecutorHandler({
      store: clients.store,
      client: access.orderClient(egress),
      gates,
      limits: riskLimitsFrom(config),
      now,
      pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      observe: observeExecution,
      ...(sqs && queueUrls.kalshi && queueUrls.polymarket ? { sendFollowUps: executionSender(sqs, queueUrls) } : {}),
      ...(sqs && ownQueue
        ? {
            requeue: (body: string, delaySeconds: number, retries: number) =>
              sendDelayed(sqs, ownQueue, { body, delaySeconds, attributes: { [NOT_SENT_RETRIES_ATTRIBUTE]: retries } }),
          }
        : {}),
      ...(clients.notSentDelaySeconds ? { notSentDelaySeconds: clients.notSentDelaySeconds } : {}),
      persistenceStore: makeIdempotencyStore(config.IDEMPOTENCY_TABLE, clients.dynamo),
      async beforeBatch() {
        gates.credentialsPresent = await access.loadCredentials();
        if (config.TRADING_MODE === 'live') await refresher.beforeBatch();
      },
    }),
  );
}
