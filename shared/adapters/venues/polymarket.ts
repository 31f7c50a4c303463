import { z } from 'zod';
import { type BookSides, sortBestFirst } from './book-levels.ts';
import { parsePriceMicros, parseQuantityHundredths } from './decimal.ts';

const level = z.object({ price: z.string(), size: z.string() });

/** CLOB `GET /book?token_id=`: one outcome token's book; bids ascending, asks descending (REFERENCE.md 2). */
export const polymarketBook = z.object({
  market: z.string(),
  asset_id: z.string(),
  timestamp: z.string(),
  hash: z.string().optional(),
  bids: z.array(level),
  asks: z.array(level),
  min_order_size: z.string().optional(),
  tick_size: z.string().optional(),
});

export function parsePolymarketBook(body: unknown): BookSides & { assetId: string; observedAtMs: number } {
  const book = polymarketBook.parse(body);
  const toLevels = (levels: { price: string; size: string }[]) =>
    levels.map((l) => ({
      priceMicros: parsePriceMicros(l.price),
      quantityHundredths: parseQuantityHundredths(l.size),
    }));
  return {
    assetId: book.asset_id,
    observedAtMs: Number(book.timestamp),
    bids: sortBestFirst(toLevels(book.bids), 'bids'),
    asks: sortBestFirst(toLevels(book.asks), 'asks'),
  };
}
