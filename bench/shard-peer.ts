import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FeedLine } from '#domain/feed/events';

/**
 * The peer of the shard bench: pmxt-core (npm), a unified prediction-market API, applying Kalshi and Polymarket
 * WebSocket frames to its order books through its own message handlers, with no network. It lives in its own
 * package (bench/peers, ~250 MB installed) so that the project never depends on it; the first run installs it.
 *
 * - Kalshi: `KalshiWebSocket`'s socket listener is `JSON.parse(data)` then `handleMessage(message)`; the bench does
 *   the same two steps on each frame (the socket itself is made inside `connect()` and cannot be handed in).
 * - Polymarket: pmxt's `PolymarketWebSocket` builds a `WSSubscriptionManager` of @nevuamarkets/poly-websockets (its
 *   peer dependency) with its book handlers; the bench gives that manager a socket stand-in, lets it install its own
 *   `message` listener, and calls the listener with each frame, awaiting it as the listener is async.
 */

const PEERS_DIR = fileURLToPath(new URL('./peers/', import.meta.url));

/** A frame as pmxt gets it; Kalshi deltas re-spelled where pmxt reads other names (see `toPmxtFrames`). */
export interface PeerFrame {
  venue: 'kalshi' | 'polymarket';
  raw: string;
}

export interface PeerFrames {
  frames: PeerFrame[];
  polymarketAssetIds: string[];
  /** Kalshi `orderbook_delta` frames whose `price_dollars`/`delta_fp` were renamed for pmxt. */
  respelledKalshiDeltas: number;
  /** Frames of channels pmxt does not subscribe to, left out of its input. */
  notSubscribed: number;
}

/** pmxt subscribes Kalshi's `orderbook_delta` and `trade` channels, not `ticker`. */
const PMXT_KALSHI_TYPES = new Set(['orderbook_snapshot', 'orderbook_delta', 'trade', 'subscribed', 'error']);
/**
 * pmxt's Polymarket subscription does not set `custom_feature_enabled`, so `best_bid_ask`, `new_market` and
 * `market_resolved` never reach it.
 */
const PMXT_POLYMARKET_TYPES = new Set(['book', 'price_change', 'last_trade_price', 'tick_size_change']);

/**
 * The feed's venue frames as pmxt would receive them on its own subscriptions, in feed order.
 *
 * pmxt-core 2.41 reads a Kalshi delta's price and size from `price_dollars_fp`/`delta_dollars_fp`; the venue spells
 * them `price_dollars`/`delta_fp` (REFERENCE.md 1.6), which pmxt takes for the legacy integer-cent shape and turns
 * into NaN. Those frames are renamed for it here, before any timing, so that it does the work it was written to do.
 */
function parseOrUndefined(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function toPmxtFrames(lines: readonly FeedLine[]): PeerFrames {
  const frames: PeerFrame[] = [];
  const assetIds = new Set<string>();
  let respelled = 0;
  let notSubscribed = 0;
  for (const line of lines) {
    if (line.source === 'kalshi_ws') {
      const frame = parseOrUndefined(line.raw) as { type?: string; msg?: Record<string, unknown> } | undefined;
      // A frame that is not JSON goes to pmxt as it is: its listener catches the parse error, as on the socket.
      if (!frame) {
        frames.push({ venue: 'kalshi', raw: line.raw });
        continue;
      }
      if (!PMXT_KALSHI_TYPES.has(frame.type ?? '')) {
        notSubscribed += 1;
        continue;
      }
      let raw = line.raw;
      const msg = frame.msg;
      if (frame.type === 'orderbook_delta' && msg && 'price_dollars' in msg && !('price_dollars_fp' in msg)) {
        const { price_dollars, delta_fp, ...rest } = msg;
        frame.msg = { ...rest, price_dollars_fp: price_dollars, delta_dollars_fp: delta_fp };
        raw = JSON.stringify(frame);
        respelled += 1;
      }
      frames.push({ venue: 'kalshi', raw });
    } else if (line.source === 'polymarket_ws') {
      const parsed = parseOrUndefined(line.raw) as { event_type?: string } | { event_type?: string }[] | undefined;
      if (!parsed) {
        frames.push({ venue: 'polymarket', raw: line.raw });
        continue;
      }
      const events = Array.isArray(parsed) ? parsed : [parsed];
      if (!events.some((e) => PMXT_POLYMARKET_TYPES.has(e.event_type ?? ''))) {
        notSubscribed += 1;
        continue;
      }
      frames.push({ venue: 'polymarket', raw: line.raw });
      for (const m of line.raw.matchAll(/"asset_id":"([0-9]+)"/g)) assetIds.add(m[1]!);
    }
  }
  return { frames, polymarketAssetIds: [...assetIds], respelledKalshiDeltas: respelled, notSubscribed };
}

interface PmxtBook {
  bids: { price: number; size: number }[];
  asks: { price: number; size: number }[];
}

interface KalshiWsInstance {
  handleMessage(message: unknown): void;
  orderBooks: Map<string, PmxtBook>;
}

interface PolymarketWsInstance {
  ensureInitialized(): Promise<void>;
  orderBooks: Map<string, PmxtBook>;
  manager: {
    wsClient: unknown;
    subscribedAssetIds: Set<string>;
    setupEventHandlers(): void;
    clearState(): Promise<void>;
  };
  close(): Promise<void>;
}

export interface PmxtPeer {
  version: string;
  /** One pass over the frames with fresh pmxt instances; resolves to the books pmxt holds at the end. */
  run(peer: PeerFrames): Promise<{ kalshi: Map<string, PmxtBook>; polymarket: Map<string, PmxtBook> }>;
}

/** A socket for the manager to hang its listeners on: never open, so it sends nothing and never reconnects. */
class SocketStandIn {
  readonly readyState = 3;
  readonly listeners = new Map<string, (data: unknown) => Promise<void> | void>();
  on(event: string, fn: (data: unknown) => Promise<void> | void): this {
    this.listeners.set(event, fn);
    return this;
  }
  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }
  close(): void {}
  send(): void {}
}

function installPeers(): string | undefined {
  if (existsSync(`${PEERS_DIR}node_modules/pmxt-core/package.json`)) return undefined;
  if (process.env.BENCH_SHARD_PEER === '0') return 'BENCH_SHARD_PEER=0';
  console.log(
    'Installing the peer pmxt-core into bench/peers (npm ci --prefix bench/peers, ~250 MB, first run only)...',
  );
  const r = spawnSync('npm', ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.error) return `npm ci --prefix bench/peers failed: ${r.error.message}`;
  if (r.status !== 0) return `npm ci --prefix bench/peers exited ${r.status} (offline, or the registry refused?)`;
  return existsSync(`${PEERS_DIR}node_modules/pmxt-core/package.json`)
    ? undefined
    : 'npm ci --prefix bench/peers did not install pmxt-core';
}

/** pmxt-core, installed on first use; a string says why it is not available. */
export function loadPmxt(): PmxtPeer | string {
  if (process.env.BENCH_SHARD_PEER === '0') return 'BENCH_SHARD_PEER=0';
  const failed = installPeers();
  if (failed) return failed;
  const require = createRequire(`${PEERS_DIR}package.json`);
  const version = (
    JSON.parse(readFileSync(`${PEERS_DIR}node_modules/pmxt-core/package.json`, 'utf8')) as {
      version: string;
    }
  ).version;
  const { KalshiWebSocket } = require('pmxt-core/dist/exchanges/kalshi/websocket.js') as {
    KalshiWebSocket: new (auth: unknown, config: { wsUrl: string }) => KalshiWsInstance;
  };
  const { PolymarketWebSocket } = require('pmxt-core/dist/exchanges/polymarket/websocket.js') as {
    PolymarketWebSocket: new (callApi: () => Promise<unknown>, config: object) => PolymarketWsInstance;
  };
  return {
    version,
    async run(peer) {
      // pmxt logs acks and errors with console.*; printing is not what is measured, and it would flood the table.
      const saved = { log: console.log, error: console.error, warn: console.warn };
      const quiet = () => {};
      Object.assign(console, { log: quiet, error: quiet, warn: quiet });
      try {
        return await pass(peer);
      } finally {
        Object.assign(console, saved);
      }
    },
  };

  async function pass(peer: PeerFrames) {
    const kalshi = new KalshiWebSocket({}, { wsUrl: 'wss://bench.invalid/trade-api/ws/v2' });
    const polymarket = new PolymarketWebSocket(async () => ({}), {});
    await polymarket.ensureInitialized();
    const manager = polymarket.manager;
    for (const id of peer.polymarketAssetIds) manager.subscribedAssetIds.add(id);
    const socket = new SocketStandIn();
    manager.wsClient = socket;
    manager.setupEventHandlers();
    const onMessage = socket.listeners.get('message')!;
    for (const frame of peer.frames) {
      if (frame.venue === 'kalshi') {
        // KalshiWebSocket's own listener: parse, hand over, log what does not parse.
        try {
          kalshi.handleMessage(JSON.parse(frame.raw));
        } catch (error) {
          console.error('Error parsing Kalshi WebSocket message:', error);
        }
      } else await onMessage(frame.raw);
    }
    await polymarket.close();
    return { kalshi: kalshi.orderBooks, polymarket: polymarket.orderBooks };
  }
}
