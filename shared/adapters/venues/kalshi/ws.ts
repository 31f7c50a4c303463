/**
 * Kalshi's market-data WebSocket (REFERENCE.md 1.6). It hands every text frame on raw (the shard parses, record mode
 * stores) and reads only the answers to its own commands, to know which `sid` carries which channel and tickers.
 * A dropped connection comes back after a fully jittered, capped exponential backoff and subscribes again; the
 * first frame of each new `orderbook_delta` subscription is a fresh snapshot.
 */
import WebSocket from 'ws';
import type { FeedSource, KalshiControl } from '#domain/feed/events';
import { fullJitterMs } from '../backoff.ts';
import type { KalshiSigner } from './auth.ts';
import { parseKalshiWsFrame } from './wire.ts';

export const defaultKalshiChannels = ['orderbook_delta', 'ticker', 'trade'] as const;

export interface KalshiWsOptions {
  /** e.g. `wss://api.elections.kalshi.com/trade-api/ws/v2`. */
  url: string;
  /** Signs the upgrade (`GET` + the URL's path). */
  signer?: KalshiSigner;
  tickers: readonly string[];
  channels?: readonly string[];
  onRaw: (source: FeedSource, raw: string, receivedAtMs: number) => void;
  onConnected?: () => void;
  /** The connection that was open is gone: the books it fed are no longer live. */
  onDisconnected?: () => void;
  /** A socket error; the client reconnects on its own, this is for the log. */
  onError?: (error: Error) => void;
  now: () => number;
  backoff: { initialMs: number; maxMs: number };
  WebSocket?: typeof WebSocket;
  /** [0, 1), for the jitter. */
  random?: () => number;
}

export interface KalshiWsClient {
  start(): void;
  /** Stops reconnecting and resolves once the socket is closed. */
  close(): Promise<void>;
  /** Unsubscribes the orderbook subscriptions covering `tickers` and subscribes their tickers again. */
  resync(tickers: string[]): void;
  /** Subscribes added tickers and drops removed ones from their subscriptions. */
  setTickers(tickers: string[]): void;
}

interface Subscription {
  channel: string;
  tickers: string[];
}

/** A cheap look for the answers to our commands; a false hit only costs a parse. */
const CONTROL_FRAME = /"type"\s*:\s*"(?:subscribed|unsubscribed|ok|error)"/;
const HANDSHAKE_TIMEOUT_MS = 10_000;

export function createKalshiWsClient(options: KalshiWsOptions): KalshiWsClient {
  const Impl = options.WebSocket ?? WebSocket;
  const channels = [...(options.channels ?? defaultKalshiChannels)];
  const random = options.random ?? Math.random;
  let tickers = [...options.tickers];
  let socket: WebSocket | undefined;
  let connected = false;
  let stopped = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let nextId = 1;
  /** Command id -> the tickers it asked for and how many channel acks are still due. */
  const pending = new Map<number, { tickers: string[]; acksDue: number }>();
  const subscriptions = new Map<number, Subscription>();

  function connect(): void {
    reconnectTimer = undefined;
    const headers = options.signer?.('GET', new URL(options.url).pathname);
    const ws = new Impl(options.url, { headers: { ...headers }, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    socket = ws;
    ws.on('open', () => onOpen());
    ws.on('message', (data, isBinary) => {
      if (!isBinary) onFrame(data.toString());
    });
    ws.on('error', (error) => options.onError?.(error));
    ws.on('close', () => onClose(ws));
  }

  function onOpen(): void {
    attempt = 0;
    connected = true;
    options.onConnected?.();
    subscribe(channels, tickers);
  }

  function onFrame(raw: string): void {
    options.onRaw('kalshi_ws', raw, options.now());
    if (!CONTROL_FRAME.test(raw)) return;
    let events: ReturnType<typeof parseKalshiWsFrame>;
    try {
      events = parseKalshiWsFrame(raw);
    } catch {
      return; // the shard parses the same frame and counts the failure
    }
    for (const event of events) if (event.type === 'kalshi_control') onControl(event);
  }

  function onControl(control: KalshiControl): void {
    const asked = control.id === undefined ? undefined : pending.get(control.id);
    if (control.kind === 'subscribed' && control.sid !== undefined && control.channel !== undefined) {
      subscriptions.set(control.sid, { channel: control.channel, tickers: [...(asked?.tickers ?? [])] });
    }
    if (control.kind === 'unsubscribed' && control.sid !== undefined) subscriptions.delete(control.sid);
    if (asked && (control.kind === 'subscribed' || control.kind === 'error')) {
      asked.acksDue -= 1;
      if (asked.acksDue <= 0 || control.kind === 'error') pending.delete(control.id as number);
    }
  }

  function onClose(ws: WebSocket): void {
    if (socket !== ws) return;
    socket = undefined;
    pending.clear();
    subscriptions.clear();
    if (connected) {
      connected = false;
      options.onDisconnected?.();
    }
    if (!stopped) scheduleReconnect();
  }

  function scheduleReconnect(): void {
    reconnectTimer = setTimeout(connect, fullJitterMs(options.backoff, attempt, random));
    attempt += 1;
  }

  function send(command: { cmd: string; params: Record<string, unknown> }): number {
    const id = nextId++;
    socket?.send(JSON.stringify({ id, ...command }));
    return id;
  }

  function subscribe(subscribeChannels: string[], subscribeTickers: string[]): void {
    // Without market_tickers Kalshi streams every market on the channel.
    if (subscribeTickers.length === 0 || subscribeChannels.length === 0) return;
    const id = send({ cmd: 'subscribe', params: { channels: subscribeChannels, market_tickers: subscribeTickers } });
    pending.set(id, { tickers: subscribeTickers, acksDue: subscribeChannels.length });
  }

  function unsubscribe(sids: number[]): void {
    if (sids.length === 0) return;
    send({ cmd: 'unsubscribe', params: { sids } });
    for (const sid of sids) subscriptions.delete(sid);
  }

  function dropTickers(removed: string[]): void {
    if (removed.length === 0) return;
    const gone = new Set(removed);
    const emptied: number[] = [];
    for (const [sid, subscription] of subscriptions) {
      const leaving = subscription.tickers.filter((t) => gone.has(t));
      if (leaving.length === 0) continue;
      if (leaving.length === subscription.tickers.length) {
        emptied.push(sid);
        continue;
      }
      send({ cmd: 'update_subscription', params: { sids: [sid], market_tickers: leaving, action: 'delete_markets' } });
      subscription.tickers = subscription.tickers.filter((t) => !gone.has(t));
    }
    unsubscribe(emptied);
  }

  const isOpen = () => socket?.readyState === WebSocket.OPEN;

  return {
    start() {
      stopped = false;
      if (!socket && !reconnectTimer) connect();
    },

    close() {
      stopped = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      const ws = socket;
      if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000);
      });
    },

    resync(resyncTickers) {
      if (!isOpen()) return; // the next connection starts with fresh snapshots anyway
      const wanted = new Set(resyncTickers);
      const covering = [...subscriptions].filter(
        ([, s]) => s.channel === 'orderbook_delta' && s.tickers.some((t) => wanted.has(t)),
      );
      const again = [...new Set(covering.flatMap(([, s]) => s.tickers))];
      unsubscribe(covering.map(([sid]) => sid));
      subscribe(['orderbook_delta'], again);
    },

    setTickers(next) {
      const before = new Set(tickers);
      const after = new Set(next);
      tickers = [...after];
      if (!isOpen()) return; // connect() subscribes the current list
      subscribe(
        channels,
        tickers.filter((t) => !before.has(t)),
      );
      dropTickers([...before].filter((t) => !after.has(t)));
    },
  };
}
