import { readFile } from 'node:fs/promises';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../../local/api/jwt.ts';
import { type ApiStack, httpApiEvent, startApiStack } from './harness.ts';

/**
 * One table of claim cases, answered by both paths a request can take: locally, a token signed with the local key
 * through the local server (its verifier plays the JWT authorizer); deployed, the claims as API Gateway's JWT
 * authorizer hands them to the same handler. `gateway` is what the deployed authorizer does with such a token (AWS
 * docs: signature, `iss`, `aud`, a present and future `exp`, `nbf` are checked; nothing else): a refused token never
 * reaches the Lambda, and API Gateway answers 401 itself.
 */
interface ClaimCase {
  name: string;
  claims: Record<string, unknown>;
  gateway: 'admits' | 'refuses';
  status: number;
}

const nowSeconds = Math.floor(Date.now() / 1000);
const base = { iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'alice', role: 'trader', iat: nowSeconds };
const valid = { ...base, exp: nowSeconds + 600 };
const without = (name: keyof typeof valid) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== name));

const cases: ClaimCase[] = [
  { name: 'a trader', claims: valid, gateway: 'admits', status: 200 },
  { name: 'an admin', claims: { ...valid, role: 'admin' }, gateway: 'admits', status: 200 },
  { name: 'no role', claims: without('role'), gateway: 'admits', status: 403 },
  { name: 'an unknown role', claims: { ...valid, role: 'superuser' }, gateway: 'admits', status: 403 },
  { name: 'a role below the route', claims: { ...valid, role: 'viewer' }, gateway: 'admits', status: 403 },
  { name: 'the worker role on a human route', claims: { ...valid, role: 'worker' }, gateway: 'admits', status: 403 },
  { name: 'no sub', claims: without('sub'), gateway: 'admits', status: 401 },
  { name: 'an empty sub', claims: { ...valid, sub: '' }, gateway: 'admits', status: 401 },
  { name: 'no exp', claims: base, gateway: 'refuses', status: 401 },
  { name: 'an exp in the past', claims: { ...valid, exp: nowSeconds - 60 }, gateway: 'refuses', status: 401 },
  { name: 'an nbf in the future', claims: { ...valid, nbf: nowSeconds + 600 }, gateway: 'refuses', status: 401 },
  { name: 'another issuer', claims: { ...valid, iss: 'https://issuer.test/' }, gateway: 'refuses', status: 401 },
  { name: 'another audience', claims: { ...valid, aud: 'another-api' }, gateway: 'refuses', status: 401 },
];

/** API Gateway passes every claim to the Lambda as a string. */
const asAuthorizerClaims = (claims: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, String(value)]));

let stack: ApiStack;
let sign: (claims: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  stack = await startApiStack();
  const file = JSON.parse(await readFile(stack.jwtKeyFile, 'utf8')) as { privateJwk: JWK };
  const key = await importJWK(file.privateJwk, 'ES256');
  sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(key);
});
afterAll(() => stack?.stop());

describe('token claims answer alike locally and deployed (GET /v1/jobs, trader and up)', () => {
  it.each(cases)('$name: $status', async ({ claims, gateway, status }) => {
    const local = await stack.call('GET', '/v1/jobs', { token: await sign(claims) });
    const deployed =
      gateway === 'refuses'
        ? 401
        : (await stack.invoke(httpApiEvent('GET', '/v1/jobs', { claims: asAuthorizerClaims(claims) }))).statusCode;
    expect({ local: local.status, deployed }).toEqual({ local: status, deployed: status });
  });

  it('no token: 401 both ways', async () => {
    expect((await stack.call('GET', '/v1/jobs')).status).toBe(401);
    expect((await stack.invoke(httpApiEvent('GET', '/v1/jobs'))).statusCode).toBe(401);
  });
});
