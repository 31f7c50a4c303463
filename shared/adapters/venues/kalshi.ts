import { z } from 'zod';
import { type BookLevel, type BookSides, sortBestFirst } from './book-levels.ts';
import { parsePriceMicros, parseQuantityHundredths } from './decimal.ts';

const level = z.tuple([z.string(), z.string()]);

/** `GET /markets/{ticker}/orderbook`: bids only, ascending; omitted sides are empty (REFERENCE.md 1.5). */
export const kalshiOrderbookResponse = z.object({
  orderbook_fp: z.object({
    yes_dollars: z.array(level).optional(),
    no_dollars: z.array(level).optional(),
  }),
});

function toLevels(raw: [string, string][] | undefined): BookLevel[] {
  return (raw ?? []).map(([price, count]) => ({
    priceMicros: parsePriceMicros(price),
    quantityHundredths: parseQuantityHundredths(count),
  }));
}

/**
 * Kalshi publishes bids on both sides; a NO bid at p is a YES ask at 1 - p. Returns the YES and NO books
 * with asks derived that way, best first.
 */
export function kalshiBooks(raw: { yes?: [string, string][]; no?: [string, string][] }): {
  yes: BookSides;
  no: BookSides;
} {
  const yesBids = toLevels(raw.yes);
  const noBids = toLevels(raw.no);
  const complement = (levels: BookLevel[]) =>
    levels.map((l) => ({ priceMicros: 1_000_000 - l.priceMicros, quantityHundredths: l.quantityHundredths }));
  return {
    yes: { bids: sortBestFirst(yesBids, 'bids'), asks: sortBestFirst(complement(noBids), 'asks') },
    no: { bids: sortBestFirst(noBids, 'bids'), asks: sortBestFirst(complement(yesBids), 'asks') },
  };
}

export function parseKalshiOrderbookResponse(body: unknown): { yes: BookSides; no: BookSides } {
  const parsed = kalshiOrderbookResponse.parse(body);
  return kalshiBooks({ yes: parsed.orderbook_fp.yes_dollars, no: parsed.orderbook_fp.no_dollars });
}
