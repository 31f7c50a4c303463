/**
 * Units (DESIGN.md section 4). Money and contract prices are integer micro-dollars; quantities are integer
 * hundredths of a contract. `PriceMicros`, `MoneyMicros` and `QuantityHundredths` carry their unit in the type (as
 * nautilus_trader's Price, Money and Quantity): each is built only by its checked constructor, reads as a plain
 * number, and one cannot be passed where another is expected. `Micros` and `Hundredths` are the plain aliases the
 * book and fee code still use.
 */
import { assertFinite, assertProbability, assertSafeInteger } from './validate.ts';

/** Integer micro-dollars: money, or the price of a contract that pays $1. */
export type Micros = number;
/** Integer hundredths of a contract ("10.00" -> 1000). */
export type Hundredths = number;

/** A contract price: integer micros of a $1 payout, in [0, 1_000_000]. */
export type PriceMicros = number & { readonly __unit: 'priceMicros' };
/** Money: signed integer micro-dollars, a safe integer. */
export type MoneyMicros = number & { readonly __unit: 'moneyMicros' };
/** A quantity: non-negative integer hundredths of a contract. */
export type QuantityHundredths = number & { readonly __unit: 'quantityHundredths' };

export const MICROS_PER_DOLLAR = 1_000_000;
/** A binary contract pays $1 when it wins. */
export const CONTRACT_PAYOUT_MICROS = MICROS_PER_DOLLAR;
export const HUNDREDTHS_PER_CONTRACT = 100;

/** Dollars to micros, rounded to the nearest micro (half away from zero, so it is symmetric around 0). */
export function toMicros(dollars: number): MoneyMicros {
  assertFinite('dollars', dollars);
  const micros = Math.sign(dollars) * Math.round(Math.abs(dollars) * MICROS_PER_DOLLAR);
  if (!Number.isSafeInteger(micros)) {
    throw new RangeError(`dollars is too large to hold in micros, got ${dollars}`);
  }
  return (micros === 0 ? 0 : micros) as MoneyMicros;
}

/** The one place a model probability becomes a contract price: nearest micro. */
export function priceFromProbability(probability: number): PriceMicros {
  assertProbability('probability', probability);
  return Math.round(probability * CONTRACT_PAYOUT_MICROS) as PriceMicros;
}

export function assertPriceMicros(name: string, value: number): void {
  assertSafeInteger(name, value, 0, CONTRACT_PAYOUT_MICROS);
}

export function assertQuantity(name: string, value: number): void {
  assertSafeInteger(name, value, 0);
}

export function priceMicros(value: number, name = 'priceMicros'): PriceMicros {
  assertPriceMicros(name, value);
  return value as PriceMicros;
}

export function moneyMicros(value: number, name = 'moneyMicros'): MoneyMicros {
  assertSafeInteger(name, value);
  return value as MoneyMicros;
}

export function quantityHundredths(value: number, name = 'quantity'): QuantityHundredths {
  assertQuantity(name, value);
  return value as QuantityHundredths;
}

export function contractsToHundredths(name: string, contracts: number): QuantityHundredths {
  assertFinite(name, contracts);
  const hundredths = Math.round(contracts * HUNDREDTHS_PER_CONTRACT);
  if (Math.abs(hundredths - contracts * HUNDREDTHS_PER_CONTRACT) > 1e-6 || hundredths < 0) {
    throw new RangeError(`${name} must be a non-negative multiple of 0.01 contracts, got ${contracts}`);
  }
  return quantityHundredths(hundredths, name);
}

/** A quantity in contracts, exactly (150 hundredths -> 1.5): for display and for rules that take fractions. */
export function contractsOf(quantity: Hundredths): number {
  return quantity / HUNDREDTHS_PER_CONTRACT;
}

/**
 * Whole contracts in a quantity: rounded down, the most whole contracts it can fill; or up, the fewest whole
 * contracts that cover it (a venue minimum of 0.5 contracts needs a 1-contract order).
 */
export function wholeContracts(quantity: Hundredths, rounding: 'down' | 'up' = 'down'): number {
  assertSafeInteger('quantity', quantity);
  const part = quantity % HUNDREDTHS_PER_CONTRACT;
  // Integer steps only: the remainder and the exact multiple left are both exact in doubles.
  const whole = (quantity - part) / HUNDREDTHS_PER_CONTRACT;
  if (part === 0) return whole;
  return rounding === 'up' ? (part > 0 ? whole + 1 : whole) : part > 0 ? whole : whole - 1;
}

/** Whole contracts as a quantity in hundredths (3 -> 300). */
export function hundredthsOf(contracts: number): QuantityHundredths {
  assertSafeInteger('contracts', contracts, 0, Math.floor(Number.MAX_SAFE_INTEGER / HUNDREDTHS_PER_CONTRACT));
  return (contracts * HUNDREDTHS_PER_CONTRACT) as QuantityHundredths;
}

const HUNDREDTHS_BIG = BigInt(HUNDREDTHS_PER_CONTRACT);

/**
 * What `quantity` hundredths cost at `priceMicros` a contract: price x quantity / 100, exact, with the part-micro
 * rounded as asked (up against a buyer, down for a payout). Past 2^53 the product is taken in BigInt; the result
 * must be a safe integer.
 */
export function costMicros(price: Micros, quantity: Hundredths, rounding: 'up' | 'down'): MoneyMicros {
  assertSafeInteger('priceMicros', price, 0);
  assertSafeInteger('quantity', quantity, 0);
  const product = price * quantity;
  if (Number.isSafeInteger(product)) {
    const part = product % HUNDREDTHS_PER_CONTRACT;
    const whole = (product - part) / HUNDREDTHS_PER_CONTRACT;
    return (rounding === 'up' && part > 0 ? whole + 1 : whole) as MoneyMicros;
  }
  const big = BigInt(price) * BigInt(quantity);
  const rounded = rounding === 'up' ? (big + HUNDREDTHS_BIG - 1n) / HUNDREDTHS_BIG : big / HUNDREDTHS_BIG;
  const micros = Number(rounded);
  if (!Number.isSafeInteger(micros)) throw new RangeError(`cost of ${quantity} at ${price} is too large`);
  return micros as MoneyMicros;
}

/**
 * The part of `totalMicros` that `part` of `whole` carry (a position's cost for the contracts sold, a leg's cost for
 * the contracts left open): total x part / whole, exact, rounded as asked. Past 2^53 the product is taken in BigInt.
 */
export function shareMicros(
  totalMicros: Micros,
  part: Hundredths,
  whole: Hundredths,
  rounding: 'up' | 'down',
): MoneyMicros {
  assertSafeInteger('totalMicros', totalMicros, 0);
  assertSafeInteger('part', part, 0);
  if (!Number.isSafeInteger(whole) || whole <= 0)
    throw new RangeError(`whole must be a positive integer, got ${whole}`);
  const big = BigInt(totalMicros) * BigInt(part);
  const divisor = BigInt(whole);
  const micros = Number(rounding === 'up' ? (big + divisor - 1n) / divisor : big / divisor);
  if (!Number.isSafeInteger(micros)) throw new RangeError(`share ${part}/${whole} of ${totalMicros} is too large`);
  return micros as MoneyMicros;
}

/** Micros in one basis point of a $1 payout. */
const MICROS_PER_BP = CONTRACT_PAYOUT_MICROS / 10_000;

/**
 * Money made on `contracts` contracts as basis points of their $1 payouts, rounded down (a part of a basis point is
 * not edge): profit x 10_000 / (contracts x 1_000_000).
 */
export function bpsOfPayout(profitMicros: Micros, contracts = 1): number {
  assertSafeInteger('profitMicros', profitMicros);
  assertSafeInteger('contracts', contracts, 1);
  return Math.floor(profitMicros / (contracts * MICROS_PER_BP));
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Money for people: 245_060_000 -> "$245.06", -1_234_567_890 -> "-$1,234.56789"; cents always, micros if any. */
export function formatDollars(micros: Micros): string {
  assertSafeInteger('micros', micros);
  const magnitude = Math.abs(micros);
  const fraction = String(magnitude % MICROS_PER_DOLLAR)
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  const whole = groupThousands(String((magnitude - (magnitude % MICROS_PER_DOLLAR)) / MICROS_PER_DOLLAR));
  return `${micros < 0 ? '-' : ''}$${whole}.${fraction}`;
}

const MICROS_PER_CENT = MICROS_PER_DOLLAR / 100;

/** A contract price in cents for people: 715_000 -> "71.5c" exactly, or "72c" rounded to `fractionDigits`. */
export function formatCents(price: Micros, fractionDigits?: number): string {
  assertSafeInteger('priceMicros', price);
  const cents = price / MICROS_PER_CENT;
  return `${fractionDigits === undefined ? cents : cents.toFixed(fractionDigits)}c`;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * A venue's decimal string ("0.7100", "640.55") as an integer count of 10^-decimals units, without passing through
 * a float. Digits beyond `decimals` must be zeros: dropping a real digit would silently change the value.
 */
function parseScaled(name: string, text: string, decimals: number): number {
  const match = typeof text === 'string' ? DECIMAL_TEXT.exec(text.trim()) : null;
  if (!match) throw new RangeError(`${name} must be a decimal string, got ${JSON.stringify(text)}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (/[^0]/.test(fraction.slice(decimals))) {
    throw new RangeError(`${name} has more than ${decimals} decimals, got ${text}`);
  }
  const scaled = Number(`${sign}${whole}${fraction.slice(0, decimals).padEnd(decimals, '0')}`);
  if (!Number.isSafeInteger(scaled)) throw new RangeError(`${name} is too large, got ${text}`);
  return scaled === 0 ? 0 : scaled;
}

/** "0.5300" -> 530000: any amount of micros, a price being the money one contract costs. */
export function parseMicros(text: string): MoneyMicros {
  return parseScaled('text', text, 6) as MoneyMicros;
}

/** "10.00" -> 1000 hundredths of a contract. Signed, as a book's deltas are ("-180.00"), so not a quantity yet. */
export function parseHundredths(text: string): Hundredths {
  return parseScaled('text', text, 2);
}

/** Digits a span may hold (its decimals padded in) and still be exact in a double: below 10^15 < 2^53. */
const SPAN_DIGITS = 15;

/**
 * The scanners' form of `parseScaled`: the decimal between `start` and `end` of `text`, read digit by digit where it
 * stands (no substring, no regex, no float). It answers only the plain form, `-?\d+(\.\d+)?` with at most 15 digits
 * once padded to `decimals`, and undefined for anything else (spaces, a sign alone, more digits, excess decimals that
 * are not zeros), which the caller hands to `parseMicros`/`parseHundredths`: where it answers, it answers as they do.
 */
export function parseScaledSpan(text: string, start: number, end: number, decimals: number): number | undefined {
  let i = start;
  const negative = i < end && text.charCodeAt(i) === 45; /* - */
  if (negative) i++;
  const wholeStart = i;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    digits++;
  }
  if (i === wholeStart) return undefined;
  let scale = decimals;
  if (i < end) {
    if (text.charCodeAt(i) !== 46 /* . */) return undefined;
    const fractionStart = ++i;
    for (; i < end; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      if (scale > 0) {
        value = value * 10 + d;
        digits++;
        scale--;
      } else if (d !== 0) {
        return undefined;
      }
    }
    if (i === fractionStart) return undefined;
  }
  if (digits + scale > SPAN_DIGITS) return undefined;
  for (; scale > 0; scale--) value *= 10;
  return negative && value !== 0 ? -value : value;
}
