import { z } from 'zod';
import { asksFromOppositeBids, OrderBook, type PriceLevel, parseHundredths, parseMicros } from '#domain';

const level = z.tuple([z.string(), z.string()]);

/** `GET /markets/{ticker}/orderbook`: bids only, ascending; omitted sides are empty (REFERENCE.md 1.5). */
export const kalshiOrderbookResponse = z.object({
  orderbook_fp: z.object({
    yes_dollars: z.array(level).optional(),
    no_dollars: z.array(level).optional(),
  }),
});

function toLevels(raw: [string, string][] | undefined): PriceLevel[] {
  return (raw ?? []).map(([price, count]) => ({ priceMicros: parseMicros(price), quantity: parseHundredths(count) }));
}

/** Kalshi publishes bids on both sides; each side's asks are the other side's bids mirrored (YES ask = 1 - NO bid). */
export function kalshiBooks(raw: { yes?: [string, string][]; no?: [string, string][] }): {
  yes: OrderBook;
  no: OrderBook;
} {
  const yesBids = toLevels(raw.yes);
  const noBids = toLevels(raw.no);
  return {
    yes: OrderBook.fromLevels({ bids: yesBids, asks: asksFromOppositeBids(noBids) }),
    no: OrderBook.fromLevels({ bids: noBids, asks: asksFromOppositeBids(yesBids) }),
  };
}

export function parseKalshiOrderbookResponse(body: unknown): { yes: OrderBook; no: OrderBook } {
  const parsed = kalshiOrderbookResponse.parse(body);
  return kalshiBooks({ yes: parsed.orderbook_fp.yes_dollars, no: parsed.orderbook_fp.no_dollars });
}
