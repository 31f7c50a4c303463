/**
 * Kelly criterion (Kelly 1956; Thorp, "The Kelly criterion in blackjack, sports betting and the stock market", 2006)
 * for a binary contract bought at price c that pays $1: net odds b = (1 - c) / c, so
 * f* = (b p - q) / b = (p - c) / (1 - c), and nothing when p <= c.
 */
import { assertPriceMicros, CONTRACT_PAYOUT_MICROS, type Micros } from './units.ts';
import { assertProbability } from './validate.ts';

export function kellyFraction(probability: number, priceMicros: Micros): number {
  assertProbability('probability', probability);
  assertPriceMicros('priceMicros', priceMicros);
  const price = priceMicros / CONTRACT_PAYOUT_MICROS;
  if (probability <= price) return 0;
  // (p - c) / (1 - c) written as 1 - (1 - p) / (1 - c): each step is monotone under rounding, so the fraction never
  // shrinks as the edge grows, even in the last bit (the property test found (p - c) / (1 - c) does).
  return 1 - (1 - probability) / (1 - price);
}
