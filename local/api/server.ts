import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type pg from 'pg';
import { createPool } from '#adapters/pg/pool';
import { type ApiConfig, apiConfig, loadConfig } from '#config/env';
import { createApiHandler } from '../../functions/api/app.ts';
import { type ApiDepsOverrides, apiDepsFromConfig } from '../../functions/api/deps.ts';
import { createLocalSecretsProvider } from '../../shared/adapters/secrets/local-file.ts';
import type { SecretsProvider } from '../../shared/adapters/secrets/provider.ts';
import { createDashboardRoutes, type DashboardOptions } from '../dashboard/serve.ts';
import { localLambdaContext } from '../lambda-context.ts';
import { DEFAULT_KEY_FILE, type LocalJwtKeys, loadLocalJwtKeys } from './jwt.ts';
import { toHttpApiEvent } from './lambda-event.ts';

export interface ApiServerOptions {
  port?: number;
  host?: string;
  /** A pool the caller owns (kept open on stop); otherwise one is built on `databaseUrl`. */
  pool?: pg.Pool;
  databaseUrl?: string;
  jwtKeyFile?: string;
  /** The API's config; defaults to the environment's. */
  config?: ApiConfig;
  /** Replaces the clients and settings otherwise read from the environment (queue URL, secrets, probes). */
  deps?: ApiDepsOverrides & { secrets?: SecretsProvider };
  /** `npm start`'s facts about its own run (queue depths, DLQ counts, latencies): `GET /local/v1/run`, with a token. */
  localRun?: () => Promise<unknown>;
  /** Who the dashboard at `/` acts as and for how long its page token lasts. */
  dashboard?: Omit<DashboardOptions, 'keys' | 'localRun'>;
}

export interface ApiServer {
  url: string;
  stop(): Promise<void>;
}

/** API Gateway HTTP APIs accept up to 10 MB; reading stops well before, the handler itself enforces 256 KiB. */
const MAX_READ_BYTES = 1024 * 1024;
const PUBLIC_PATHS = /^\/health(\/(live|ready|detailed))?\/?$/;

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string> | undefined) });
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : result.body);
}

function sendError(res: ServerResponse, statusCode: number, code: string, message: string): void {
  send(res, {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code, message, details: [] } }),
  });
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_READ_BYTES) {
        resolve('too_large');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** What API Gateway's JWT authorizer does: verify the bearer token, pass its claims on; the handler judges them. */
async function verifiedClaims(keys: LocalJwtKeys, req: IncomingMessage): Promise<Record<string, string> | undefined> {
  const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  return keys.verify(match[1]).catch(() => undefined);
}

/**
 * The local stand-in for API Gateway + Lambda: each HTTP request becomes an `APIGatewayProxyEventV2` for the same
 * handler that runs in AWS.
 */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const config = opts.config ?? loadConfig(apiConfig);
  const ownPool = opts.pool
    ? undefined
    : createPool({ connectionString: opts.databaseUrl ?? config.DATABASE_URL, component: 'api' }, config);
  const pool = opts.pool ?? ownPool;
  if (!pool) throw new Error('startApiServer needs a pool or a database URL');
  const keys = await loadLocalJwtKeys(opts.jwtKeyFile ?? DEFAULT_KEY_FILE);
  const { secrets, ...overrides } = opts.deps ?? {};
  const deps = apiDepsFromConfig(
    config,
    pool,
    secrets ?? createLocalSecretsProvider(config.LOCAL_SECRETS_FILE),
    overrides,
  );
  const handler = createApiHandler(deps, { timeoutEarlyInMillis: 0 });
  // The page, its assets, its token and `GET /local/v1/run`: local-only routes beside the API's.
  const dashboard = createDashboardRoutes({ ...opts.dashboard, keys, localRun: opts.localRun });

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (body === 'too_large') {
        sendError(res, 413, 'payload_too_large', 'request body too large');
        return;
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (await dashboard(req, res, path)) return;
      const claims = await verifiedClaims(keys, req);
      if (!claims && !PUBLIC_PATHS.test(path)) {
        sendError(res, 401, 'unauthorized', 'a valid bearer token is required');
        return;
      }
      const event = toHttpApiEvent(req, body, claims);
      send(res, await handler(event, localLambdaContext('sharpline-local-api')));
    })().catch(() => {
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await ownPool?.end();
      // The price cache is the server's own unless the caller passed one in.
      if (!opts.deps?.priceCache) await deps.priceCache.close();
    },
  };
}
