import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretName, SecretsProvider } from './provider.ts';

/** Cached for five minutes per container, so a rotated secret is picked up without a cold start. */
const MAX_AGE_SECONDS = 300;

/** Secrets Manager through Powertools Parameters; `secretIds` maps each name to its ARN. */
export function createSecretsManagerProvider(secretIds: Record<SecretName, string>): SecretsProvider {
  return {
    async getSecret(name, opts) {
      const value = await getSecret(secretIds[name], { maxAge: MAX_AGE_SECONDS, forceFetch: opts?.fresh ?? false });
      if (typeof value !== 'string') throw new Error(`secret ${name} is not a string`);
      return value;
    },
  };
}
