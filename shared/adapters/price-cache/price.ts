import { z } from 'zod';
import { sides, venues } from '#domain/names';
import type { MarketSideId, TopOfBook } from '#domain/prices';

/** Entries outlive any staleness limit readers apply (30 s by default) by far, and quiet markets still drop out. */
export const DEFAULT_TTL_MS = 3_600_000;

const micros = z.number().int().min(0).max(1_000_000);
const hundredths = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A cached price, checked on the way in and on the way out (the store is outside the process). */
export const topOfBookSchema = z.strictObject({
  marketId: z.string().min(1).max(128),
  side: z.enum(sides),
  venue: z.enum(venues),
  bidMicros: micros.nullable(),
  askMicros: micros.nullable(),
  bidSizeHundredths: hundredths.nullable(),
  askSizeHundredths: hundredths.nullable(),
  observedAtMs: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

/** Refuses a price that is not integers in range: a float or a negative size must not reach readers. */
export function checkedPrice(price: TopOfBook): TopOfBook {
  return topOfBookSchema.parse(price);
}

export function keyOf(key: MarketSideId): string {
  return `${key.marketId}:${key.side}`;
}
