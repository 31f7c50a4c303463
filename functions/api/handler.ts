import { createPool } from '#adapters/pg/pool';
import { apiConfig, loadConfig } from '#config/env';
import { secretsProviderFromConfig } from '../../shared/adapters/secrets/from-config.ts';
import { createApiHandler } from './app.ts';
import { apiDepsFromConfig } from './deps.ts';

/** The HTTP API Lambda. Clients are built once per container, at module scope, and reused across invocations. */
const config = loadConfig(apiConfig);

export const handler = createApiHandler(
  apiDepsFromConfig(config, createPool({ component: 'api' }, config), secretsProviderFromConfig(config)),
);
