import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { parsePolymarketWsFrame } from '#adapters/venues/polymarket/wire';
import { createPolymarketWsClient, type PolymarketWsClient } from '#adapters/venues/polymarket/ws';
import type { FeedSource, PolymarketWsEvent } from '#domain/feed/events';

const fixture = (name: string): string =>
  JSON.stringify(JSON.parse(readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8')));
const BOOKS = fixture('polymarket_ws_book_initial.json');
const PRICE_CHANGE = fixture('polymarket_ws_price_change.json');
const CELTICS = '48213097312509818742316590428361527491038264531729085136207415839262071905533';
const NUGGETS = '91562630148817306482917305627189445176027938440122691574318026794407336290148';

const until = (check: () => void, timeout = 5_000) => vi.waitFor(check, { timeout, interval: 5 });

/**
 * A stand-in for the market channel, speaking its protocol: answers `PING` with `PONG`, sends the books of what a
 * subscription names (on the initial one and on `operation: subscribe`), then streams price changes.
 */
class FakeMarketChannel {
  readonly received: { connection: number; message: string }[] = [];
  connections = 0;
  private server: WebSocketServer | undefined;
  private streams = new Set<NodeJS.Timeout>();

  /** `quiet`: no PONGs and no price-change stream, only the books a subscription asks for. */
  constructor(private readonly quiet = false) {}

  async listen(port = 0): Promise<number> {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    this.server = server;
    server.on('connection', (socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return (server.address() as AddressInfo).port;
  }

  private serve(socket: WebSocket): void {
    const connection = ++this.connections;
    socket.on('message', (data) => {
      const message = data.toString();
      this.received.push({ connection, message });
      if (message === 'PING') {
        if (!this.quiet) socket.send('PONG');
        return;
      }
      const request = JSON.parse(message) as { assets_ids: string[]; type?: string; operation?: string };
      if (request.type === 'market' || request.operation === 'subscribe') {
        socket.send(BOOKS);
        if (this.quiet) return;
        const stream = setInterval(() => socket.send(PRICE_CHANGE), 5);
        this.streams.add(stream);
        socket.on('close', () => clearInterval(stream));
      }
    });
  }

  /** Kill the server and every connection, as a crash would. */
  async kill(): Promise<void> {
    for (const stream of this.streams) clearInterval(stream);
    this.streams.clear();
    const server = this.server;
    if (server === undefined) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  connectionsOpen(): number {
    return this.server?.clients.size ?? 0;
  }

  messages(connection: number): unknown[] {
    return this.received
      .filter((r) => r.connection === connection && r.message !== 'PING')
      .map((r) => JSON.parse(r.message));
  }
}

interface Recorded {
  source: FeedSource;
  raw: string;
  t: number;
  events: PolymarketWsEvent[];
}

function recordingClient(url: string, extra: { pingIntervalMs?: number; silenceTimeoutMs?: number } = {}) {
  const frames: Recorded[] = [];
  const log: string[] = [];
  const errors: string[] = [];
  let clock = 1_000;
  const client = createPolymarketWsClient({
    url,
    assetIds: [CELTICS, NUGGETS],
    onRaw: (source, raw, t) => frames.push({ source, raw, t, events: parsePolymarketWsFrame(raw) }),
    onConnected: () => log.push('connected'),
    onDisconnected: () => log.push('disconnected'),
    onError: (error) => errors.push(String((error as NodeJS.ErrnoException).code ?? error.message)),
    now: () => ++clock,
    backoff: { initialMs: 20, maxMs: 200 },
    pingIntervalMs: extra.pingIntervalMs ?? 30,
    ...(extra.silenceTimeoutMs === undefined ? {} : { silenceTimeoutMs: extra.silenceTimeoutMs }),
  });
  const books = () => frames.filter((f) => f.events.some((e) => e.type === 'polymarket_book')).length;
  return { client, frames, log, errors, books };
}

describe('Polymarket market-channel client against a real ws server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = (client: PolymarketWsClient, ...servers: FakeMarketChannel[]) => {
    cleanups.push(async () => {
      await client.close();
      for (const server of servers) await server.kill();
    });
  };

  it('subscribes, streams raw frames, answers keepalive, survives a server restart and resyncs', async () => {
    const first = new FakeMarketChannel();
    const port = await first.listen();
    const { client, frames, log, errors, books } = recordingClient(`ws://127.0.0.1:${port}`, {
      silenceTimeoutMs: 5_000,
    });
    track(client, first);
    client.start();

    // The initial subscription, exactly as the market channel wants it.
    await until(() => expect(first.messages(1)).toHaveLength(1));
    expect(first.messages(1)[0]).toEqual({
      assets_ids: [CELTICS, NUGGETS],
      type: 'market',
      custom_feature_enabled: true,
    });
    await until(() => expect(frames.filter((f) => f.raw === PRICE_CHANGE).length).toBeGreaterThan(3));
    expect(frames[0]).toMatchObject({ source: 'polymarket_ws', raw: BOOKS });
    expect(frames[0]!.events.map((e) => e.type)).toEqual(['polymarket_book', 'polymarket_book']);
    // Receive times come from the injected clock, one per frame, increasing.
    expect(frames.every((f, i) => i === 0 || f.t > frames[i - 1]!.t)).toBe(true);

    // Keepalive: text PING out, the server's PONG comes back through onRaw (and parses to nothing).
    await until(() => expect(frames.some((f) => f.raw === 'PONG')).toBe(true));
    expect(first.received.some((r) => r.message === 'PING')).toBe(true);
    expect(log).toEqual(['connected']);

    // The server dies mid-stream; the client notices and keeps trying with backoff.
    await first.kill();
    await until(() => expect(log).toEqual(['connected', 'disconnected']));
    const booksBefore = books();
    // While it is down, reconnect attempts are refused (and retried after a backoff).
    await until(() => expect(errors.filter((e) => e === 'ECONNREFUSED').length).toBeGreaterThanOrEqual(2));

    // Back on the same port: the client reconnects, resubscribes, gets fresh books.
    const second = new FakeMarketChannel();
    await second.listen(port);
    cleanups.push(() => second.kill());
    await until(() => expect(log).toEqual(['connected', 'disconnected', 'connected']));
    await until(() => expect(books()).toBe(booksBefore + 1));
    expect(second.messages(1)[0]).toEqual({
      assets_ids: [CELTICS, NUGGETS],
      type: 'market',
      custom_feature_enabled: true,
    });

    // resync: unsubscribe then subscribe, and the server answers with fresh books.
    client.resync([NUGGETS, 'not-subscribed']);
    await until(() => expect(second.messages(1)).toHaveLength(3));
    expect(second.messages(1).slice(1)).toEqual([
      { assets_ids: [NUGGETS], operation: 'unsubscribe' },
      { assets_ids: [NUGGETS], operation: 'subscribe', custom_feature_enabled: true },
    ]);
    await until(() => expect(books()).toBe(booksBefore + 2));

    // setAssets: the dropped token unsubscribed, the new one subscribed.
    client.setAssets([NUGGETS, '777']);
    await until(() => expect(second.messages(1)).toHaveLength(5));
    expect(second.messages(1).slice(3)).toEqual([
      { assets_ids: [CELTICS], operation: 'unsubscribe' },
      { assets_ids: ['777'], operation: 'subscribe', custom_feature_enabled: true },
    ]);

    await client.close();
    expect(log.at(-1)).toBe('disconnected');
    await until(() => expect(second.connectionsOpen()).toBe(0));
  });

  it('reconnects a connection that went silent (no PONG) and subscribes again', async () => {
    const mute = new FakeMarketChannel(true);
    const port = await mute.listen();
    const { client, log } = recordingClient(`ws://127.0.0.1:${port}`, { pingIntervalMs: 20, silenceTimeoutMs: 60 });
    track(client, mute);
    // The server sends the books, then nothing, and never answers PING.
    client.start();
    await until(() => expect(mute.connections).toBeGreaterThanOrEqual(1));
    await until(() => expect(mute.connections).toBeGreaterThanOrEqual(2));
    expect(log.slice(0, 2)).toEqual(['connected', 'disconnected']);
    await until(() => expect(mute.messages(2)[0]).toMatchObject({ type: 'market' }));
  });
});
