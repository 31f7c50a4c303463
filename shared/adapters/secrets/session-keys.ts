import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { open, type SealedBox, seal } from '../crypto/session-cipher.ts';
import type { SecretsProvider } from './provider.ts';

/**
 * The sportsbook-session data keys. The `session-data-key` secret holds either one base64 AES-256 key (as the data
 * stack generates it) or a keyring, `{"current": "<base64>", "previous": ["<base64>", ...]}`: new data is sealed with
 * `current`, and rows sealed with an older key stay readable while `sessions:rekey` re-seals them. Rows name their key
 * by fingerprint (`key_id`), so a reader picks the right key without trying each.
 *
 * One JSON secret rather than Secrets Manager versions: a staging label reaches only AWSCURRENT and AWSPREVIOUS, so a
 * second rotation before the re-seal finished would strand rows; the keyring says explicitly which keys are live,
 * every reader gets all of them in one cached GetSecretValue, and a key leaves it only when no row still names it.
 */
export interface SessionKey {
  id: string;
  key: Buffer;
}

export interface SessionKeyring {
  current: SessionKey;
  /** Every key in the ring, current included, by id. */
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_BYTES = 32;
const keyringSchema = z.strictObject({ current: z.string().min(1), previous: z.array(z.string().min(1)).default([]) });
export type KeyringSecret = z.infer<typeof keyringSchema>;

/** `session-data-key:` and the first 16 hex digits of the key's SHA-256: names a key without revealing it. */
export function sessionKeyId(key: Buffer): string {
  return `session-data-key:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

function decodeKey(base64: string): SessionKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`a session data key must decode to ${KEY_BYTES} bytes`);
  return { id: sessionKeyId(key), key };
}

export function parseKeyringSecret(raw: string): KeyringSecret {
  const trimmed = raw.trim();
  return trimmed.startsWith('{') ? keyringSchema.parse(JSON.parse(trimmed)) : { current: trimmed, previous: [] };
}

export function parseSessionKeyring(raw: string): SessionKeyring {
  const secret = parseKeyringSecret(raw);
  const current = decodeKey(secret.current);
  const byId = new Map([current, ...secret.previous.map(decodeKey)].map((k) => [k.id, k.key]));
  return { current, byId };
}

/** A keyring whose current key is a fresh random one and whose previous keys are all the old ring's keys. */
export function rotatedKeyringSecret(raw: string): KeyringSecret {
  const old = parseKeyringSecret(raw);
  return { current: randomBytes(KEY_BYTES).toString('base64'), previous: [old.current, ...old.previous] };
}

export async function getSessionKeyring(
  provider: SecretsProvider,
  opts?: { fresh?: boolean },
): Promise<SessionKeyring> {
  return parseSessionKeyring(await provider.getSecret('session-data-key', opts));
}

/** The key new session data is sealed with. */
export async function getSessionDataKey(provider: SecretsProvider): Promise<Buffer> {
  return (await getSessionKeyring(provider)).current.key;
}

/**
 * The key a row names. A key id the cached ring does not know means the secret was rotated since it was cached:
 * read it once more, uncached, before calling the row unreadable.
 */
export async function sessionKeyById(provider: SecretsProvider, keyId: string): Promise<Buffer> {
  const cached = (await getSessionKeyring(provider)).byId.get(keyId);
  if (cached) return cached;
  const fresh = (await getSessionKeyring(provider, { fresh: true })).byId.get(keyId);
  if (!fresh) throw new Error(`session data key ${keyId} is not in the keyring`);
  return fresh;
}

/** What a stored session holds: the sealed box and the id of the key that sealed it. */
export interface SealedSessionBox extends SealedBox {
  keyId: string;
}

/** The ciphertext is bound to its row and owner, so it cannot be moved to another session or user. */
const aadFor = (sessionId: string, userId: string) => `sportsbook_session:${sessionId}:${userId}`;

export function sealSessionData(key: SessionKey, sessionId: string, userId: string, data: unknown): SealedSessionBox {
  const box = seal(key.key, Buffer.from(JSON.stringify(data), 'utf8'), aadFor(sessionId, userId));
  return { ...box, keyId: key.id };
}

export function openSessionData(key: Buffer, sessionId: string, userId: string, box: SealedBox): unknown {
  return JSON.parse(open(key, box, aadFor(sessionId, userId)).toString('utf8'));
}
