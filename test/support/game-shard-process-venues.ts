/**
 * Stand-ins for the venues a live game shard talks to, serving the fixture game (Boston at Denver, ESPN event
 * 401810233, test/fixtures/venues): one HTTP server for Kalshi's `/trade-api/v2/markets` (two pages, joined by
 * `cursor`), Gamma's `/markets` and ESPN's NBA scoreboard, and real WebSocket servers speaking Kalshi's and
 * Polymarket's market channels. Each subscription opens with the fixture books; the tests move them from there.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export const TICKER = 'KXNBAGAME-26NOV14BOSDEN-DEN';
export const CELTICS = '48213097312509818742316590428361527491038264531729085136207415839262071905533';
export const NUGGETS = '91562630148817306482917305627189445176027938440122691574318026794407336290148';
export const ESPN_EVENT_ID = '401810233';
export const KALSHI_WS_PATH = '/trade-api/ws/v2';
export const ESPN_NBA_PATH = '/apis/site/v2/sports/basketball/nba/scoreboard';

type Json = Record<string, unknown>;
const fixture = <T = Json>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/venues/${name}`, import.meta.url), 'utf8')) as T;

export interface VenueHttp {
  url: string;
  /** Request paths with their queries, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Kalshi markets (page 1: the fixture market and a cursor; page 2: none), Gamma markets, ESPN's scoreboard. */
export async function startVenueHttp(): Promise<VenueHttp> {
  const kalshi = fixture<{ markets: Json[] }>('kalshi_get_markets_response.json');
  const gamma = fixture<Json[]>('polymarket_gamma_markets_list.json');
  const espn = fixture('espn_nba_scoreboard_in_progress.json');
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${url.pathname}${url.search}`);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/trade-api/v2/markets') {
      const series = url.searchParams.get('series_ticker');
      if (series !== 'KXNBAGAME') return json({ markets: [], cursor: '' });
      return url.searchParams.get('cursor') === 'page-2'
        ? json({ markets: [], cursor: '' })
        : json({ markets: kalshi.markets, cursor: 'page-2' });
    }
    if (url.pathname === '/markets') return json(url.searchParams.get('offset') === '0' ? gamma : []);
    if (url.pathname === ESPN_NBA_PATH) return json(espn);
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function listen(port: number, path?: string): Promise<WebSocketServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port, ...(path ? { path } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  return server;
}

/** Dies mid-stream: sockets dropped without a close handshake, listener gone. */
async function kill(server: WebSocketServer): Promise<void> {
  for (const socket of server.clients) socket.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

interface KalshiCommand {
  id: number;
  cmd: string;
  params: { channels?: string[]; market_tickers?: string[]; sids?: number[] };
}

/** Kalshi's market-data socket: acks each channel with a fresh sid; an orderbook subscription opens with snapshots. */
export class FakeKalshiWs {
  readonly commands: KalshiCommand[] = [];
  port = 0;
  private server!: WebSocketServer;
  private nextSid = 1;
  /** The live orderbook subscription: its socket, sid and last seq. */
  private book: { socket: WebSocket; sid: number; seq: number } | undefined;

  get url(): string {
    return `ws://127.0.0.1:${this.port}${KALSHI_WS_PATH}`;
  }

  /** Whether a subscription to the orderbook channel is live. */
  get subscribed(): boolean {
    return this.book !== undefined;
  }

  async listen(port = 0): Promise<void> {
    this.server = await listen(port, KALSHI_WS_PATH);
    this.port = (this.server.address() as AddressInfo).port;
    this.server.on('connection', (socket) => {
      socket.on('message', (data) => this.onCommand(socket, JSON.parse(data.toString()) as KalshiCommand));
      socket.on('close', () => {
        if (this.book?.socket === socket) this.book = undefined;
      });
    });
  }

  async kill(): Promise<void> {
    this.book = undefined;
    await kill(this.server);
  }

  /** One `orderbook_delta` on the live subscription, the next seq. */
  delta(side: 'yes' | 'no', price: string, delta: string): void {
    const book = this.book;
    if (!book) throw new Error('no orderbook subscription');
    book.seq += 1;
    book.socket.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: book.sid,
        seq: book.seq,
        msg: { market_ticker: TICKER, market_id: 'm-den', price_dollars: price, delta_fp: delta, side },
      }),
    );
  }

  private onCommand(socket: WebSocket, command: KalshiCommand): void {
    this.commands.push(command);
    if (command.cmd === 'unsubscribe') {
      for (const sid of command.params.sids ?? []) {
        socket.send(JSON.stringify({ id: command.id, sid, seq: 1, type: 'unsubscribed' }));
        if (this.book?.sid === sid) this.book = undefined;
      }
    }
    if (command.cmd !== 'subscribe') return;
    for (const channel of command.params.channels ?? []) {
      const sid = this.nextSid++;
      socket.send(JSON.stringify({ id: command.id, type: 'subscribed', msg: { channel, sid } }));
      if (channel !== 'orderbook_delta' || !command.params.market_tickers?.includes(TICKER)) continue;
      const snapshot = fixture('kalshi_ws_orderbook_snapshot.json');
      socket.send(JSON.stringify({ ...snapshot, sid, seq: 1 }));
      this.book = { socket, sid, seq: 1 };
    }
  }
}

/** Polymarket's market channel: a subscription opens with the fixture `book` of each token asked for. */
export class FakePolymarketWs {
  readonly subscriptions: string[][] = [];
  private server!: WebSocketServer;
  private sockets = new Set<WebSocket>();

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ws/market`;
  }

  async listen(): Promise<void> {
    this.server = await listen(0);
    this.server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const text = data.toString();
        if (text === 'PING') return socket.send('PONG');
        const message = JSON.parse(text) as { assets_ids?: string[]; operation?: string };
        if (message.operation === 'unsubscribe' || !message.assets_ids) return;
        this.subscriptions.push(message.assets_ids);
        const books = fixture<Json[]>('polymarket_ws_book_initial.json').filter((b) =>
          message.assets_ids?.includes(b.asset_id as string),
        );
        this.sockets.add(socket);
        socket.send(JSON.stringify(books));
      });
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** A `price_change` of one level of a token's book to every subscriber. */
  priceChange(assetId: string, side: 'BUY' | 'SELL', price: string, size: string): void {
    const frame = JSON.stringify({
      event_type: 'price_change',
      market: '0x9b1f6d2e4c8a07f35e1d9c2b6a4f8e0d3c7b5a9e1f2d4c6b8a0e3f5d7c9b1a2e',
      price_changes: [{ asset_id: assetId, price, size, side, hash: 'h' }],
      timestamp: String(Date.now()),
    });
    for (const socket of this.sockets) socket.send(frame);
  }

  async close(): Promise<void> {
    await kill(this.server);
  }
}

/** The fixture game's discovery answers as the pollers hand them on: Kalshi markets, Gamma markets, ESPN. */
export function discoveryBodies(): {
  source: 'kalshi_rest' | 'polymarket_gamma' | 'espn';
  path: string;
  raw: string;
}[] {
  return [
    {
      source: 'kalshi_rest',
      path: '/markets?series_ticker=KXNBAGAME&status=open&limit=1000',
      raw: JSON.stringify(fixture('kalshi_get_markets_response.json')),
    },
    {
      source: 'polymarket_gamma',
      path: '/markets?active=true&closed=false&limit=100&offset=0',
      raw: JSON.stringify(fixture('polymarket_gamma_markets_list.json')),
    },
    { source: 'espn', path: ESPN_NBA_PATH, raw: JSON.stringify(fixture('espn_nba_scoreboard_in_progress.json')) },
  ];
}

/** The fixture's Kalshi snapshot of `ticker` on subscription `sid`. */
export function kalshiSnapshot(ticker: string, sid: number): string {
  const snapshot = fixture<{ msg: Json }>('kalshi_ws_orderbook_snapshot.json');
  return JSON.stringify({ ...snapshot, sid, seq: 1, msg: { ...snapshot.msg, market_ticker: ticker } });
}
