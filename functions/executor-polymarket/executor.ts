import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type pg from 'pg';
import { polymarketGeoblockCheck } from '#adapters/egress/eligibility';
import { createPgExecutionStore } from '#adapters/pg/execution-store';
import {
  createPolymarketOrderClient,
  type PolymarketCredentials,
  polymarketCredentialsSchema,
} from '#adapters/venues/polymarket/orders';
import type { PolymarketExecutorConfig } from '#config/env';
import { createVenueExecutor, type ExecutorClients } from '../../shared/execution/venue-executor.ts';
import { logger } from '../../shared/observability.ts';

export interface PolymarketExecutorClients extends ExecutorClients {
  pool: pg.Pool;
  /** The credentials JSON; by default read from POLYMARKET_CREDENTIALS_SECRET_ARN. */
  credentialsJson?: () => Promise<string | undefined>;
}

/** The Polymarket executor: CLOB V2 orders signed with the wallet's key, Polymarket's geoblock check as its gate. */
export function createPolymarketExecutor(config: PolymarketExecutorConfig, clients: PolymarketExecutorClients) {
  const now = clients.now ?? Date.now;
  const readCredentials =
    clients.credentialsJson ??
    (async () =>
      config.POLYMARKET_CREDENTIALS_SECRET_ARN
        ? ((await getSecret(config.POLYMARKET_CREDENTIALS_SECRET_ARN, { maxAge: 300 })) as string | undefined)
        : undefined);
  let credentials: PolymarketCredentials | undefined;

  return createVenueExecutor(
    config,
    { ...clients, store: createPgExecutionStore(clients.pool, now) },
    {
      venue: 'polymarket',
      probeUrl: `${config.POLYMARKET_CLOB_URL}/time`,
      eligibility: (fetch) => polymarketGeoblockCheck({ fetch, url: config.POLYMARKET_GEOBLOCK_URL }),
      async loadCredentials() {
        if (!credentials) {
          const json = await readCredentials();
          const parsed = json ? polymarketCredentialsSchema.safeParse(safeJson(json)) : undefined;
          if (parsed?.success) credentials = parsed.data;
          // The secret is created before an operator puts the credentials in: until then, orders are credentials_missing.
          else if (parsed) logger.error('the Polymarket credentials secret does not hold the expected JSON');
        }
        return credentials !== undefined;
      },
      orderClient: (egress) =>
        createPolymarketOrderClient({
          baseUrl: config.POLYMARKET_CLOB_URL,
          chainId: config.POLYMARKET_CHAIN_ID,
          egress,
          timeoutMs: config.VENUE_TIMEOUT_MS,
          now,
          credentials: () => {
            if (!credentials) throw new Error('Polymarket credentials are not loaded');
            return credentials;
          },
        }),
    },
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
