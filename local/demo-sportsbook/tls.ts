import { createHash, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface DemoTls {
  keyPem: string;
  certPem: string;
}

/** A self-signed certificate for the demo origin, made at start (node:crypto cannot write X.509 certificates). */
export async function makeDemoCertificate(): Promise<DemoTls> {
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const generated = await generate([{ name: 'commonName', value: 'sharpline demo sportsbook' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 30 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { keyPem: generated.private, certPem: generated.cert };
}

/**
 * Base64 sha256 of the certificate's SubjectPublicKeyInfo: Chromium's `--ignore-certificate-errors-spki-list`
 * takes it and then trusts that one key, unlike a blanket "ignore HTTPS errors".
 */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
