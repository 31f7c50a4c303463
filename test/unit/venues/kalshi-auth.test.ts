import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKalshiSigner, kalshiSignatureMessage } from '#adapters/venues/kalshi/auth';

describe('Kalshi request signing (RSA-PSS, SHA-256, salt = digest length)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const signer = createKalshiSigner({ keyId: 'key-uuid', privateKey: pem, now: () => 1703123456789 });

  it('signs <timestamp ms><METHOD><path> without the query string', () => {
    expect(kalshiSignatureMessage(1703123456789, 'get', '/trade-api/v2/portfolio/orders?limit=5')).toBe(
      '1703123456789GET/trade-api/v2/portfolio/orders',
    );
  });

  it('sends the key id, the timestamp and a signature the public key verifies over the exact message', () => {
    const headers = signer('GET', '/trade-api/v2/portfolio/balance?x=1');
    expect(headers['KALSHI-ACCESS-KEY']).toBe('key-uuid');
    expect(headers['KALSHI-ACCESS-TIMESTAMP']).toBe('1703123456789');
    const signature = Buffer.from(headers['KALSHI-ACCESS-SIGNATURE'], 'base64');
    const check = (message: string, saltLength: number) =>
      verify(
        'sha256',
        Buffer.from(message),
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
        signature,
      );
    expect(check('1703123456789GET/trade-api/v2/portfolio/balance', 32)).toBe(true);
    expect(check('1703123456789GET/trade-api/v2/portfolio/balance?x=1', 32)).toBe(false);
    expect(check('1703123456789POST/trade-api/v2/portfolio/balance', 32)).toBe(false);
    // PSS verification with a fixed salt length fails unless the signer used exactly 32 bytes.
    expect(check('1703123456789GET/trade-api/v2/portfolio/balance', 20)).toBe(false);
  });

  it('is randomized, as PSS is: two signatures of one message differ and both verify', () => {
    const a = signer('GET', '/trade-api/ws/v2')['KALSHI-ACCESS-SIGNATURE'];
    const b = signer('GET', '/trade-api/ws/v2')['KALSHI-ACCESS-SIGNATURE'];
    expect(a).not.toBe(b);
  });
});
