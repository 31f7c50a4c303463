/**
 * Kalshi's value encodings (REFERENCE.md 1.3): fixed-point dollar strings ("0.5600") and `_fp` count strings
 * ("10.00"), plus the legacy integer cents and whole counts. Each converter returns undefined for a value it cannot
 * represent exactly, so the hand-written fast path and the zod schemas share one definition of "valid".
 */
import { z } from 'zod';
import { CONTRACT_PAYOUT_MICROS, HUNDREDTHS_PER_CONTRACT, parseHundredths, parseMicros } from '#domain';

const MICROS_PER_CENT = CONTRACT_PAYOUT_MICROS / 100;

/**
 * The same few hundred price and size strings come back in frame after frame, and parsing one costs more than
 * JSON.parse spends on it; a small cache keeps parseMicros/parseHundredths the one parser at a tenth of the cost.
 * Cleared when full, so hostile input cannot grow it.
 */
function cached(parse: (text: string) => number): (text: string) => number | undefined {
  const cache = new Map<string, number>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    let value: number;
    try {
      value = parse(text);
    } catch {
      return undefined;
    }
    if (cache.size >= CACHE_ENTRIES) cache.clear();
    cache.set(text, value);
    return value;
  };
}

const CACHE_ENTRIES = 4096;
const cachedMicros = cached(parseMicros);
const cachedHundredths = cached(parseHundredths);

function isPrice(micros: number): boolean {
  return micros >= 0 && micros <= CONTRACT_PAYOUT_MICROS;
}

/** "0.5600" -> 560000, only within $0..$1. */
export function priceFromDollars(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const micros = cachedMicros(value);
  return micros !== undefined && isPrice(micros) ? micros : undefined;
}

/** Legacy integer cents (0..100). */
export function priceFromCents(value: unknown): number | undefined {
  return Number.isInteger(value) && isPrice((value as number) * MICROS_PER_CENT)
    ? (value as number) * MICROS_PER_CENT
    : undefined;
}

/** "10.00" -> 1000 hundredths; negative only when `signed` (deltas). */
export function countFromFp(value: unknown, signed: boolean): number | undefined {
  if (typeof value !== 'string') return undefined;
  const hundredths = cachedHundredths(value);
  return hundredths !== undefined && (signed || hundredths >= 0) ? hundredths : undefined;
}

/** Legacy whole contracts. */
export function countFromWhole(value: unknown, signed: boolean): number | undefined {
  if (!Number.isSafeInteger(value) || (!signed && (value as number) < 0)) return undefined;
  const hundredths = (value as number) * HUNDREDTHS_PER_CONTRACT;
  return Number.isSafeInteger(hundredths) ? hundredths : undefined;
}

export function isUint(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A zod schema over one of the converters above, failing with `what` when it returns undefined. */
function via(convert: (value: unknown) => number | undefined, what: string) {
  return z.unknown().transform((value, ctx) => {
    const converted = convert(value);
    if (converted !== undefined) return converted;
    ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${JSON.stringify(value)}` });
    return z.NEVER;
  });
}

export const dollarsPrice = via(priceFromDollars, 'a dollar price string in [0, 1]');
export const centsPrice = via(priceFromCents, 'an integer cent price in [0, 100]');
export const fpCount = via((v) => countFromFp(v, false), 'a non-negative 2-decimal count string');
export const fpDelta = via((v) => countFromFp(v, true), 'a signed 2-decimal count string');
export const wholeCount = via((v) => countFromWhole(v, false), 'a non-negative whole count');
export const wholeDelta = via((v) => countFromWhole(v, true), 'a signed whole count');
/** sid, seq, ids, epoch ms: non-negative safe integers. */
export const uint = z.number().refine(isUint, 'expected a non-negative safe integer');
