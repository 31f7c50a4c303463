import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kalshiSignatureMessage } from '#adapters/venues/kalshi/auth';
import { decimalString } from '#adapters/venues/order-http';
import { kalshiOrderFeeMicros } from '#domain/fees';
import { parseHundredths, parseMicros, priceMicros, quantityHundredths } from '#domain/units';

/** What the fake does with the next order it takes. */
export type KalshiBehaviour =
  /** Executed at once: one fill of the whole count, with Kalshi's taker fee unless `feeDollars` says otherwise. */
  | { kind: 'fill'; feeDollars?: (count: number) => string }
  /** Rests with `first` contracts filled; the rest fills when the order is next looked up. */
  | { kind: 'partial'; first: number; feeDollars: [string, string] }
  /** Takes (and fills) the order but answers only after `delayMs`: the client times out first. */
  | { kind: 'slow'; delayMs: number }
  /** Refuses it with a 400 and a code. */
  | { kind: 'reject'; code: string };

interface FakeOrder {
  order_id: string;
  client_order_id: string;
  ticker: string;
  side: 'yes' | 'no';
  action: 'buy' | 'sell';
  status: 'resting' | 'canceled' | 'executed';
  /** Hundredths of a contract. */
  count: number;
  /** Micros, of the side bought. */
  priceMicros: number;
  fills: Record<string, unknown>[];
  /** Filled on the next lookup (partial behaviour). */
  rest?: { count: number; fee: string };
}

/** The fields of fixture kalshi_ws_fill.json (`msg`) that the fake does not set per fill. */
const FILL_TEMPLATE = {
  is_taker: true,
  purchased_side: 'yes',
  book_side: 'bid',
};

/** The fields of fixture kalshi_create_order_response.json (`order`) that the fake does not set per order. */
const ORDER_TEMPLATE = {
  user_id: '4c8d2e1f-0a9b-4e7c-b6d5-1f2e3a4b5c6d',
  book_side: 'bid',
  type: 'limit',
  maker_fill_cost_dollars: '0.0000',
  maker_fees_dollars: '0.0000',
  expiration_time: null,
  self_trade_prevention_type: 'taker_at_cross',
  order_group_id: null,
  cancel_order_on_pause: false,
  subaccount_number: 0,
  exchange_index: 0,
};

const dollars = (micros: number) => decimalString(micros, 6, 4);

/**
 * A local HTTP server speaking Kalshi's REST order endpoints (REFERENCE.md 1.7) as the executor uses them, plus
 * `GET /exchange/status` (the eligibility check). Every order request must carry Kalshi's three auth headers with an
 * RSA-PSS signature that verifies under `publicKey` (else 401), and a `client_order_id` Kalshi already holds is
 * refused with 409, as Kalshi keeps them unique. A stand-in for tests and local mode: never deployed.
 */
export class FakeKalshi {
  readonly posts: Record<string, unknown>[] = [];
  readonly verifiedSignatures: string[] = [];
  readonly orders = new Map<string, FakeOrder>();
  behaviour: KalshiBehaviour = { kind: 'fill' };
  exchangeActive = true;
  /** Requests seen, by `METHOD path` (no query), for tests and the local run's report. */
  readonly requests = new Map<string, number>();
  /** The client port of every connection a request came on: a test matches them to the egress proxy's own ports. */
  readonly remotePorts = new Set<number>();
  private server: Server | undefined;
  private seq = 0;
  private readonly pending = new Set<NodeJS.Timeout>();

  private readonly publicKey: KeyObject;

  /** `publicKey`: the key (or its PEM) whose private half signs the requests. */
  constructor(publicKey: KeyObject | string) {
    this.publicKey = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/trade-api/v2`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const t of this.pending) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private verified(req: IncomingMessage, path: string): boolean {
    const key = req.headers['kalshi-access-key'];
    const ts = req.headers['kalshi-access-timestamp'];
    const sig = req.headers['kalshi-access-signature'];
    if (typeof key !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
    const ok = verify(
      'sha256',
      Buffer.from(kalshiSignatureMessage(Number(ts), req.method ?? '', path)),
      { key: this.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      Buffer.from(sig, 'base64'),
    );
    if (ok) this.verifiedSignatures.push(`${req.method} ${path}`);
    return ok;
  }

  /** Kalshi's taker fee on one fill of `count` hundredths at the order's price, as Kalshi's fee table charges it. */
  private takerFee(order: FakeOrder, count: number): string {
    return dollars(
      kalshiOrderFeeMicros([{ priceMicros: priceMicros(order.priceMicros), quantity: quantityHundredths(count) }]),
    );
  }

  private fill(order: FakeOrder, count: number, fee: string): Record<string, unknown> {
    this.seq += 1;
    const other = 1_000_000 - order.priceMicros;
    const now = Date.now();
    return {
      ...FILL_TEMPLATE,
      action: order.action,
      trade_id: `trade-${order.order_id}-${this.seq}`,
      order_id: order.order_id,
      client_order_id: order.client_order_id,
      market_ticker: order.ticker,
      side: order.side,
      outcome_side: order.side,
      yes_price_dollars: dollars(order.side === 'yes' ? order.priceMicros : other),
      no_price_dollars: dollars(order.side === 'no' ? order.priceMicros : other),
      count_fp: decimalString(count, 2, 2),
      fee_cost: fee,
      post_position_fp: decimalString(count, 2, 2),
      ts: Math.floor(now / 1000),
      ts_ms: now,
    };
  }

  private orderBody(order: FakeOrder): Record<string, unknown> {
    const filled = order.fills.reduce((sum, f) => sum + parseHundredths(String(f.count_fp)), 0);
    const fees = order.fills.reduce((sum, f) => sum + parseMicros(String(f.fee_cost)), 0);
    const other = 1_000_000 - order.priceMicros;
    const at = new Date().toISOString();
    return {
      ...ORDER_TEMPLATE,
      action: order.action,
      order_id: order.order_id,
      client_order_id: order.client_order_id,
      ticker: order.ticker,
      side: order.side,
      outcome_side: order.side,
      status: order.status,
      yes_price_dollars: dollars(order.side === 'yes' ? order.priceMicros : other),
      no_price_dollars: dollars(order.side === 'no' ? order.priceMicros : other),
      fill_count_fp: decimalString(filled, 2, 2),
      remaining_count_fp: decimalString(order.count - filled, 2, 2),
      initial_count_fp: decimalString(order.count, 2, 2),
      taker_fill_cost_dollars: decimalString(Math.ceil((order.priceMicros * filled) / 100), 6, 6),
      taker_fees_dollars: dollars(fees),
      created_time: at,
      last_update_time: at,
    };
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
    if (url.pathname === '/trade-api/v2/exchange/status') {
      return send(200, { exchange_active: this.exchangeActive, trading_active: this.exchangeActive });
    }
    if (!this.verified(req, url.pathname)) return send(401, { error: { code: 'authentication_error' } });
    if (req.method === 'POST' && url.pathname === '/trade-api/v2/portfolio/orders') {
      let text = '';
      for await (const chunk of req) text += chunk;
      const body = JSON.parse(text) as Record<string, unknown>;
      this.posts.push(body);
      const clientOrderId = String(body.client_order_id);
      if (this.orders.has(clientOrderId)) return send(409, { error: { code: 'order_already_exists' } });
      const behaviour = this.behaviour;
      if (behaviour.kind === 'reject') return send(400, { error: { code: behaviour.code } });
      const side = body.side as 'yes' | 'no';
      const order: FakeOrder = {
        order_id: `kalshi-order-${this.orders.size + 1}`,
        client_order_id: clientOrderId,
        ticker: String(body.ticker),
        side,
        action: body.action === 'sell' ? 'sell' : 'buy',
        status: 'executed',
        count: body.count === undefined ? parseHundredths(String(body.count_fp)) : Number(body.count) * 100,
        priceMicros: parseMicros(String(body[side === 'yes' ? 'yes_price_dollars' : 'no_price_dollars'])),
        fills: [],
      };
      if (behaviour.kind === 'partial') {
        const first = behaviour.first * 100;
        order.status = 'resting';
        order.fills.push(this.fill(order, first, behaviour.feeDollars[0]));
        order.rest = { count: order.count - first, fee: behaviour.feeDollars[1] };
      } else {
        const fee =
          behaviour.kind === 'fill' && behaviour.feeDollars
            ? behaviour.feeDollars(order.count / 100)
            : this.takerFee(order, order.count);
        order.fills.push(this.fill(order, order.count, fee));
      }
      this.orders.set(clientOrderId, order);
      if (behaviour.kind === 'slow') {
        const timer = setTimeout(() => {
          this.pending.delete(timer);
          if (!res.destroyed) send(201, { order: this.orderBody(order) });
        }, behaviour.delayMs);
        this.pending.add(timer);
        return;
      }
      return send(201, { order: this.orderBody(order) });
    }
    if (req.method === 'GET' && url.pathname === '/trade-api/v2/portfolio/orders') {
      const order = this.orders.get(url.searchParams.get('client_order_id') ?? '');
      if (order?.rest) {
        order.fills.push(this.fill(order, order.rest.count, order.rest.fee));
        order.status = 'executed';
        order.rest = undefined;
      }
      return send(200, { orders: order ? [this.orderBody(order)] : [], cursor: '' });
    }
    if (req.method === 'GET' && url.pathname === '/trade-api/v2/portfolio/fills') {
      const orderId = url.searchParams.get('order_id');
      const order = [...this.orders.values()].find((o) => o.order_id === orderId);
      return send(200, { fills: order?.fills ?? [], cursor: '' });
    }
    send(404, { error: { code: 'not_found' } });
  }
}
