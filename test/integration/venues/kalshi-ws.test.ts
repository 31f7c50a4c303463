/**
 * The Kalshi WS client against a real WebSocket server speaking Kalshi's protocol on an ephemeral port: signed
 * upgrade, subscribe, snapshot + deltas, the server killed and restarted on the same port mid-stream, resync.
 */
import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { createKalshiSigner } from '#adapters/venues/kalshi/auth';
import { parseKalshiWsFrame } from '#adapters/venues/kalshi/wire';
import { createKalshiWsClient, type KalshiWsClient } from '#adapters/venues/kalshi/ws';
import type { KalshiWsEvent } from '#domain/feed/events';

const TICKER = 'KXNBAGAME-26NOV14BOSDEN-DEN';
const OTHER = 'KXNBAGAME-26NOV14BOSDEN-BOS';
const WS_PATH = '/trade-api/ws/v2';
const fixture = (name: string): Record<string, unknown> | Record<string, unknown>[] =>
  JSON.parse(readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8'));

interface Command {
  id: number;
  cmd: string;
  params: { channels?: string[]; market_tickers?: string[]; sids?: number[] };
}

/** A fake Kalshi: acks each channel with a fresh sid and opens every orderbook subscription with snapshot + deltas. */
class FakeKalshi {
  readonly upgrades: IncomingHttpHeaders[] = [];
  readonly commands: Command[] = [];
  private nextSid = 1;
  private server!: WebSocketServer;
  port = 0;

  async listen(port = 0): Promise<void> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port, path: WS_PATH });
    this.server.on('connection', (socket, request) => {
      this.upgrades.push(request.headers);
      socket.on('message', (data) => this.onCommand(socket, JSON.parse(data.toString()) as Command));
    });
    await new Promise<void>((resolve) => this.server.once('listening', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Dies mid-stream: sockets dropped without a close handshake, listener gone. */
  async kill(): Promise<void> {
    for (const socket of this.server.clients) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onCommand(socket: WebSocket, command: Command): void {
    this.commands.push(command);
    if (command.cmd === 'unsubscribe') {
      for (const sid of command.params.sids ?? []) {
        socket.send(JSON.stringify({ id: command.id, sid, seq: 1, type: 'unsubscribed' }));
      }
    }
    if (command.cmd !== 'subscribe') return;
    for (const channel of command.params.channels ?? []) {
      const sid = this.nextSid++;
      socket.send(JSON.stringify({ id: command.id, type: 'subscribed', msg: { channel, sid } }));
      if (channel === 'orderbook_delta') this.sendBook(socket, sid);
    }
  }

  private sendBook(socket: WebSocket, sid: number): void {
    const snapshot = fixture('kalshi_ws_orderbook_snapshot.json') as Record<string, unknown>;
    socket.send(JSON.stringify({ ...snapshot, sid }));
    for (const delta of fixture('kalshi_ws_orderbook_deltas.json') as Record<string, unknown>[]) {
      socket.send(JSON.stringify({ ...delta, sid }));
    }
  }
}

async function until(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Kalshi WS client against a real server', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let client: KalshiWsClient | undefined;
  let server: FakeKalshi | undefined;

  afterEach(async () => {
    await client?.close();
    await server?.kill();
  });

  it('signs the upgrade, subscribes, survives a server restart on the same port and resyncs on request', async () => {
    server = new FakeKalshi();
    await server.listen();
    const fake = server;
    const events: KalshiWsEvent[] = [];
    const raws: { source: string; raw: string; t: number }[] = [];
    let connects = 0;
    let disconnects = 0;
    let clock = 1_800_000_000_000;
    const now = () => clock++;
    client = createKalshiWsClient({
      url: `ws://127.0.0.1:${fake.port}${WS_PATH}`,
      signer: createKalshiSigner({ keyId: 'key-id', privateKey, now }),
      tickers: [TICKER],
      onRaw: (source, raw, t) => {
        raws.push({ source, raw, t });
        events.push(...parseKalshiWsFrame(raw));
      },
      onConnected: () => connects++,
      onDisconnected: () => disconnects++,
      now,
      backoff: { initialMs: 20, maxMs: 200 },
    });
    const snapshots = () => events.filter((e) => e.type === 'kalshi_snapshot');
    const deltas = () => events.filter((e) => e.type === 'kalshi_delta');
    const subscribes = () => fake.commands.filter((c) => c.cmd === 'subscribe');

    client.start();
    await until('the first snapshot and its 4 deltas', () => deltas().length === 4);
    expect(connects).toBe(1);

    // Auth on the upgrade: a PSS signature of <ts>GET/trade-api/ws/v2 the public key verifies.
    const upgrade = fake.upgrades[0] as IncomingHttpHeaders;
    expect(upgrade['kalshi-access-key']).toBe('key-id');
    const message = `${upgrade['kalshi-access-timestamp']}GET${WS_PATH}`;
    const signature = Buffer.from(String(upgrade['kalshi-access-signature']), 'base64');
    const pss = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', Buffer.from(message), pss, signature)).toBe(true);

    expect(subscribes()[0]?.params).toEqual({
      channels: ['orderbook_delta', 'ticker', 'trade'],
      market_tickers: [TICKER],
    });
    expect(raws.every((r) => r.source === 'kalshi_ws' && r.t >= 1_800_000_000_000)).toBe(true);
    expect(deltas().map((d) => d.type === 'kalshi_delta' && d.seq)).toEqual([2, 3, 4, 5]);

    // Killed mid-stream, back on the same port: reconnect (backoff), subscribe again, a new snapshot.
    const port = fake.port;
    await fake.kill();
    await until('the disconnect', () => disconnects === 1);
    await fake.listen(port);
    await until('the reconnect and a second snapshot', () => connects === 2 && snapshots().length === 2);
    expect(fake.upgrades).toHaveLength(2);
    expect(subscribes()).toHaveLength(2);
    expect(subscribes()[1]?.params).toEqual(subscribes()[0]?.params);
    await until(
      'the acks of the new subscription',
      () => events.filter((e) => e.type === 'kalshi_control').length === 6,
    );

    // resync: the orderbook sid of the new connection unsubscribed, the ticker subscribed again, a third snapshot.
    const bookSid = (snapshots()[1] as { sid: number }).sid;
    client.resync([TICKER]);
    await until('the resync snapshot', () => snapshots().length === 3);
    const [unsubscribe, resubscribe] = fake.commands.slice(-2);
    expect(unsubscribe).toMatchObject({ cmd: 'unsubscribe', params: { sids: [bookSid] } });
    expect(resubscribe).toMatchObject({
      cmd: 'subscribe',
      params: { channels: ['orderbook_delta'], market_tickers: [TICKER] },
    });
    expect((snapshots()[2] as { sid: number }).sid).not.toBe(bookSid);

    // setTickers: an added ticker gets every channel; removing it again unsubscribes its sids.
    client.setTickers([TICKER, OTHER]);
    await until('the subscription of the added ticker', () => snapshots().length === 4);
    expect(fake.commands.at(-1)?.params).toEqual({
      channels: ['orderbook_delta', 'ticker', 'trade'],
      market_tickers: [OTHER],
    });
    const addedId = fake.commands.at(-1)?.id;
    const addedSids = () =>
      events.flatMap((e) =>
        e.type === 'kalshi_control' && e.kind === 'subscribed' && e.id === addedId ? [e.sid] : [],
      );
    await until('the acks of the added ticker', () => addedSids().length === 3);
    client.setTickers([TICKER]);
    await until('the unsubscribe of the removed ticker', () => fake.commands.at(-1)?.cmd === 'unsubscribe');
    expect(fake.commands.at(-1)?.params.sids?.sort()).toEqual(addedSids().sort());

    await client.close();
    expect(disconnects).toBe(2);
  });
});
