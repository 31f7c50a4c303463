import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceCacheFromConfig } from '../../../shared/adapters/price-cache/from-config.ts';
import { createRedisPriceCache } from '../../../shared/adapters/price-cache/redis.ts';
import type { PriceCache } from '../../../shared/ports/price-cache.ts';
import { findRedis } from '../../support/redis.ts';
import { type ApiStack, startApiStack } from './harness.ts';

interface Report {
  status: string;
  dependencies: { name: string; status: string; critical: boolean; latencyMs: number; detail?: string }[];
}

const dependency = (body: unknown, name: string) => (body as Report).dependencies.find((d) => d.name === name);

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('health with every dependency up', () => {
  let stack: ApiStack;
  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.stop());

  it('answers /health, /live and /ready without a token', async () => {
    for (const path of ['/health', '/health/live', '/health/ready']) {
      const res = await stack.call('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok' });
    }
  });

  it('reports each dependency with status, latency and criticality', async () => {
    const res = await stack.call('GET', '/health/detailed');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
    expect(dependency(res.body, 'database')).toMatchObject({ status: 'up', critical: true });
    expect(dependency(res.body, 'cache')).toMatchObject({
      status: 'up',
      critical: false,
      detail: expect.stringMatching(/in-memory/),
    });
    expect(dependency(res.body, 'queues')).toMatchObject({ status: 'up', critical: false });
    expect(dependency(res.body, 'idempotencyTable')).toMatchObject({
      status: 'up',
      detail: expect.stringMatching(/not configured/),
    });
    for (const d of (res.body as Report).dependencies) expect(d.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('health of real and broken dependencies', () => {
  const dir = { path: '' };
  let pg: { url: string; stop(): Promise<void> };
  let dynamo: { endpoint: string; stop(): Promise<void> };
  let server: { url: string; stop(): Promise<void> };
  let pool: import('pg').Pool;
  let token: string;
  let cache: PriceCache;

  beforeAll(async () => {
    dir.path = await mkdtemp(join(tmpdir(), 'sharpline-health-'));
    const [{ startApiServer }, { loadLocalJwtKeys }, { startEmbeddedPostgres }, { createPool }, dyn, clients] =
      await Promise.all([
        import('../../../local/api/server.ts'),
        import('../../../local/api/jwt.ts'),
        import('#adapters/pg/embedded'),
        import('#adapters/pg/pool'),
        import('../../../local/emulators/dynamodb.ts'),
        import('#adapters/aws/clients'),
      ]);
    // A Postgres of its own, so the test can stop it without disturbing any other test. Its data directory is a
    // fresh temp dir: as root the server runs as the `postgres` user, who must own it.
    [pg, dynamo] = await Promise.all([
      startEmbeddedPostgres({
        dataDir: await mkdtemp(join(tmpdir(), 'sharpline-health-pg-')),
        persistent: false,
        fast: true,
      }),
      dyn.startDynamoEmulator(),
    ]);
    const dynamoClient = clients.makeDynamoClient(dynamo.endpoint);
    await dyn.createIdempotencyTable(dynamoClient, 'health-idempotency');
    pool = createPool({ connectionString: pg.url, max: 2 });
    const jwtKeyFile = join(dir.path, 'jwt.json');
    token = await (await loadLocalJwtKeys(jwtKeyFile)).sign({ sub: 'alice', role: 'trader' });
    cache = createRedisPriceCache({ url: `redis://127.0.0.1:${await closedPort()}` });
    server = await startApiServer({
      pool,
      jwtKeyFile,
      deps: {
        dynamo: dynamoClient,
        idempotencyTable: 'health-idempotency',
        priceCache: cache,
        sqs: clients.makeSqsClient(`http://127.0.0.1:${await closedPort()}`),
        browserJobsQueueUrl: 'http://127.0.0.1:1/000000000000/browser-jobs',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await cache?.close();
    await pool?.end().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    await dynamo?.stop();
    await rm(dir.path, { recursive: true, force: true });
  });

  const get = async (path: string, bearer?: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('is degraded, not down, when only non-critical dependencies fail', async () => {
    const res = await get('/health/detailed');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'degraded' });
    expect(dependency(res.body, 'database')).toMatchObject({ status: 'up' });
    expect(dependency(res.body, 'idempotencyTable')).toMatchObject({ status: 'up', critical: false });
    expect(dependency(res.body, 'cache')).toMatchObject({ status: 'down', critical: false });
    expect(dependency(res.body, 'queues')).toMatchObject({ status: 'down', critical: false });
  });

  it('answers 503 with the database marked down once Postgres stops, and routes fail with 503, not a crash', async () => {
    await pg.stop();
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(dependency(ready.body, 'database')).toMatchObject({ status: 'down', critical: true });
    const detailed = await get('/health/detailed');
    expect(detailed.status).toBe(503);
    expect(detailed.body).toMatchObject({ status: 'down' });
    expect(dependency(detailed.body, 'idempotencyTable')).toMatchObject({ status: 'up' });
    expect((await get('/health/live')).status).toBe(200);
    const route = await get('/v1/consents', token);
    expect(route.status).toBe(503);
    expect(route.body).toMatchObject({ error: { code: 'unavailable' } });
  });
});

const redisUrl = await findRedis();
if (!redisUrl) {
  console.log(
    '[health] no Redis (REDIS_URL unset, nothing on 127.0.0.1:6379): the real-Redis cache probe test is skipped',
  );
}

describe('cache probe of the configured price cache', () => {
  const probeConfigured = async (config: { REDIS_URL?: string }) => {
    const [{ checkHealth }, { cacheProbe }] = await Promise.all([
      import('../../../shared/api/health.ts'),
      import('../../../shared/adapters/health-probes.ts'),
    ]);
    const configured = priceCacheFromConfig(config);
    try {
      return await checkHealth([cacheProbe(configured)]);
    } finally {
      await configured.close();
    }
  };

  it('reports the in-memory cache when REDIS_URL is unset', async () => {
    expect(await probeConfigured({})).toMatchObject({
      status: 'ok',
      dependencies: [{ name: 'cache', status: 'up', detail: expect.stringMatching(/in-memory/) }],
    });
  });

  it('reports a configured Redis that does not answer as down', async () => {
    expect(await probeConfigured({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` })).toMatchObject({
      status: 'degraded',
      dependencies: [{ name: 'cache', status: 'down' }],
    });
  });

  it.skipIf(!redisUrl)('reports a configured Redis up when it answers PING through the ioredis adapter', async () => {
    const report = await probeConfigured({ REDIS_URL: redisUrl });
    expect(report).toMatchObject({ status: 'ok', dependencies: [{ name: 'cache', status: 'up' }] });
    expect(report.dependencies[0]?.detail).toBeUndefined();
  });
});
