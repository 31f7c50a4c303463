import type { ApiConfig } from '#config/env';
import { createLocalSecretsProvider } from './local-file.ts';
import type { SecretsProvider } from './provider.ts';
import { createSecretsManagerProvider } from './secrets-manager.ts';

/** Secrets Manager when its ARN is configured; the generated local file only in local mode, never silently in AWS. */
export function secretsProviderFromConfig(
  config: Pick<ApiConfig, 'SESSION_KEY_SECRET_ARN' | 'STAGE' | 'LOCAL_SECRETS_FILE'>,
): SecretsProvider {
  if (config.SESSION_KEY_SECRET_ARN) {
    return createSecretsManagerProvider({ 'session-data-key': config.SESSION_KEY_SECRET_ARN });
  }
  if (config.STAGE !== 'local') throw new Error(`SESSION_KEY_SECRET_ARN is required when STAGE is ${config.STAGE}`);
  return createLocalSecretsProvider(config.LOCAL_SECRETS_FILE);
}
