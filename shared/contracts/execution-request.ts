import { z } from 'zod';
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
  limitPriceMicros: askPriceMicrosSchema,
});
export type ExecutionRequest = z.infer<typeof executionRequestSchema>;
