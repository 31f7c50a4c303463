import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decimalString } from '#adapters/venues/order-http';
import {
  polymarketL2Signature,
  polymarketOrderDigest,
  type polymarketOrderFields,
} from '#adapters/venues/polymarket/orders';
import { bytesToHex } from '../../shared/adapters/crypto/eip712.ts';

interface FakePolyOrder {
  id: string;
  status: 'MATCHED' | 'CANCELED';
  sizeMatched: string;
  price: string;
}

/**
 * A local HTTP server speaking Polymarket's CLOB V2 order endpoints (REFERENCE.md 2.7): `POST /order` checks the L2
 * HMAC headers (401 otherwise) and answers as the fixture polymarket_post_order_response does; a signed order already
 * taken (same order hash) is refused, since Polymarket takes an order once; `GET /data/order/{id}` finds it. It also
 * answers `GET /time` (the egress probe) and `GET /api/geoblock` (REFERENCE.md 2.8, on polymarket.com in production)
 * with `blocked` as set. A stand-in for tests and local mode: never deployed.
 */
export class FakePolymarket {
  readonly posts: { order: Record<string, unknown>; owner: string; orderType: string }[] = [];
  readonly orders = new Map<string, FakePolyOrder>();
  /** The id Polymarket answers with: the EIP-712 hash of the signed order on `chainId`. */
  orderIdOf: (order: Record<string, unknown>) => string;
  matchAll = true;
  /** A fee rate the fake's answers carry (`fee_rate_bps`), as the CLOB's may; unset, they carry none. */
  feeRateBps: number | undefined;
  /** What the geoblock check says about the caller. */
  blocked = false;
  /** Requests seen, by `METHOD path`, for tests and the local run's report. */
  readonly requests = new Map<string, number>();
  /** The client port of every connection a request came on: a test matches them to the egress proxy's own ports. */
  readonly remotePorts = new Set<number>();
  private server: Server | undefined;

  constructor(
    private readonly secret: string,
    opts: { chainId?: number } = {},
  ) {
    const chainId = opts.chainId ?? 137;
    this.orderIdOf = (order) =>
      bytesToHex(polymarketOrderDigest(order as ReturnType<typeof polymarketOrderFields>, chainId));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get geoblockUrl(): string {
    return `${this.baseUrl}/api/geoblock`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private authorised(req: IncomingMessage, path: string, body: string): boolean {
    const ts = Number(req.headers.poly_timestamp);
    const expected = polymarketL2Signature(this.secret, ts, req.method ?? '', path, body);
    return req.headers.poly_signature === expected && typeof req.headers.poly_api_key === 'string';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const seen = `${req.method} ${url.pathname}`;
    this.requests.set(seen, (this.requests.get(seen) ?? 0) + 1);
    if (req.socket.remotePort !== undefined) this.remotePorts.add(req.socket.remotePort);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let text = '';
    for await (const chunk of req) text += chunk;
    if (req.method === 'GET' && url.pathname === '/time') return send(200, Math.floor(Date.now() / 1000));
    if (req.method === 'GET' && url.pathname === '/api/geoblock') {
      return send(200, { blocked: this.blocked, ip: '127.0.0.1', country: this.blocked ? 'US' : 'IE', region: '' });
    }
    if (!this.authorised(req, url.pathname, text)) return send(401, { error: 'Unauthorized/Invalid api key' });
    if (req.method === 'POST' && url.pathname === '/order') {
      const body = JSON.parse(text) as FakePolymarket['posts'][number];
      this.posts.push(body);
      const id = this.orderIdOf(body.order);
      if (this.orders.has(id)) return send(400, { success: false, errorMsg: 'order already exists' });
      // A BUY pays makerAmount (USDC, 6 decimals) for takerAmount (shares, 6 decimals); a SELL the other way round.
      const sell = body.order.side === 'SELL';
      const sharesAmount = Number(sell ? body.order.makerAmount : body.order.takerAmount);
      const usdAmount = Number(sell ? body.order.takerAmount : body.order.makerAmount);
      const shares = decimalString(Math.floor(sharesAmount / 10_000), 2, 2);
      const usd = decimalString(usdAmount, 6, 6);
      const price = decimalString(Math.round((usdAmount * 10_000) / sharesAmount), 4, 4);
      this.orders.set(id, {
        id,
        status: this.matchAll ? 'MATCHED' : 'CANCELED',
        sizeMatched: this.matchAll ? shares : '0',
        price,
      });
      return send(200, {
        success: true,
        errorMsg: '',
        orderID: id,
        takingAmount: this.matchAll ? (sell ? usd : shares) : '0',
        makingAmount: this.matchAll ? (sell ? shares : usd) : '0',
        status: this.matchAll ? 'matched' : 'unmatched',
        tradeIDs: this.matchAll ? [`trade-${id.slice(2, 10)}`] : [],
        ...this.feeAnswer(),
      });
    }
    const found = /^\/data\/order\/(0x[0-9a-f]+)$/.exec(url.pathname);
    if (req.method === 'GET' && found) {
      const order = this.orders.get(found[1]!);
      if (!order) return send(404, { error: 'not found' });
      return send(200, {
        id: order.id,
        status: order.status,
        size_matched: order.sizeMatched,
        price: order.price,
        ...this.feeAnswer(),
      });
    }
    send(404, { error: 'not found' });
  }

  private feeAnswer(): { fee_rate_bps?: string } {
    return this.feeRateBps === undefined ? {} : { fee_rate_bps: String(this.feeRateBps) };
  }
}
