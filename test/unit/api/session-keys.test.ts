import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretsProvider } from '../../../shared/adapters/secrets/provider.ts';
import {
  openSessionData,
  parseSessionKeyring,
  rotatedKeyringSecret,
  sealSessionData,
  sessionKeyById,
  sessionKeyId,
} from '../../../shared/adapters/secrets/session-keys.ts';

const b64 = () => randomBytes(32).toString('base64');

describe('session keyring secret', () => {
  it('reads a bare key (as the data stack generates it) as a ring of one', () => {
    const key = b64();
    const ring = parseSessionKeyring(key);
    expect(ring.current.id).toBe(sessionKeyId(Buffer.from(key, 'base64')));
    expect([...ring.byId.keys()]).toEqual([ring.current.id]);
  });

  it('reads the JSON ring: current first, every previous key by its fingerprint', () => {
    const [current, old1, old2] = [b64(), b64(), b64()];
    const ring = parseSessionKeyring(JSON.stringify({ current, previous: [old1, old2] }));
    expect(ring.current.key.toString('base64')).toBe(current);
    expect([...ring.byId.keys()]).toEqual([current, old1, old2].map((k) => sessionKeyId(Buffer.from(k, 'base64'))));
  });

  it('refuses a key of the wrong length and an unknown field', () => {
    expect(() => parseSessionKeyring(randomBytes(16).toString('base64'))).toThrow('must decode to 32 bytes');
    expect(() => parseSessionKeyring(JSON.stringify({ current: b64(), previous: ['short'] }))).toThrow(
      'must decode to 32 bytes',
    );
    expect(() => parseSessionKeyring(JSON.stringify({ current: b64(), next: b64() }))).toThrow();
  });

  it('rotates to a fresh current key and keeps every old one, newest first', () => {
    const [current, old] = [b64(), b64()];
    const rotated = rotatedKeyringSecret(JSON.stringify({ current, previous: [old] }));
    expect(rotated.previous).toEqual([current, old]);
    expect([current, old]).not.toContain(rotated.current);
    expect(rotatedKeyringSecret(current).previous).toEqual([current]);
  });
});

describe('sessionKeyById', () => {
  it('reads the secret again, uncached, when a row names a key its cached ring does not have', async () => {
    const [old, rotated] = [b64(), b64()];
    const calls: boolean[] = [];
    // A reader whose cache still holds the ring from before the rotation.
    const provider: SecretsProvider = {
      getSecret: async (_name, opts) => {
        calls.push(opts?.fresh ?? false);
        return opts?.fresh ? JSON.stringify({ current: rotated, previous: [old] }) : old;
      },
    };
    const ring = parseSessionKeyring(rotated);
    const box = sealSessionData(ring.current, 's1', 'u1', { a: 1 });
    const key = await sessionKeyById(provider, box.keyId);
    expect(openSessionData(key, 's1', 'u1', box)).toEqual({ a: 1 });
    expect(calls).toEqual([false, true]);
    await expect(sessionKeyById(provider, 'session-data-key:ffffffffffffffff')).rejects.toThrow('not in the keyring');
  });

  it('binds sealed data to its session and owner', () => {
    const { current } = parseSessionKeyring(b64());
    const box = sealSessionData(current, 's1', 'u1', { a: 1 });
    expect(() => openSessionData(current.key, 's2', 'u1', box)).toThrow();
    expect(() => openSessionData(current.key, 's1', 'u2', box)).toThrow();
  });
});
