/**
 * Where secrets come from: Secrets Manager in AWS, a generated file under `.data/` locally. Callers name the secret
 * they need; the provider maps the name to its store.
 */
export type SecretName = 'session-data-key';

export interface SecretsProvider {
  /** `fresh` skips any cache: for a caller that just met a key id its cached value does not know (a rotation). */
  getSecret(name: SecretName, opts?: { fresh?: boolean }): Promise<string>;
}
