import { z } from 'zod';
import { contractsOf, type PriceMicros, priceMicros, type QuantityHundredths } from '#domain/units';
import { askPriceMicrosSchema, sideSchema, venueSchema } from './common.ts';

/** Live mode: an order for the venue executor. `clientOrderId` is the venue-side idempotency key. */
export const executionRequestSchema = z.object({
  type: z.literal('execution_request'),
  v: z.literal(1),
  signalId: z.uuid(),
  orderId: z.uuid(),
  clientOrderId: z.string().min(1).max(128),
  venue: venueSchema,
  venueMarketId: z.string().min(1).max(200),
  side: sideSchema,
  /** Whole contracts: the orders we send are whole unless the market allows fractions. */
  count: z.number().int().positive(),
  /** Parsed to the domain's price type: the executor must not mistake it for money or a count. */
  limitPriceMicros: askPriceMicrosSchema.transform((n) => priceMicros(n)),
});
export type ExecutionRequest = z.infer<typeof executionRequestSchema>;

export interface ExecutionOrder {
  signalId: string;
  orderId: string;
  clientOrderId: string;
  venue: ExecutionRequest['venue'];
  venueMarketId: string;
  side: ExecutionRequest['side'];
  /** The order's size as stored, in hundredths of a contract. */
  countHundredths: QuantityHundredths;
  limitPriceMicros: PriceMicros;
}

/** The request for one decided order: the one place its stored hundredths become the venue's contract count. */
export function executionRequestFor(order: ExecutionOrder): ExecutionRequest {
  return {
    type: 'execution_request',
    v: 1,
    signalId: order.signalId,
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    venue: order.venue,
    venueMarketId: order.venueMarketId,
    side: order.side,
    count: contractsOf(order.countHundredths),
    limitPriceMicros: order.limitPriceMicros,
  };
}
