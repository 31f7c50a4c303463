/**
 * Units (DESIGN.md section 4). Money and contract prices are integer micro-dollars; quantities are integer
 * hundredths of a contract. Plain number aliases keep call sites light; the checks below enforce the units.
 */
import { assertFinite, assertProbability, assertSafeInteger } from './validate.ts';

/** Integer micro-dollars: money, or the price of a contract that pays $1. */
export type Micros = number;
/** Integer hundredths of a contract ("10.00" -> 1000). */
export type Hundredths = number;

export const MICROS_PER_DOLLAR = 1_000_000;
/** A binary contract pays $1 when it wins. */
export const CONTRACT_PAYOUT_MICROS = MICROS_PER_DOLLAR;
export const HUNDREDTHS_PER_CONTRACT = 100;

/** Dollars to micros, rounded to the nearest micro (half away from zero, so it is symmetric around 0). */
export function toMicros(dollars: number): Micros {
  assertFinite('dollars', dollars);
  const micros = Math.sign(dollars) * Math.round(Math.abs(dollars) * MICROS_PER_DOLLAR);
  if (!Number.isSafeInteger(micros)) {
    throw new RangeError(`dollars is too large to hold in micros, got ${dollars}`);
  }
  return micros === 0 ? 0 : micros;
}

/** The one place a model probability becomes a contract price: nearest micro. */
export function priceFromProbability(probability: number): Micros {
  assertProbability('probability', probability);
  return Math.round(probability * CONTRACT_PAYOUT_MICROS);
}

export function assertPriceMicros(name: string, value: number): void {
  assertSafeInteger(name, value, 0, CONTRACT_PAYOUT_MICROS);
}

export function assertQuantity(name: string, value: number): void {
  assertSafeInteger(name, value, 0);
}

export function contractsToHundredths(name: string, contracts: number): Hundredths {
  assertFinite(name, contracts);
  const hundredths = Math.round(contracts * HUNDREDTHS_PER_CONTRACT);
  if (Math.abs(hundredths - contracts * HUNDREDTHS_PER_CONTRACT) > 1e-6 || hundredths < 0) {
    throw new RangeError(`${name} must be a non-negative multiple of 0.01 contracts, got ${contracts}`);
  }
  assertQuantity(name, hundredths);
  return hundredths;
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

/** "0.5300" -> 530000. */
export function parseMicros(text: string): Micros {
  return parseScaled('text', text, 6);
}

/** "10.00" -> 1000 hundredths of a contract. */
export function parseHundredths(text: string): Hundredths {
  return parseScaled('text', text, 2);
}
