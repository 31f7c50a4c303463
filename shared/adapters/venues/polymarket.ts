import { z } from 'zod';
import { OrderBook, parseHundredths, parseMicros } from '#domain';

const level = z.object({ price: z.string(), size: z.string() });

/** CLOB `GET /book?token_id=`: one outcome token's book; bids ascending, asks descending (REFERENCE.md 2). */
export const polymarketBook = z.object({
  market: z.string(),
  asset_id: z.string(),
  timestamp: z.string().regex(/^\d+$/),
  hash: z.string().optional(),
  bids: z.array(level),
  asks: z.array(level),
  min_order_size: z.string().optional(),
  tick_size: z.string().optional(),
});

export function parsePolymarketBook(body: unknown): { assetId: string; observedAtMs: number; book: OrderBook } {
  const raw = polymarketBook.parse(body);
  const toLevels = (levels: { price: string; size: string }[]) =>
    levels.map((l) => ({ priceMicros: parseMicros(l.price), quantity: parseHundredths(l.size) }));
  return {
    assetId: raw.asset_id,
    observedAtMs: Number(raw.timestamp),
    book: OrderBook.fromLevels({ bids: toLevels(raw.bids), asks: toLevels(raw.asks) }),
  };
}

/** Gamma market `feeSchedule`: takers pay shares x rate x (p(1-p))^exponent (REFERENCE.md 2). */
export const polymarketFeeScheduleSchema = z.object({
  rate: z.number().min(0).max(1),
  exponent: z.number().int().min(0).max(8),
});

/** A market's fee schedule in the shape the domain's fee rules take. */
export function parsePolymarketFeeSchedule(body: unknown): { venue: 'polymarket'; rate: number; exponent: number } {
  const { rate, exponent } = polymarketFeeScheduleSchema.parse(body);
  return { venue: 'polymarket', rate, exponent };
}
