/** Sportsbook odds formats. Decimal odds include the stake: +150 American pays 1.5 profit, so 2.5 decimal. */
import { assertFinite } from './validate.ts';

/**
 * 15 significant digits drop the last-bit noise of (d - 1) * 100 (e.g. 120.00000000000001 for 2.2)
 * while keeping everything a double can really tell apart.
 */
function dropFloatNoise(value: number): number {
  return Number(value.toPrecision(15));
}

export function americanToDecimal(american: number): number {
  assertFinite('american', american);
  if (Math.abs(american) < 100) {
    throw new RangeError(`american must be <= -100 or >= +100, got ${american}`);
  }
  return dropFloatNoise(american > 0 ? 1 + american / 100 : 1 + 100 / -american);
}

export function decimalToAmerican(decimal: number): number {
  assertDecimalOdds('decimal', decimal);
  return dropFloatNoise(decimal >= 2 ? (decimal - 1) * 100 : -100 / (decimal - 1));
}

export function impliedProbability(decimal: number): number {
  assertDecimalOdds('decimal', decimal);
  return 1 / decimal;
}

export function assertDecimalOdds(name: string, decimal: number): void {
  assertFinite(name, decimal);
  if (decimal <= 1) {
    throw new RangeError(`${name} must be greater than 1, got ${decimal}`);
  }
}
