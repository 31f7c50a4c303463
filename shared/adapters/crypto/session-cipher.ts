import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for sportsbook session data. A fresh 96-bit IV per encryption; the additional authenticated data binds
 * a ciphertext to its row (session id and owner), so a ciphertext copied onto another row fails to decrypt.
 */
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

export interface SealedBox {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`data key must be ${KEY_BYTES} bytes, got ${key.length}`);
}

export function seal(key: Buffer, plaintext: Buffer, aad: string): SealedBox {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag() };
}

export function open(key: Buffer, box: SealedBox, aad: string): Buffer {
  checkKey(key);
  // Node would accept a tag cut down to 4 bytes (and any IV length): insist on the full sizes we wrote.
  if (box.iv.length !== IV_BYTES || box.authTag.length !== TAG_BYTES) {
    throw new Error('sealed box has the wrong IV or tag length');
  }
  const decipher = createDecipheriv(ALGORITHM, key, box.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(box.authTag);
  return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
}
