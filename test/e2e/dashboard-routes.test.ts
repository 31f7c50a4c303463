import '../integration/evaluator/quiet-env.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalJwtKeys, loadLocalJwtKeys } from '../../local/api/jwt.ts';
import type { ApiServer } from '../../local/api/server.ts';
import { createInMemoryPriceCache } from '../../shared/adapters/price-cache/in-memory.ts';
import { createLocalSecretsProvider } from '../../shared/adapters/secrets/local-file.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';

/**
 * The dashboard's routes on the local API server, over HTTP: the page and its assets, the page token (to a loopback
 * caller of a loopback name only, short-lived, for the local admin) and the run status behind a token.
 */
let db: TestDatabase;
let dir: string;
let keys: LocalJwtKeys;
let server: ApiServer;
let withRun: ApiServer;

function raw(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number | undefined; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sharpline-dashboard-routes-'));
  db = await createTestDatabase();
  const jwtKeyFile = join(dir, 'jwt.json');
  keys = await loadLocalJwtKeys(jwtKeyFile);
  const { startApiServer } = await import('../../local/api/server.ts');
  const options = {
    pool: db.rolePool('api'),
    jwtKeyFile,
    deps: {
      priceCache: createInMemoryPriceCache(),
      idempotencyTable: undefined,
      secrets: createLocalSecretsProvider(join(dir, 'secrets.json')),
    },
  };
  server = await startApiServer({ ...options, dashboard: { tokenTtlSeconds: 120 } });
  withRun = await startApiServer({
    ...options,
    localRun: async () => ({ phase: 'feeding', messages: 42 }),
  });
});

afterAll(async () => {
  await server?.stop();
  await withRun?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dashboard routes', () => {
  it('serves the page and its assets with a same-origin content policy, and no token in them', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/dashboard/app.js', 'text/javascript'],
      ['/dashboard/styles.css', 'text/css'],
      ['/dashboard/uPlot.min.css', 'text/css'],
    ] as const) {
      const res = await raw(server.url, path);
      expect(res.status, path).toBe(200);
      expect(String(res.headers['content-type'])).toContain(type);
      expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
      expect(res.body).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    }
    // uPlot is in the bundle, from node_modules: nothing is fetched from elsewhere.
    const script = await raw(server.url, '/dashboard/app.js');
    expect(script.body).toContain('uPlot');
    expect(script.body).not.toMatch(/https?:\/\/(?!localhost)[\w.-]+\.(com|net|org|io)\//);
  });

  it('hands a short-lived admin token to a loopback page, and to no other', async () => {
    const res = await raw(server.url, '/local/v1/token', { method: 'POST' });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { token: string; sub: string; role: string; expiresInSeconds: number };
    expect(body).toMatchObject({ sub: 'local-admin', role: 'admin', expiresInSeconds: 120 });
    const claims = await keys.verify(body.token);
    expect(claims).toMatchObject({ sub: 'local-admin', role: 'admin' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();

    const port = new URL(server.url).port;
    expect(
      (await raw(server.url, '/local/v1/token', { method: 'POST', headers: { host: `localhost:${port}` } })).status,
    ).toBe(200);
    const foreign: Record<string, string>[] = [
      { host: `attacker.example:${port}` },
      { host: `10.0.0.1:${port}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      expect(
        (await raw(server.url, '/local/v1/token', { method: 'POST', headers })).status,
        JSON.stringify(headers),
      ).toBe(403);
    }
    // A GET (an <img> or a link from elsewhere) gets nothing either: the token route is POST only.
    expect((await raw(server.url, '/local/v1/token')).status).toBe(401);
  });

  it('answers the run status with a token only, and says when no run is there', async () => {
    const token = await keys.sign({ sub: 'viewer-1', role: 'viewer' });
    expect((await raw(withRun.url, '/local/v1/run')).status).toBe(401);
    const run = await raw(withRun.url, '/local/v1/run', { headers: { authorization: `Bearer ${token}` } });
    expect(run.status).toBe(200);
    expect(JSON.parse(run.body)).toEqual({ phase: 'feeding', messages: 42 });
    const none = await raw(server.url, '/local/v1/run', { headers: { authorization: `Bearer ${token}` } });
    expect(none.status).toBe(404);
    expect(JSON.parse(none.body)).toMatchObject({ error: { code: 'not_found' } });
  });
});
