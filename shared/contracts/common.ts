import { z } from 'zod';
import { sides, tradingModes, venues } from '#domain/names';

export type { Side, TradingMode, Venue } from '#domain/names';

/** Field schemas shared by the pipeline's messages; units follow DESIGN.md section 4. */
export const venueSchema = z.enum(venues);
export const sideSchema = z.enum(sides);
export const tradingModeSchema = z.enum(tradingModes);

/** A contract price in micros of a $1 payout. */
export const priceMicrosSchema = z.number().int().min(0).max(1_000_000);
/** A price a taker can buy at: a contract is never offered for nothing nor for its whole $1 payout. */
export const askPriceMicrosSchema = z.number().int().min(1).max(999_999);
/** A quantity in hundredths of a contract. */
export const quantitySchema = z.number().int().positive().max(100_000_000);
export const epochMsSchema = z.number().int().nonnegative();
