/**
 * A surebet (sportsbook arbitrage): back every outcome of an exhaustive set at its best decimal price, staking
 * each in proportion to 1/odds so that every outcome pays the same. There is an arbitrage when
 * margin = 1 - sum(1/odds) > 0, and the payout is then stake / (1 - margin).
 */
import { assertDecimalOdds } from './odds.ts';
import type { Micros } from './units.ts';
import { assertSafeInteger } from './validate.ts';

export interface Surebet {
  arbitrage: boolean;
  margin: number;
  /** Stakes per outcome, rounded down so that they never add up to more than the stake. */
  stakesMicros: number[];
  /** What the worst outcome pays back with those stakes. */
  payoutMicros: Micros;
}

/**
 * Odds are decimal quotes whose doubles are off by ~1e-16 relative; at any stake a double can hold that is far
 * below 1e-6 micro, so this keeps 2.5 x 400000 from flooring to 999999 without ever adding a real micro.
 */
const FLOAT_SLACK_MICROS = 1e-6;

/** What a stake backed at decimal odds pays back if it wins, stake included, rounded down to the micro. */
export function backedPayoutMicros(stakeMicros: Micros, decimalOdds: number): Micros {
  return Math.floor(stakeMicros * decimalOdds + FLOAT_SLACK_MICROS);
}

export function surebet(decimalOdds: readonly number[], stakeMicros: Micros): Surebet {
  if (!Array.isArray(decimalOdds) || decimalOdds.length < 2) {
    throw new RangeError('decimalOdds must list at least two outcomes');
  }
  decimalOdds.forEach((odds, index) => {
    assertDecimalOdds(`decimalOdds[${index}]`, odds);
  });
  assertSafeInteger('stakeMicros', stakeMicros, 0);
  const implied = decimalOdds.map((odds) => 1 / odds);
  const booksum = implied.reduce((total, p) => total + p, 0);
  const stakesMicros = implied.map((p) => Math.floor((stakeMicros * p) / booksum));
  const payoutMicros = Math.min(...stakesMicros.map((stake, index) => backedPayoutMicros(stake, decimalOdds[index]!)));
  const margin = 1 - booksum;
  return { arbitrage: margin > 0, margin, stakesMicros, payoutMicros };
}
