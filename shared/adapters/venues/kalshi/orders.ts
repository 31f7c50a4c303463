/**
 * Kalshi's order endpoints (REFERENCE.md 1.7), signed with the API key (auth.ts) and sent through the egress:
 * `POST /portfolio/orders` (a limit buy at our price, immediate-or-cancel so nothing rests, with our
 * `client_order_id`, which Kalshi keeps unique per member), `GET /portfolio/orders?client_order_id=` to find an order
 * of unknown outcome, and `GET /portfolio/fills?order_id=` for its fills with Kalshi's own `fee_cost`. Kalshi's SDK
 * goes through axios and cannot take the egress' fetch, so these few calls are written here.
 */
import { z } from 'zod';
import {
  CONTRACT_PAYOUT_MICROS,
  costMicros,
  moneyMicros,
  parseHundredths,
  parseMicros,
  priceMicros,
  quantityHundredths,
} from '#domain/units';
import type {
  EgressFetch,
  OrderToPlace,
  VenueFill,
  VenueOrderClient,
  VenueOrderReport,
} from '../../../ports/execution.ts';
import { decimalString, orderHttp } from '../order-http.ts';
import type { KalshiSigner } from './auth.ts';

export interface KalshiOrdersOptions {
  /** Up to and including `/trade-api/v2` (demo: `https://demo-api.kalshi.co/trade-api/v2`). */
  baseUrl: string;
  egress: EgressFetch;
  signer: KalshiSigner;
  timeoutMs?: number;
}

const dollars = z.string().transform((text, ctx) => {
  try {
    return parseMicros(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a dollar amount: ${text}` });
    return z.NEVER;
  }
});
const count = z.string().transform((text, ctx) => {
  try {
    return quantityHundredths(Math.max(0, parseHundredths(text)), 'count');
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a count: ${text}` });
    return z.NEVER;
  }
});

const orderSchema = z.object({
  order_id: z.string().min(1),
  client_order_id: z.string().nullish(),
  status: z.enum(['resting', 'canceled', 'executed', 'pending']),
  fill_count_fp: count.optional(),
});

/** A fill as the WebSocket `fill` message and `GET /portfolio/fills` carry it (REFERENCE.md 1.6). */
const fillSchema = z.object({
  trade_id: z.string().min(1),
  fill_id: z.string().optional(),
  order_id: z.string(),
  side: z.enum(['yes', 'no']).optional(),
  outcome_side: z.enum(['yes', 'no']).optional(),
  is_taker: z.boolean(),
  yes_price_dollars: dollars,
  no_price_dollars: dollars.optional(),
  count_fp: count,
  fee_cost: dollars,
  ts_ms: z.number().int().optional(),
  ts: z.number().int().optional(),
});
export type KalshiFill = z.infer<typeof fillSchema>;

/** A `fill` message of Kalshi's private WebSocket channel (fixture kalshi_ws_fill), for `applyStreamedFills`. */
export function parseKalshiFillMessage(raw: string): { clientOrderId: string | null; fill: KalshiFill } | null {
  const frame = z.object({ type: z.string(), msg: z.unknown() }).parse(JSON.parse(raw));
  if (frame.type !== 'fill') return null;
  const fill = fillSchema.extend({ client_order_id: z.string().nullish() }).parse(frame.msg);
  return { clientOrderId: fill.client_order_id ?? null, fill };
}

/**
 * Kalshi's fill in our units: the price of the side traded, its exact cost (a sale's proceeds, rounded down), and
 * Kalshi's fee as it charged it.
 */
export function kalshiFillOf(fill: KalshiFill, side: 'yes' | 'no', action: 'buy' | 'sell' = 'buy'): VenueFill {
  const price =
    side === 'yes'
      ? fill.yes_price_dollars
      : (fill.no_price_dollars ?? CONTRACT_PAYOUT_MICROS - fill.yes_price_dollars);
  return {
    venueFillId: fill.fill_id ?? fill.trade_id,
    quantity: fill.count_fp,
    priceMicros: priceMicros(price),
    costMicros: costMicros(price, fill.count_fp, action === 'sell' ? 'down' : 'up'),
    feeMicros: moneyMicros(fill.fee_cost),
    liquidity: fill.is_taker ? 'taker' : 'maker',
    filledAtMs: fill.ts_ms ?? (fill.ts ?? 0) * 1000,
  };
}

/** The body of `POST /portfolio/orders` for `order` (the shape of fixture kalshi_create_order_request). */
export function kalshiCreateOrderBody(order: OrderToPlace): Record<string, unknown> {
  const whole = order.quantity % 100 === 0;
  const price = decimalString(order.limitPriceMicros, 6, 4);
  return {
    ticker: order.venueMarketId,
    client_order_id: order.clientOrderId,
    side: order.side,
    action: order.action ?? 'buy',
    ...(whole ? { count: order.quantity / 100 } : { count_fp: decimalString(order.quantity, 2, 2) }),
    [order.side === 'yes' ? 'yes_price_dollars' : 'no_price_dollars']: price,
    time_in_force: 'immediate_or_cancel',
  };
}

export function createKalshiOrderClient(options: KalshiOrdersOptions): VenueOrderClient {
  const http = orderHttp('kalshi', options.egress, options.timeoutMs ?? 5_000);
  const base = options.baseUrl.replace(/\/$/, '');
  const signed = (method: string, url: string): Record<string, string> => ({
    ...options.signer(method, new URL(url).pathname),
  });

  const fillsOf = async (order: OrderToPlace, orderId: string): Promise<VenueFill[]> => {
    const fills: VenueFill[] = [];
    let cursor: string | undefined;
    do {
      const url = `${base}/portfolio/fills?order_id=${encodeURIComponent(orderId)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = z
        .object({ fills: z.array(fillSchema), cursor: z.string().nullish() })
        .parse(await http.send(url, { method: 'GET', headers: signed('GET', url) }));
      fills.push(
        ...body.fills.filter((f) => f.order_id === orderId).map((f) => kalshiFillOf(f, order.side, order.action)),
      );
      cursor = body.cursor || undefined;
    } while (cursor);
    return fills;
  };

  const report = async (order: OrderToPlace, raw: z.infer<typeof orderSchema>): Promise<VenueOrderReport> => {
    const fills = (raw.fill_count_fp ?? 1) > 0 ? await fillsOf(order, raw.order_id) : [];
    return {
      venueOrderId: raw.order_id,
      state: raw.status === 'resting' || raw.status === 'pending' ? 'open' : 'done',
      filledQuantity: quantityHundredths(fills.reduce((sum, f) => sum + f.quantity, 0)),
      fills,
    };
  };

  return {
    venue: 'kalshi',
    async place(order) {
      const url = `${base}/portfolio/orders`;
      const body = JSON.stringify(kalshiCreateOrderBody(order));
      const answer = await http.send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed('POST', url) },
        body,
      });
      return report(order, z.object({ order: orderSchema }).parse(answer).order);
    },
    async lookup(order) {
      const url = `${base}/portfolio/orders?client_order_id=${encodeURIComponent(order.clientOrderId)}`;
      const answer = await http.read(url, { method: 'GET', headers: signed('GET', url) });
      if (answer === null) return null;
      const found = z
        .object({ orders: z.array(orderSchema) })
        .parse(answer)
        .orders.find((o) => o.client_order_id === order.clientOrderId);
      return found ? report(order, found) : null;
    },
  };
}
