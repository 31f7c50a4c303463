/**
 * Kalshi API-key auth (REFERENCE.md 1.2): RSA-PSS over SHA-256, salt as long as the digest, of
 * `<timestamp ms><METHOD><path without the query>`, sent as three headers on every request and on the WS upgrade.
 */
import { constants, createPrivateKey, type KeyObject, sign } from 'node:crypto';

export interface KalshiAuthHeaders {
  'KALSHI-ACCESS-KEY': string;
  'KALSHI-ACCESS-TIMESTAMP': string;
  'KALSHI-ACCESS-SIGNATURE': string;
}

/** Signs one request: `path` is the URL path from the host (`/trade-api/v2/...`); a query string is not signed. */
export type KalshiSigner = (method: string, path: string) => KalshiAuthHeaders;

export function kalshiSignatureMessage(timestampMs: number, method: string, path: string): string {
  return `${timestampMs}${method.toUpperCase()}${path.split('?')[0]}`;
}

/** `privateKey` (PEM or a KeyObject) is the RSA key Kalshi hands out once when the API key is created. */
export function createKalshiSigner(options: {
  keyId: string;
  privateKey: string | KeyObject;
  now: () => number;
}): KalshiSigner {
  const key = typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  return (method, path) => {
    const timestampMs = options.now();
    const signature = sign('sha256', Buffer.from(kalshiSignatureMessage(timestampMs, method, path)), {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
    return {
      'KALSHI-ACCESS-KEY': options.keyId,
      'KALSHI-ACCESS-TIMESTAMP': String(timestampMs),
      'KALSHI-ACCESS-SIGNATURE': signature.toString('base64'),
    };
  };
}
