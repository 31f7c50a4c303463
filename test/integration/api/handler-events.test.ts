import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryPriceCache } from '../../../shared/adapters/price-cache/in-memory.ts';
import type { TestDatabase } from '../../support/pg.ts';
import { httpApiEvent as event } from './harness.ts';

/** The Lambda handler invoked directly with API Gateway v2 events shaped as the JWT authorizer sends them. */
type Invoke = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
let invoke: Invoke;
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  const [
    { createApiHandler },
    { apiDepsFromConfig },
    { apiConfig, loadConfig },
    { localLambdaContext },
    pg,
    clients,
    secrets,
  ] = await Promise.all([
    import('../../../functions/api/app.ts'),
    import('../../../functions/api/deps.ts'),
    import('#config/env'),
    import('../../../local/lambda-context.ts'),
    import('../../support/pg.ts'),
    import('#adapters/aws/clients'),
    import('../../../shared/adapters/secrets/local-file.ts'),
  ]);
  db = await pg.createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'sharpline-handler-'));
  const handler = createApiHandler(
    apiDepsFromConfig(
      loadConfig(apiConfig),
      db.rolePool('api'),
      secrets.createLocalSecretsProvider(join(dir, 'secrets.json')),
      {
        sqs: clients.makeSqsClient('http://127.0.0.1:1'),
        browserJobsQueueUrl: undefined,
        dynamo: clients.makeDynamoClient('http://127.0.0.1:1'),
        idempotencyTable: undefined,
        priceCache: createInMemoryPriceCache(),
        now: () => new Date(),
      },
    ),
    { timeoutEarlyInMillis: 0 },
  );
  invoke = (e) => handler(e, localLambdaContext('sharpline-api-test'));
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

const body = (res: APIGatewayProxyStructuredResultV2) => JSON.parse(res.body ?? 'null');

describe('handler with API Gateway events', () => {
  it('reads sub and role from requestContext.authorizer.jwt.claims', async () => {
    const ok = await invoke(event('GET', '/v1/bankroll', { claims: { sub: 'alice', role: 'viewer' } }));
    expect(ok.statusCode).toBe(200);
    expect(body(ok).items).toHaveLength(2);
    expect((await invoke(event('GET', '/v1/bankroll'))).statusCode).toBe(401);
    expect((await invoke(event('GET', '/v1/bankroll', { claims: { sub: 'alice' } }))).statusCode).toBe(403);
    const odd = await invoke(event('GET', '/v1/bankroll', { claims: { sub: 'alice', role: 'superuser' } }));
    expect(odd.statusCode).toBe(403);
    expect(body(odd)).toEqual({ error: { code: 'forbidden', message: expect.any(String), details: [] } });
  });

  it('decodes base64 bodies and rejects those over 256 KiB with 413 before routing', async () => {
    const claims = { sub: 'alice', role: 'admin' };
    const good = Buffer.from(JSON.stringify({ engaged: false, reason: 'base64 body' })).toString('base64');
    const put = await invoke(event('PUT', '/v1/kill-switch', { claims, body: good, base64: true }));
    expect(put.statusCode).toBe(200);
    expect(body(put)).toMatchObject({ reason: 'base64 body', updatedBy: 'alice' });
    const big = Buffer.alloc(256 * 1024 + 1, 0x20).toString('base64');
    const tooBig = await invoke(event('PUT', '/v1/kill-switch', { claims, body: big, base64: true }));
    expect(tooBig.statusCode).toBe(413);
    expect(body(tooBig).error.code).toBe('payload_too_large');
  });

  it('answers 503, not 500, when the queue for jobs is not configured, and writes nothing', async () => {
    const claims = { sub: 'alice', role: 'trader' };
    const res = await invoke({
      ...event('POST', '/v1/jobs', {
        claims,
        body: JSON.stringify({ type: 'check_odds', payload: { sportsbook: 'dk', eventUrl: 'https://b.test/e' } }),
      }),
      headers: { 'idempotency-key': 'k' },
    });
    expect(res.statusCode).toBe(503);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM jobs');
    expect(rows[0].n).toBe(0);
  });

  it('serves path ids behind the deployed catch-all route, whose events also carry pathParameters.proxy', async () => {
    const claims = { sub: 'alice', role: 'trader' };
    const created = await invoke(
      event('POST', '/v1/consents', {
        claims,
        body: JSON.stringify({ scope: 'store_session', sportsbook: 'dk', textVersion: 'v1' }),
      }),
    );
    expect(created.statusCode).toBe(201);
    const id = body(created).id as string;
    const path = `/v1/consents/${id}`;
    const res = await invoke({
      ...event('DELETE', path, { claims }),
      routeKey: 'ANY /{proxy+}',
      pathParameters: { proxy: path.slice(1) },
    });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ id, status: 'revoked' });
  });

  it('answers 400, not 500, to JSON nested deeper than the validator can walk, and writes nothing', async () => {
    const claims = { sub: 'alice', role: 'trader' };
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const raw = `{"sportsbook":"dk","consentId":"00000000-0000-4000-8000-000000000000","sessionData":${deep}}`;
    const res = await invoke(event('POST', '/v1/sessions', { claims, body: raw }));
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toMatchObject({ code: 'invalid_request', message: 'body is nested too deeply' });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM sportsbook_sessions');
    expect(rows[0].n).toBe(0);
  });
});
