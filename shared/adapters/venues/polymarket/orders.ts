/**
 * Polymarket CLOB V2 orders (REFERENCE.md 2.7) through the egress: an EIP-712 signed order (domain "Polymarket CTF
 * Exchange" version "2") posted to `POST /order` with the L2 API-key headers, and `GET /data/order/{id}` to look one
 * up. The order id Polymarket answers with is the order's EIP-712 hash, and every field we sign is fixed by our order
 * record (the salt derives from the client order id, the timestamp is the record's creation time), so a resend is the
 * same order with the same id: it is looked up by that hash before it is sent again, and cannot be taken twice.
 *
 * Not `@polymarket/clob-client-v2`: it pulls in ethers and viem for what is one typed-data signature and one HMAC, and
 * its HTTP client cannot take the egress' fetch. The signature uses @noble/curves (shared/adapters/crypto/eip712.ts).
 *
 * Orders are FAK (fill and kill): a marketable order on a sports market waits 3 s and is then matched or killed, so
 * nothing rests into game start, when Polymarket cancels resting orders (RULES.md 5). Only plain (not neg-risk) CTF
 * markets: the neg-risk exchange is another verifying contract.
 */
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { polymarketOrderFeeMicros } from '#domain/fees';
import { costMicros, moneyMicros, parseHundredths, parseMicros, priceMicros, quantityHundredths } from '#domain/units';
import type { EgressFetch, OrderToPlace, VenueOrderClient, VenueOrderReport } from '../../../ports/execution.ts';
import { addressOf, bytesToHex, signDigest, type TypedTypes, typedDataDigest } from '../../crypto/eip712.ts';
import { orderHttp } from '../order-http.ts';

export const CTF_EXCHANGE_V2 = '0xE111180000d2663C0091e4f400237545B87B996B';
const ZERO_BYTES32 = `0x${'0'.repeat(64)}`;

export const ORDER_TYPES: TypedTypes = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
};

/** What the executor's secret holds: the wallet key and the L2 API credentials derived for it. */
export const polymarketCredentialsSchema = z.object({
  privateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  apiKey: z.string().min(1),
  secret: z.string().min(1),
  passphrase: z.string().min(1),
  /** The funder (proxy or safe wallet) when it is not the signing key's own address. */
  funder: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  signatureType: z.number().int().min(0).max(3).default(0),
});
export type PolymarketCredentials = z.infer<typeof polymarketCredentialsSchema>;

export interface PolymarketOrdersOptions {
  baseUrl: string;
  egress: EgressFetch;
  credentials: () => PolymarketCredentials;
  chainId?: number;
  timeoutMs?: number;
  now: () => number;
}

/**
 * The signed-order fields for `order` (amounts in 6-decimal base units, i.e. micros): a BUY gives USDC (the cost, rounded
 * up) for shares; a SELL gives shares for at least the proceeds at the limit, rounded down.
 */
export function polymarketOrderFields(order: OrderToPlace, maker: string, signer: string, signatureType: number) {
  // A salt below 2^48, so it is an exact JSON number as the API takes it.
  const salt = Number.parseInt(createHash('sha256').update(order.clientOrderId).digest('hex').slice(0, 12), 16);
  const shares = String(order.quantity * 10_000);
  const sell = order.action === 'sell';
  return {
    salt,
    maker,
    signer,
    tokenId: order.venueMarketId,
    makerAmount: sell ? shares : String(costMicros(order.limitPriceMicros, order.quantity, 'up')),
    takerAmount: sell ? String(costMicros(order.limitPriceMicros, order.quantity, 'down')) : shares,
    side: (sell ? 'SELL' : 'BUY') as 'BUY' | 'SELL',
    signatureType,
    timestamp: String(order.createdAtMs),
    expiration: '0',
    metadata: ZERO_BYTES32,
    builder: ZERO_BYTES32,
  };
}

type OrderFields = ReturnType<typeof polymarketOrderFields>;

export function polymarketOrderDigest(fields: OrderFields, chainId: number): Uint8Array {
  return typedDataDigest(
    { name: 'Polymarket CTF Exchange', version: '2', chainId, verifyingContract: CTF_EXCHANGE_V2 },
    'Order',
    { ...fields, side: fields.side === 'BUY' ? 0 : 1 },
    ORDER_TYPES,
  );
}

/** L2 auth: HMAC-SHA256 of `timestamp + METHOD + path + body` under the base64 secret, URL-safe base64 out. */
export function polymarketL2Signature(secret: string, timestampS: number, method: string, path: string, body = '') {
  const key = Buffer.from(secret.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return createHmac('sha256', key)
    .update(`${timestampS}${method}${path}${body}`)
    .digest('base64')
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}

const shares = z.string().transform((text, ctx) => {
  try {
    return quantityHundredths(Math.max(0, parseHundredths(text)), 'shares');
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a share count: ${text}` });
    return z.NEVER;
  }
});
const usd = z.string().transform((text, ctx) => {
  try {
    return parseMicros(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not an amount: ${text}` });
    return z.NEVER;
  }
});

/** The CLOB's fee rate in basis points when an answer carries one (`fee_rate_bps`, as on the market channel's trades, REFERENCE.md 2). */
const feeRateBps = z.union([z.string().regex(/^\d+$/).transform(Number), z.number().int().nonnegative()]).optional();

const postResponse = z.object({
  success: z.boolean(),
  fee_rate_bps: feeRateBps,
  errorMsg: z.string().default(''),
  orderID: z.string().default(''),
  takingAmount: z.string().default('0'),
  makingAmount: z.string().default('0'),
  status: z.string().default(''),
});

const orderResponse = z.object({
  id: z.string(),
  status: z.string(),
  size_matched: z.string().default('0').pipe(shares),
  price: usd.optional(),
  fee_rate_bps: feeRateBps,
});

export function createPolymarketOrderClient(options: PolymarketOrdersOptions): VenueOrderClient {
  const http = orderHttp('polymarket', options.egress, options.timeoutMs ?? 5_000);
  const base = options.baseUrl.replace(/\/$/, '');
  const chainId = options.chainId ?? 137;

  const headers = (method: string, path: string, body?: string) => {
    const c = options.credentials();
    const ts = Math.floor(options.now() / 1000);
    return {
      POLY_ADDRESS: addressOf(c.privateKey),
      POLY_SIGNATURE: polymarketL2Signature(c.secret, ts, method, path, body),
      POLY_TIMESTAMP: String(ts),
      POLY_API_KEY: c.apiKey,
      POLY_PASSPHRASE: c.passphrase,
    };
  };

  const signed = (order: OrderToPlace) => {
    const c = options.credentials();
    const signer = addressOf(c.privateKey);
    const fields = polymarketOrderFields(order, c.funder ?? signer, signer, c.signatureType);
    const digest = polymarketOrderDigest(fields, chainId);
    return { fields, orderId: bytesToHex(digest), signature: signDigest(digest, c.privateKey), owner: c.apiKey };
  };

  /** One aggregated fill per order: a FAK order is matched once, so its id is the fill's. */
  const reportOf = (
    order: OrderToPlace,
    venueOrderId: string,
    matched: number,
    cost: number,
    state: VenueOrderReport['state'],
    venueFeeRateBps?: number,
  ): VenueOrderReport => {
    const marketRule = order.fee.venue === 'polymarket' ? order.fee : {};
    // The venue's own rate when its answer carries one (the bankroll pays what the venue charged); else the market's
    // rule. The executor compares it with the rule's fee, so a difference is counted and alarmed as for Kalshi.
    const schedule = venueFeeRateBps === undefined ? marketRule : { ...marketRule, rate: venueFeeRateBps / 10_000 };
    const quantity = quantityHundredths(matched);
    const fills =
      matched > 0
        ? [
            {
              venueFillId: venueOrderId,
              quantity,
              priceMicros: priceMicros(Math.min(999_999, Math.ceil((cost * 100) / matched))),
              costMicros: moneyMicros(cost),
              feeMicros: moneyMicros(
                polymarketOrderFeeMicros([{ priceMicros: order.limitPriceMicros, quantity }], schedule),
              ),
              liquidity: 'taker' as const,
              filledAtMs: options.now(),
            },
          ]
        : [];
    return { venueOrderId, state, filledQuantity: quantity, fills };
  };

  return {
    venue: 'polymarket',
    async place(order) {
      const { fields, orderId, signature, owner } = signed(order);
      const body = JSON.stringify({
        order: { ...fields, signature },
        owner,
        orderType: 'FAK',
        deferExec: false,
        postOnly: false,
      });
      const answer = postResponse.parse(
        await http.send(`${base}/order`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers('POST', '/order', body) },
          body,
        }),
      );
      if (!answer.success) {
        return {
          venueOrderId: answer.orderID || orderId,
          state: 'rejected',
          filledQuantity: quantityHundredths(0),
          fills: [],
          detail: answer.errorMsg || 'rejected',
        };
      }
      const status = answer.status.toLowerCase();
      if (status === 'matched') {
        // The amounts are the order's own: a BUY makes USDC and takes shares, a SELL the other way round.
        const [sharesText, usdText] =
          order.action === 'sell'
            ? [answer.makingAmount, answer.takingAmount]
            : [answer.takingAmount, answer.makingAmount];
        const matched = shares.parse(sharesText);
        return reportOf(order, answer.orderID || orderId, matched, usd.parse(usdText), 'done', answer.fee_rate_bps);
      }
      return reportOf(order, answer.orderID || orderId, 0, 0, status === 'unmatched' ? 'done' : 'open');
    },
    async lookup(order, venueOrderId) {
      const id = venueOrderId ?? signed(order).orderId;
      const path = `/data/order/${id}`;
      const answer = await http.read(`${base}${path}`, { method: 'GET', headers: headers('GET', path) });
      if (answer === null || (typeof answer === 'object' && answer !== null && Object.keys(answer).length === 0)) {
        return null;
      }
      const found = orderResponse.parse(answer);
      const status = found.status.toUpperCase().replace(/^ORDER_STATUS_/, '');
      const matched = found.size_matched;
      // What a buy paid is rounded up, what a sale brought in down: both against us.
      const cost = costMicros(found.price ?? order.limitPriceMicros, matched, order.action === 'sell' ? 'down' : 'up');
      if (status === 'INVALID') return { ...reportOf(order, found.id, 0, 0, 'rejected'), detail: 'invalid' };
      const state = status === 'LIVE' || status === 'DELAYED' ? 'open' : 'done';
      return reportOf(order, found.id, matched, cost, state, found.fee_rate_bps);
    },
  };
}
