import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { open, seal } from '../../../shared/adapters/crypto/session-cipher.ts';

const key = randomBytes(32);

describe('session cipher (AES-256-GCM)', () => {
  it('refuses a truncated tag, which Node would otherwise check on its first 4 bytes only', () => {
    const box = seal(key, Buffer.from('{"cookie":"x"}'), 'row');
    expect(() => open(key, { ...box, authTag: box.authTag.subarray(0, 4) }, 'row')).toThrow(/tag length/);
    expect(() => open(key, { ...box, iv: Buffer.concat([box.iv, Buffer.alloc(4)]) }, 'row')).toThrow(/IV/);
  });

  it('round-trips any bytes and never leaves the plaintext in the sealed parts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 2048 }), fc.string(), (bytes, aad) => {
        const plaintext = Buffer.from(bytes);
        const box = seal(key, plaintext, aad);
        expect(box.iv).toHaveLength(12);
        expect(box.authTag).toHaveLength(16);
        expect(open(key, box, aad).equals(plaintext)).toBe(true);
      }),
    );
    const secret = Buffer.from('{"cookie":"super-secret-value"}');
    expect(seal(key, secret, 'a').ciphertext.includes(Buffer.from('super-secret'))).toBe(false);
  });

  it('uses a fresh IV per encryption', () => {
    const a = seal(key, Buffer.from('same'), 'aad');
    const b = seal(key, Buffer.from('same'), 'aad');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('rejects a changed ciphertext, tag, AAD or key', () => {
    const box = seal(key, Buffer.from('session data'), 'session:1:alice');
    const flipped = Buffer.from(box.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => open(key, { ...box, ciphertext: flipped }, 'session:1:alice')).toThrow();
    expect(() => open(key, { ...box, authTag: randomBytes(16) }, 'session:1:alice')).toThrow();
    expect(() => open(key, box, 'session:1:bob')).toThrow();
    expect(() => open(randomBytes(32), box, 'session:1:alice')).toThrow();
    expect(() => seal(randomBytes(16), Buffer.from('x'), 'a')).toThrow(/32 bytes/);
  });
});
