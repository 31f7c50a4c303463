/**
 * The Polymarket market-channel WebSocket (REFERENCE.md 2.6): subscribes to outcome tokens, keeps the connection
 * alive with text `PING`s, reconnects with full-jitter capped exponential backoff and resubscribes (the server then
 * sends fresh `book`s). It hands every frame on raw (record mode keeps it; the shard parses it).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { FeedSource } from '#domain/feed/events';
import { fullJitterMs } from '../backoff.ts';

export interface PolymarketWsClientOptions {
  url: string;
  /** Outcome token ids (`asset_id`s) to subscribe to. */
  assetIds: readonly string[];
  onRaw: (source: FeedSource, raw: string, receivedAtMs: number) => void;
  onConnected?: () => void;
  /** A connection that had opened is gone (also after `close()`): the venue's books are no longer live. */
  onDisconnected?: () => void;
  /** A connection or socket error; the client reconnects by itself, this is for logs. */
  onError?: (error: Error) => void;
  /** Receive time stamped on each frame; default `Date.now`. */
  now?: () => number;
  /** Reconnect delay: uniform in [0, min(maxMs, initialMs x 2^attempt)); default 500 ms / 30 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** Text `PING` keepalive; default 10 s (REFERENCE.md 2.6). */
  pingIntervalMs?: number;
  /** No frame at all (not even a `PONG`) for this long: the connection is dead; default 3 ping intervals. */
  silenceTimeoutMs?: number;
  /** Jitter source in [0, 1); default `Math.random`. */
  random?: () => number;
  /** The `ws` class to connect with (the egress' `egressWebSocket`, so the socket goes out through the proxy). */
  WebSocket?: typeof WebSocket;
}

export interface PolymarketWsClient {
  start(): void;
  /** Stops reconnecting and closes the connection; resolves once it is closed. */
  close(): Promise<void>;
  /** Unsubscribe then subscribe these (subscribed) tokens: the server sends fresh `book`s. */
  resync(assetIds: readonly string[]): void;
  /** Replace the subscribed tokens: unsubscribes the dropped ones, subscribes the new ones. */
  setAssets(assetIds: readonly string[]): void;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long `close()` waits for the closing handshake before cutting the socket. */
const CLOSE_GRACE_MS = 2_000;

function frameText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export function createPolymarketWsClient(options: PolymarketWsClientOptions): PolymarketWsClient {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const silenceTimeoutMs = options.silenceTimeoutMs ?? 3 * pingIntervalMs;

  let assets: string[] = [...new Set(options.assetIds)];
  let socket: WebSocket | undefined;
  let open = false;
  /** Whether this connection has sent its initial `type: market` subscription (it needs at least one token). */
  let subscribed = false;
  let started = false;
  let closed = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  let lastFrameAt = 0;

  function send(message: unknown): void {
    if (socket !== undefined && open && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function subscribeAll(): void {
    if (assets.length === 0) return;
    send({ assets_ids: assets, type: 'market', custom_feature_enabled: true });
    subscribed = true;
  }

  function operation(op: 'subscribe' | 'unsubscribe', ids: readonly string[]): void {
    if (ids.length === 0) return;
    send({
      assets_ids: ids,
      operation: op,
      ...(op === 'subscribe' ? { custom_feature_enabled: true } : {}),
    });
  }

  function scheduleReconnect(): void {
    const delayMs = fullJitterMs(backoff, attempt, random);
    attempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (!closed) connect();
    }, delayMs);
  }

  function connect(): void {
    const ws = new (options.WebSocket ?? WebSocket)(options.url, {
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      perMessageDeflate: false,
    });
    socket = ws;

    ws.on('open', () => {
      if (socket !== ws) return;
      open = true;
      subscribed = false;
      lastFrameAt = performance.now();
      subscribeAll();
      pingTimer = setInterval(() => {
        if (performance.now() - lastFrameAt > silenceTimeoutMs) {
          options.onError?.(new Error(`polymarket ws: no frame for ${silenceTimeoutMs} ms, reconnecting`));
          ws.terminate();
          return;
        }
        ws.send('PING');
      }, pingIntervalMs);
      options.onConnected?.();
    });

    ws.on('message', (data) => {
      if (socket !== ws || closed) return;
      lastFrameAt = performance.now();
      // The connection works: the next outage starts its backoff from the beginning.
      attempt = 0;
      options.onRaw('polymarket_ws', frameText(data), now());
    });

    // A 'close' always follows an 'error'; reconnecting happens there.
    ws.on('error', (error) => options.onError?.(error));

    ws.on('close', () => {
      if (socket !== ws) return;
      clearInterval(pingTimer);
      pingTimer = undefined;
      socket = undefined;
      const wasOpen = open;
      open = false;
      subscribed = false;
      if (wasOpen) options.onDisconnected?.();
      if (!closed) scheduleReconnect();
    });
  }

  return {
    start() {
      if (closed) throw new Error('polymarket ws client is closed');
      if (started) return;
      started = true;
      connect();
    },

    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      const ws = socket;
      if (ws === undefined) return;
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
        ws.once('close', () => {
          clearTimeout(cut);
          resolve();
        });
        ws.close(1000);
      });
    },

    resync(assetIds) {
      const known = new Set(assets);
      const ids = [...new Set(assetIds)].filter((id) => known.has(id));
      operation('unsubscribe', ids);
      operation('subscribe', ids);
    },

    setAssets(assetIds) {
      const next = [...new Set(assetIds)];
      const before = new Set(assets);
      const after = new Set(next);
      assets = next;
      if (!open) return;
      if (!subscribed) {
        subscribeAll();
        return;
      }
      operation(
        'unsubscribe',
        [...before].filter((id) => !after.has(id)),
      );
      operation(
        'subscribe',
        next.filter((id) => !before.has(id)),
      );
    },
  };
}
