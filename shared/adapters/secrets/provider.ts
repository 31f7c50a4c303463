/**
 * Where secrets come from: Secrets Manager in AWS, a generated file under `.data/` locally. Callers name the secret
 * they need; the provider maps the name to its store.
 */
export type SecretName = 'session-data-key';

export interface SecretsProvider {
  getSecret(name: SecretName): Promise<string>;
}

/** The AES-256 data key for sportsbook sessions, stored base64-encoded. */
export async function getSessionDataKey(provider: SecretsProvider): Promise<Buffer> {
  const key = Buffer.from(await provider.getSecret('session-data-key'), 'base64');
  if (key.length !== 32) throw new Error('session-data-key must decode to 32 bytes');
  return key;
}
