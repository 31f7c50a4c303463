import { constants, type KeyObject, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kalshiSignatureMessage } from '#adapters/venues/kalshi/auth';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/venues/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** What the fake does with the next order it takes. */
export type KalshiBehaviour =
  /** Executed at once: one fill of the whole count. */
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
  status: 'resting' | 'canceled' | 'executed';
  count: number;
  price: string;
  fills: Record<string, unknown>[];
  /** Filled on the next lookup (partial behaviour). */
  rest?: { count: number; fee: string };
}

/**
 * A local HTTP server speaking Kalshi's REST order endpoints (REFERENCE.md 1.7) as the executor uses them. Every
 * request must carry Kalshi's three auth headers with an RSA-PSS signature that verifies under `publicKey` (else 401),
 * and a `client_order_id` Kalshi already holds is refused with 409, as Kalshi keeps them unique.
 */
export class FakeKalshi {
  readonly posts: Record<string, unknown>[] = [];
  readonly verifiedSignatures: string[] = [];
  readonly orders = new Map<string, FakeOrder>();
  behaviour: KalshiBehaviour = { kind: 'fill' };
  exchangeActive = true;
  private server: Server | undefined;
  private seq = 0;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly publicKey: KeyObject) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/trade-api/v2`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
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

  private fill(order: FakeOrder, count: number, fee: string): Record<string, unknown> {
    this.seq += 1;
    return {
      ...(fixture('kalshi_ws_fill.json').msg as Record<string, unknown>),
      trade_id: `trade-${order.order_id}-${this.seq}`,
      order_id: order.order_id,
      client_order_id: order.client_order_id,
      market_ticker: order.ticker,
      side: order.side,
      outcome_side: order.side,
      yes_price_dollars: order.side === 'yes' ? order.price : (1 - Number(order.price)).toFixed(4),
      no_price_dollars: order.side === 'no' ? order.price : (1 - Number(order.price)).toFixed(4),
      count_fp: count.toFixed(2),
      fee_cost: fee,
      ts_ms: Date.now(),
    };
  }

  private orderBody(order: FakeOrder): Record<string, unknown> {
    const filled = order.fills.reduce((sum, f) => sum + Number(f.count_fp), 0);
    return {
      ...(fixture('kalshi_create_order_response.json').order as Record<string, unknown>),
      order_id: order.order_id,
      client_order_id: order.client_order_id,
      ticker: order.ticker,
      side: order.side,
      status: order.status,
      fill_count_fp: filled.toFixed(2),
      remaining_count_fp: (order.count - filled).toFixed(2),
      initial_count_fp: order.count.toFixed(2),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
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
        status: 'executed',
        count: Number(body.count),
        price: String(body[side === 'yes' ? 'yes_price_dollars' : 'no_price_dollars']),
        fills: [],
      };
      if (behaviour.kind === 'partial') {
        order.status = 'resting';
        order.fills.push(this.fill(order, behaviour.first, behaviour.feeDollars[0]));
        order.rest = { count: order.count - behaviour.first, fee: behaviour.feeDollars[1] };
      } else {
        const fee = behaviour.kind === 'fill' && behaviour.feeDollars ? behaviour.feeDollars(order.count) : '0.0100';
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
