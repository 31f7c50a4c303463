import type { Side, Venue } from '#domain/names';
import type { TopOfBook } from '#domain/prices';
import { assertSafeInteger, epochMs, type Queryable, safeInteger } from './rows.ts';

function checked(price: TopOfBook): TopOfBook {
  assertSafeInteger('observedAtMs', price.observedAtMs);
  for (const [name, value] of [
    ['bidMicros', price.bidMicros],
    ['askMicros', price.askMicros],
    ['bidSizeHundredths', price.bidSizeHundredths],
    ['askSizeHundredths', price.askSizeHundredths],
  ] as const) {
    if (value !== null) assertSafeInteger(name, value);
  }
  return price;
}

/**
 * Writes a batch of observations in one statement. An observation already stored (same time, market and side) is
 * updated in place, never duplicated, so a redelivered price message changes nothing. Returns rows written.
 */
export async function upsertMarketPrices(db: Queryable, prices: readonly TopOfBook[]): Promise<number> {
  // One statement cannot touch the same row twice: within a batch the last observation of a key wins.
  const byKey = new Map<string, TopOfBook>();
  for (const price of prices) byKey.set(`${price.marketId}|${price.side}|${price.observedAtMs}`, checked(price));
  const rows = [...byKey.values()];
  if (rows.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO market_prices AS p (observed_at, market_id, venue, side, bid_micros, ask_micros,
                                    bid_size_hundredths, ask_size_hundredths)
     SELECT timestamptz 'epoch' + t.observed_at_ms * interval '1 millisecond', t.market_id, t.venue, t.side, t.bid, t.ask, t.bid_size, t.ask_size
       FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
                   $8::bigint[]) AS t(observed_at_ms, market_id, venue, side, bid, ask, bid_size, ask_size)
     ON CONFLICT (market_id, side, observed_at) DO UPDATE
        SET bid_micros = EXCLUDED.bid_micros, ask_micros = EXCLUDED.ask_micros,
            bid_size_hundredths = EXCLUDED.bid_size_hundredths, ask_size_hundredths = EXCLUDED.ask_size_hundredths,
            received_at = now()`,
    [
      rows.map((r) => r.observedAtMs),
      rows.map((r) => r.marketId),
      rows.map((r) => r.venue),
      rows.map((r) => r.side),
      rows.map((r) => r.bidMicros),
      rows.map((r) => r.askMicros),
      rows.map((r) => r.bidSizeHundredths),
      rows.map((r) => r.askSizeHundredths),
    ],
  );
  return result.rowCount ?? 0;
}

interface MarketPriceRow {
  observed_at: Date;
  market_id: string;
  venue: Venue;
  side: Side;
  bid_micros: number | string | null;
  ask_micros: number | string | null;
  bid_size_hundredths: number | string | null;
  ask_size_hundredths: number | string | null;
}

const nullableInteger = (value: number | string | null): number | null => (value === null ? null : safeInteger(value));

function toTopOfBook(row: MarketPriceRow): TopOfBook {
  return {
    observedAtMs: epochMs(row.observed_at),
    marketId: row.market_id,
    venue: row.venue,
    side: row.side,
    bidMicros: nullableInteger(row.bid_micros),
    askMicros: nullableInteger(row.ask_micros),
    bidSizeHundredths: nullableInteger(row.bid_size_hundredths),
    askSizeHundredths: nullableInteger(row.ask_size_hundredths),
  };
}

/** The most recent observation of a market side, or undefined if none is stored. */
export async function latestMarketPrice(db: Queryable, marketId: string, side: Side): Promise<TopOfBook | undefined> {
  const { rows } = await db.query<MarketPriceRow>(
    `SELECT observed_at, market_id, venue, side, bid_micros, ask_micros, bid_size_hundredths, ask_size_hundredths
       FROM market_prices WHERE market_id = $1 AND side = $2 ORDER BY observed_at DESC LIMIT 1`,
    [marketId, side],
  );
  const [row] = rows;
  return row && toTopOfBook(row);
}
