import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type pg from 'pg';
import { kalshiExchangeStatusCheck } from '#adapters/egress/eligibility';
import { createPgExecutionStore } from '#adapters/pg/execution-store';
import { createKalshiSigner, type KalshiSigner } from '#adapters/venues/kalshi/auth';
import { createKalshiOrderClient } from '#adapters/venues/kalshi/orders';
import type { KalshiExecutorConfig } from '#config/env';
import { createVenueExecutor, type ExecutorClients } from '../../shared/execution/venue-executor.ts';
import { logger } from '../../shared/observability.ts';

export interface KalshiExecutorClients extends ExecutorClients {
  pool: pg.Pool;
  /** The private key PEM; by default read from KALSHI_PRIVATE_KEY_SECRET_ARN. */
  privateKeyPem?: () => Promise<string | undefined>;
}

/** The Kalshi executor: orders signed with the API key (RSA-PSS), the exchange status as its eligibility check. */
export function createKalshiExecutor(config: KalshiExecutorConfig, clients: KalshiExecutorClients) {
  const now = clients.now ?? Date.now;
  const readPem =
    clients.privateKeyPem ??
    (async () =>
      config.KALSHI_PRIVATE_KEY_SECRET_ARN
        ? ((await getSecret(config.KALSHI_PRIVATE_KEY_SECRET_ARN, { maxAge: 300 })) as string | undefined)
        : undefined);
  let signer: KalshiSigner | undefined;

  return createVenueExecutor(
    config,
    { ...clients, store: createPgExecutionStore(clients.pool, now) },
    {
      venue: 'kalshi',
      probeUrl: `${config.KALSHI_REST_URL}/exchange/status`,
      eligibility: (fetch) => kalshiExchangeStatusCheck({ fetch, baseUrl: config.KALSHI_REST_URL }),
      async loadCredentials() {
        if (!signer && config.KALSHI_API_KEY_ID) {
          const pem = await readPem();
          try {
            if (pem) signer = createKalshiSigner({ keyId: config.KALSHI_API_KEY_ID, privateKey: pem, now });
          } catch (error) {
            // The secret is created before an operator puts the key in: until then, orders are credentials_missing.
            logger.error('the Kalshi private key secret holds no usable PEM', { error: String(error) });
          }
        }
        return signer !== undefined;
      },
      orderClient: (egress) =>
        createKalshiOrderClient({
          baseUrl: config.KALSHI_REST_URL,
          egress,
          timeoutMs: config.VENUE_TIMEOUT_MS,
          signer: (method, path) => {
            if (!signer) throw new Error('Kalshi credentials are not loaded');
            return signer(method, path);
          },
        }),
    },
  );
}
