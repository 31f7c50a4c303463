/**
 * Venue fee rules, computed exactly with BigInt: floating point gets Kalshi's own fee table wrong
 * (0.07 * 100 * 0.5 * 0.5 is 1.7500000000000002 in doubles, which rounds up to $1.76 instead of $1.75).
 */

import {
  assertPriceMicros,
  assertQuantity,
  contractsOf,
  contractsToHundredths,
  type Hundredths,
  MICROS_PER_DOLLAR,
  type Micros,
} from './units.ts';
import { assertFinite, assertSafeInteger } from './validate.ts';

export type Liquidity = 'taker' | 'maker';

/** One execution at one price; an order that walks the book is several fills. */
export interface Fill {
  priceMicros: Micros;
  quantity: Hundredths;
}

/** Kalshi series fee settings: `multiplier` is the series' `fee_multiplier` (default 1). */
export interface KalshiFeeSchedule {
  liquidity?: Liquidity;
  multiplier?: number;
}

/** Polymarket market `feeSchedule` ({rate, exponent}); takers only, so a rate of 0 means no fee. */
export interface PolymarketFeeSchedule {
  rate?: number;
  exponent?: number;
}

export type VenueFeeSchedule =
  | ({ venue: 'kalshi' } & KalshiFeeSchedule)
  | ({ venue: 'polymarket' } & PolymarketFeeSchedule);

/**
 * Kalshi fee schedule (kalshi.com/docs/kalshi-fee-schedule.pdf): fee = roundup(rate x C x P x (1 - P)), taker rate
 * 0.07, maker rate 0.0175 (only on series with maker fees), both times the series' fee multiplier. Held in units of
 * 1e-4 so they stay integers.
 */
const KALSHI_RATE_TEN_THOUSANDTHS: Record<Liquidity, bigint> = { taker: 700n, maker: 175n };
/**
 * docs.kalshi.com fee_rounding: each fill's fee is rounded up to $0.0001 and the order's total settles to the member's
 * balance precision, a cent for non-direct members (the conservative case, used here).
 */
const KALSHI_FILL_ROUNDING_MICROS = 100n;
const KALSHI_ORDER_ROUNDING_MICROS = 10_000n;
/** rate (1e-4) x multiplier (1e-6) x quantity (1e-2) x P(1 - P) in micros squared (1e-12), x 1e6 for micros: 1e-18. */
const KALSHI_FEE_SCALE = 10n ** 18n;

/** Polymarket (docs.polymarket.com/trading/fees): fees are floored to 5 decimals, i.e. 10 micros. */
const POLYMARKET_ROUNDING_MICROS = 10n;
/** Published exponents are 1 and 2; the bound keeps the BigInt powers small. */
const POLYMARKET_MAX_EXPONENT = 8;
const ONE_MILLION = 1_000_000n;

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

/** Fee multipliers and rates are published as decimals; six places hold every published value exactly. */
function toMillionths(name: string, value: number): bigint {
  assertFinite(name, value);
  if (value < 0) throw new RangeError(`${name} must not be negative, got ${value}`);
  const millionths = Math.round(value * 1_000_000);
  assertSafeInteger(name, millionths, 0);
  return BigInt(millionths);
}

function assertFills(fills: readonly Fill[]): void {
  if (!Array.isArray(fills)) throw new RangeError('fills must be an array');
  fills.forEach((fill, index) => {
    assertPriceMicros(`fills[${index}].priceMicros`, fill.priceMicros);
    assertQuantity(`fills[${index}].quantity`, fill.quantity);
  });
}

function assertLiquidity(liquidity: Liquidity): void {
  if (liquidity !== 'taker' && liquidity !== 'maker') {
    throw new RangeError(`liquidity must be 'taker' or 'maker', got ${String(liquidity)}`);
  }
}

/** Kalshi fee of one order that executed as `fills`, in micros (a whole number of cents). */
export function kalshiOrderFeeMicros(fills: readonly Fill[], schedule: KalshiFeeSchedule = {}): Micros {
  const liquidity = schedule.liquidity ?? 'taker';
  assertLiquidity(liquidity);
  const multiplier = toMillionths('multiplier', schedule.multiplier ?? 1);
  assertFills(fills);
  const rate = KALSHI_RATE_TEN_THOUSANDTHS[liquidity] * multiplier;
  let totalMicros = 0n;
  for (const { priceMicros, quantity } of fills) {
    const price = BigInt(priceMicros);
    const exact = rate * BigInt(quantity) * price * (ONE_MILLION - price);
    totalMicros += ceilDiv(exact, KALSHI_FEE_SCALE * KALSHI_FILL_ROUNDING_MICROS) * KALSHI_FILL_ROUNDING_MICROS;
  }
  return Number(ceilDiv(totalMicros, KALSHI_ORDER_ROUNDING_MICROS) * KALSHI_ORDER_ROUNDING_MICROS);
}

/** Kalshi fee for a fractional quantity (hundredths of a contract) at one price. */
export function kalshiFeeMicrosForHundredths(
  quantity: Hundredths,
  priceMicros: Micros,
  liquidity: Liquidity,
  feeMultiplier = 1,
): Micros {
  assertQuantity('quantity', quantity);
  assertPriceMicros('priceMicros', priceMicros);
  return kalshiOrderFeeMicros([{ priceMicros, quantity }], { liquidity, multiplier: feeMultiplier });
}

/** Kalshi fee for `count` whole contracts at one price: 100 @ $0.50 taker is $1.75, 10 @ $0.71 is $0.15. */
export function kalshiFeeMicros(count: number, priceMicros: Micros, liquidity: Liquidity, feeMultiplier = 1): Micros {
  assertSafeInteger('count', count, 0);
  return kalshiFeeMicrosForHundredths(contractsToHundredths('count', count), priceMicros, liquidity, feeMultiplier);
}

function polymarketExponent(exponent: number): number {
  assertSafeInteger('exponent', exponent, 0, POLYMARKET_MAX_EXPONENT);
  return exponent;
}

/** Polymarket taker fee of one order that executed as `fills`: sum of shares x rate x (p(1-p))^exponent, floored. */
export function polymarketOrderFeeMicros(fills: readonly Fill[], schedule: PolymarketFeeSchedule = {}): Micros {
  const rate = toMillionths('rate', schedule.rate ?? 0);
  const exponent = BigInt(polymarketExponent(schedule.exponent ?? 1));
  assertFills(fills);
  let exact = 0n;
  for (const { priceMicros, quantity } of fills) {
    const price = BigInt(priceMicros);
    exact += BigInt(quantity) * rate * (price * (ONE_MILLION - price)) ** exponent;
  }
  // quantity (1e-2) x rate (1e-6) x (p(1-p))^e (1e-12 each) gives dollars; x 1e6 for micros.
  const scale = 100n * ONE_MILLION ** (2n * exponent);
  return Number((exact / (scale * POLYMARKET_ROUNDING_MICROS)) * POLYMARKET_ROUNDING_MICROS);
}

export type PolymarketFeeInput = PolymarketFeeSchedule & { priceMicros: Micros } & (
    | { shares: number; quantity?: never }
    | { quantity: Hundredths; shares?: never }
  );

/** Polymarket taker fee for one fill; size as `shares` (0.01 steps) or `quantity` (hundredths). */
export function polymarketFeeMicros(input: PolymarketFeeInput): Micros {
  const quantity = input.quantity ?? contractsToHundredths('shares', input.shares as number);
  assertQuantity('quantity', quantity);
  assertPriceMicros('priceMicros', input.priceMicros);
  return polymarketOrderFeeMicros([{ priceMicros: input.priceMicros, quantity }], input);
}

/** Fee of one order on either venue. */
export function orderFeeMicros(schedule: VenueFeeSchedule, fills: readonly Fill[]): Micros {
  if (typeof schedule !== 'object' || schedule === null) throw new RangeError('feeSchedule must be an object');
  switch (schedule.venue) {
    case 'kalshi':
      return kalshiOrderFeeMicros(fills, schedule);
    case 'polymarket':
      return polymarketOrderFeeMicros(fills, schedule);
    default:
      throw new RangeError(
        `venue must be 'kalshi' or 'polymarket', got ${String((schedule as { venue: unknown }).venue)}`,
      );
  }
}

/**
 * The fee before the venue's rounding, as a float: smooth in the quantity, so searches can reason about it; the
 * fee actually charged is `orderFeeMicros`.
 */
export function unroundedFeeMicros(schedule: VenueFeeSchedule, fills: readonly Fill[]): number {
  const ratePerContract =
    schedule.venue === 'kalshi'
      ? (price: number) =>
          (Number(KALSHI_RATE_TEN_THOUSANDTHS[schedule.liquidity ?? 'taker']) / 10_000) *
          (schedule.multiplier ?? 1) *
          price *
          (1 - price)
      : (price: number) => (schedule.rate ?? 0) * (price * (1 - price)) ** (schedule.exponent ?? 1);
  return fills.reduce((total, fill) => {
    const contracts = contractsOf(fill.quantity);
    return total + contracts * ratePerContract(fill.priceMicros / MICROS_PER_DOLLAR) * MICROS_PER_DOLLAR;
  }, 0);
}

/** A market's fee rule as stored with the market: the rate and multiplier in parts per million, and the exponent. */
export interface FeeParameters {
  takerFeeRatePpm: number;
  feeMultiplierPpm: number;
  feeExponent: number;
}

/** The parameters of a fee schedule, so a stored market names the same rule `orderFeeMicros` applies. */
export function feeParameters(schedule: VenueFeeSchedule): FeeParameters {
  if (schedule.venue === 'kalshi') {
    return {
      takerFeeRatePpm: Number(KALSHI_RATE_TEN_THOUSANDTHS.taker * 100n),
      feeMultiplierPpm: Number(toMillionths('multiplier', schedule.multiplier ?? 1)),
      feeExponent: 1,
    };
  }
  return {
    takerFeeRatePpm: Number(toMillionths('rate', schedule.rate ?? 0)),
    feeMultiplierPpm: Number(ONE_MILLION),
    feeExponent: polymarketExponent(schedule.exponent ?? 1),
  };
}

/** The taker schedule a stored market's parameters name: the inverse of `feeParameters`. */
export function feeScheduleOf(
  venue: 'kalshi' | 'polymarket',
  parameters: FeeParameters,
):
  | { venue: 'kalshi'; liquidity: 'taker'; multiplier: number }
  | { venue: 'polymarket'; rate: number; exponent: number } {
  if (venue === 'kalshi') {
    return { venue, liquidity: 'taker', multiplier: parameters.feeMultiplierPpm / Number(ONE_MILLION) };
  }
  return { venue, rate: parameters.takerFeeRatePpm / Number(ONE_MILLION), exponent: parameters.feeExponent };
}
