import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FeedSource } from '#domain/feed/events';

/** A venue feed's connection: `connecting` before its first open, `reconnecting` while it backs off. */
export type FeedState = 'connecting' | 'connected' | 'reconnecting' | 'closed';
export type EngineState = 'starting' | 'running' | 'draining' | 'stopped';

/** A dependency the shard writes to; trading goes on while one is down, and health says so. */
export interface DependencyStatus {
  up: boolean;
  errors: number;
  lastError?: string;
}

export interface ShardStatus {
  engine: EngineState;
  feeds: Partial<Record<'kalshi_ws' | 'polymarket_ws', FeedState>>;
  dependencies: Record<string, DependencyStatus>;
}

export interface HealthAnswer {
  statusCode: 200 | 503;
  body: {
    status: 'ok' | 'degraded' | 'down';
    engine: EngineState;
    feeds: ShardStatus['feeds'];
    dependencies: Record<string, DependencyStatus & { status: 'up' | 'down' }>;
  };
}

/**
 * 200 while the engine runs and every venue feed is connected or on its way back (a feed that reconnects is the
 * client doing its job; restarting the task would not help). A dependency down (cache, database) degrades but does
 * not fail the check: decisions go on without it, and the body names it.
 */
export function healthOf(status: ShardStatus): HealthAnswer {
  const feedsUp = Object.values(status.feeds).every((state) => state !== 'closed');
  const ok = status.engine === 'running' && feedsUp;
  const dependencies = Object.fromEntries(
    Object.entries(status.dependencies).map(([name, d]) => [name, { ...d, status: d.up ? 'up' : 'down' } as const]),
  );
  const allUp = Object.values(status.dependencies).every((d) => d.up);
  return {
    statusCode: ok ? 200 : 503,
    body: {
      status: !ok ? 'down' : allUp && Object.values(status.feeds).every((s) => s === 'connected') ? 'ok' : 'degraded',
      engine: status.engine,
      feeds: status.feeds,
      dependencies,
    },
  };
}

/** What `/metrics` reports, the parse-failure ratio per 1000 messages included (an alarm watches it). */
export interface ShardMetrics {
  messages: Partial<Record<FeedSource, number>>;
  parseFailures: Partial<Record<FeedSource, number>>;
  parseFailuresPer1000: number;
  candidatesPublished: number;
  candidatesRetried: number;
  candidatesDropped: number;
  /** Candidates queued or in flight to SQS. */
  queueDepth: number;
  booksInvalid: number;
  cacheWriteErrors: number;
  databaseWriteErrors: number;
  recordedLines?: number;
}

/** Parse failures per 1000 messages, over all sources; 0 before the first message. */
export function parseFailuresPer1000(
  messages: Partial<Record<FeedSource, number>>,
  failures: Partial<Record<FeedSource, number>>,
): number {
  const sum = (counts: Partial<Record<FeedSource, number>>) => Object.values(counts).reduce((a, n) => a + (n ?? 0), 0);
  const total = sum(messages);
  return total === 0 ? 0 : Math.round((sum(failures) * 1000 * 100) / total) / 100;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** `GET /health` and `GET /metrics` (JSON) on `port` (0: a free one), for the ECS health check and operators. */
export async function startHealthServer(opts: {
  port: number;
  host?: string;
  status: () => ShardStatus;
  metrics: () => ShardMetrics;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: { code: 'method_not_allowed', message: 'GET only' } });
    if (path === '/health') {
      const answer = healthOf(opts.status());
      return send(answer.statusCode, answer.body);
    }
    if (path === '/metrics') return send(200, opts.metrics());
    return send(404, { error: { code: 'not_found', message: `no route ${path}` } });
  });
  // Health checks must not hold the process open on shutdown.
  server.keepAliveTimeout = 1_000;
  server.listen(opts.port, opts.host ?? '0.0.0.0');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
