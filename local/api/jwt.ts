import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

/**
 * Local stand-in for the HTTP API JWT authorizer: an ES256 key pair generated once under `.data/`, used by the `token`
 * CLI to sign and by the local server to verify. It refuses what API Gateway's authorizer refuses (signature, issuer,
 * audience, a missing or past `exp`, a future `nbf`) and passes every claim on as API Gateway does, so the handler
 * alone judges `sub` and `role` in both places. `sub` is required here too: the handler answers 401 without it.
 */
const ALG = 'ES256';
export const LOCAL_ISSUER = 'sharpline-local';
export const LOCAL_AUDIENCE = 'sharpline-api';
export const DEFAULT_KEY_FILE = '.data/jwt-signing-key.json';

const keyFileSchema = z.object({
  privateJwk: z.record(z.string(), z.unknown()),
  publicJwk: z.record(z.string(), z.unknown()),
});

export interface LocalJwtKeys {
  sign(claims: { sub: string; role: string }, ttlSeconds?: number): Promise<string>;
  /**
   * The verified claims as the authorizer puts them on the event (every value a string); rejects on a bad signature,
   * issuer, audience, expiry, or a missing `exp` or `sub`.
   */
  verify(token: string): Promise<Record<string, string>>;
}

async function readOrCreateKeyFile(filePath: string): Promise<z.infer<typeof keyFileSchema>> {
  // The file itself is 0600; the folder stays traversable: it also holds Postgres's data, run as `postgres`.
  await mkdir(dirname(filePath), { recursive: true });
  try {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const contents = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    await writeFile(filePath, JSON.stringify(contents), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return keyFileSchema.parse(JSON.parse(await readFile(filePath, 'utf8')));
}

/** API Gateway hands claims to the Lambda as strings: numbers and booleans as text, arrays as `[a b]`. */
function asAuthorizerClaims(payload: Record<string, unknown>): Record<string, string> {
  const text = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? `[${value.map(text).join(' ')}]`
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value)
          : String(value);
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, text(value)]));
}

export async function loadLocalJwtKeys(filePath = DEFAULT_KEY_FILE): Promise<LocalJwtKeys> {
  const file = await readOrCreateKeyFile(filePath);
  const privateKey = await importJWK(file.privateJwk as JWK, ALG);
  const publicKey = await importJWK(file.publicJwk as JWK, ALG);
  return {
    sign: ({ sub, role }, ttlSeconds = 3600) =>
      new SignJWT({ role })
        .setProtectedHeader({ alg: ALG })
        .setSubject(sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    verify: async (token) => {
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: [ALG],
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      });
      return asAuthorizerClaims(payload);
    },
  };
}
