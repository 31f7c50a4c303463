import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Role } from '../../shared/api/principal.ts';
import type { LocalJwtKeys } from '../api/jwt.ts';

/**
 * The local dashboard (`/`): a static page, its script (bundled once by esbuild with uPlot from node_modules, so the
 * page works offline) and a local-only endpoint that hands the page a short-lived token. The page then reads the HTTP
 * API with that token exactly as any other client does; nothing secret is in the HTML.
 */
export interface DashboardOptions {
  keys: LocalJwtKeys;
  /** Who the page acts as: the person at this machine, an admin by default (the kill switch needs one). */
  principal?: { sub: string; role: Role };
  tokenTtlSeconds?: number;
  /** `npm start`'s facts about its own run for `GET /local/v1/run` (see `RunStatus` for what the page reads). */
  localRun?: () => Promise<unknown>;
}

export type DashboardRoutes = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

export const DASHBOARD_TOKEN_PATH = '/local/v1/token';
export const RUN_STATUS_PATH = '/local/v1/run';
const DEFAULT_PRINCIPAL = { sub: 'local-admin', role: 'admin' } as const;
const DEFAULT_TTL_SECONDS = 900;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const require = createRequire(import.meta.url);

interface Asset {
  type: string;
  body: () => Promise<string>;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [here('./page/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    minify: false,
    legalComments: 'inline',
    logLevel: 'silent',
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error('esbuild produced no dashboard bundle');
  return file.text;
}

const assets: Record<string, Asset> = {
  '/': { type: 'text/html; charset=utf-8', body: once(() => readFile(here('./index.html'), 'utf8')) },
  '/dashboard/app.js': { type: 'text/javascript; charset=utf-8', body: once(bundlePage) },
  '/dashboard/styles.css': {
    type: 'text/css; charset=utf-8',
    body: once(() => readFile(here('./styles.css'), 'utf8')),
  },
  '/dashboard/uPlot.min.css': {
    type: 'text/css; charset=utf-8',
    body: once(() => readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')),
  },
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return isIPv6(address) && address === '::1';
}

/**
 * The token goes only to a page of this server, from this machine: the caller is on loopback, the Host is a loopback
 * name (no DNS rebinding) and the browser says the request is same-origin (another site's script cannot read the
 * answer anyway without CORS headers, which this server never sends).
 */
function mayHaveToken(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  const site = req.headers['sec-fetch-site'];
  return (
    isLoopbackAddress(req.socket.remoteAddress) &&
    LOOPBACK_HOSTS.has(host) &&
    (site === undefined || site === 'same-origin' || site === 'none')
  );
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  res.writeHead(statusCode, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const error = (code: string, message: string) => ({ error: { code, message, details: [] } });

export function createDashboardRoutes(opts: DashboardOptions): DashboardRoutes {
  const principal = opts.principal ?? DEFAULT_PRINCIPAL;
  const ttlSeconds = opts.tokenTtlSeconds ?? DEFAULT_TTL_SECONDS;
  return async (req, res, path) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const asset = assets[path];
    if (asset && (method === 'GET' || method === 'HEAD')) {
      const body = await asset.body();
      res.writeHead(200, {
        'content-type': asset.type,
        'cache-control': 'no-cache',
        // The page runs only its own script and talks only to this server.
        'content-security-policy':
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
      });
      res.end(method === 'HEAD' ? undefined : body);
      return true;
    }
    if (path === DASHBOARD_TOKEN_PATH && method === 'POST') {
      if (!mayHaveToken(req)) {
        sendJson(res, 403, error('forbidden', 'the dashboard token is handed out on loopback only'));
        return true;
      }
      const token = await opts.keys.sign(principal, ttlSeconds);
      sendJson(res, 200, { token, sub: principal.sub, role: principal.role, expiresInSeconds: ttlSeconds });
      return true;
    }
    if (path === RUN_STATUS_PATH && method === 'GET') {
      const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
      const claims = match?.[1] ? await opts.keys.verify(match[1]).catch(() => undefined) : undefined;
      if (!claims) sendJson(res, 401, error('unauthorized', 'a valid bearer token is required'));
      else if (!opts.localRun) sendJson(res, 404, error('not_found', 'no evening is running in this process'));
      else sendJson(res, 200, await opts.localRun());
      return true;
    }
    return false;
  };
}
