/**
 * Removing the bookmaker's margin ("de-vigging") from one market's decimal odds. Methods and their names follow
 * the `implied` R package (Jonas C. Lindstrøm) and Clarke, Kovalchik & Ingram (2017), "Adjusting bookmaker's odds
 * to allow for overround", American Journal of Sports Science 5(6).
 */
import { assertDecimalOdds } from './odds.ts';
import { bisect, bracketFrom } from './root-finding.ts';

export type DevigMethod = 'multiplicative' | 'additive' | 'power' | 'shin' | 'odds_ratio';

const ROOT_TOLERANCE = 1e-12;

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Solvers stop at 1e-12; rescaling the last ulps makes the result sum to 1 as a contract of the function. */
function normalize(probabilities: number[]): number[] {
  const total = sum(probabilities);
  return probabilities.map((p) => p / total);
}

function multiplicative(implied: readonly number[], booksum: number): number[] {
  return implied.map((p) => p / booksum);
}

/** Takes an equal share of the margin off each outcome; longshots can go negative, which is refused. */
function additive(implied: readonly number[], booksum: number): number[] {
  const share = (booksum - 1) / implied.length;
  const fair = implied.map((p) => p - share);
  const negative = fair.findIndex((p) => p < 0);
  if (negative >= 0) {
    throw new RangeError(
      `decimalOdds[${negative}] gets a negative probability with the additive method; use another method`,
    );
  }
  return fair;
}

/** p_i = pi_i^k with k solved so that the p_i sum to 1 (k > 1 when the book is overround). */
function power(implied: readonly number[], booksum: number): number[] {
  const excess = (k: number) => sum(implied.map((p) => p ** k)) - 1;
  const [lower, upper] = booksum > 1 ? bracketFrom(excess, 1, 1) : [0, 1];
  const k = bisect(excess, lower, upper, ROOT_TOLERANCE);
  return implied.map((p) => p ** k);
}

/**
 * Shin (1992, 1993) as in Jullien & Salanié (1994) and `implied`:
 * p_i = (sqrt(z^2 + 4 (1 - z) pi_i^2 / B) - z) / (2 (1 - z)), with the insider share z solved so that the p_i sum
 * to 1. z is in (0, 1) for an overround book; a book with B < 1 gets the same formula with z < 0.
 */
function shin(implied: readonly number[], booksum: number): number[] {
  const probabilitiesAt = (z: number) =>
    implied.map((p) => (Math.sqrt(z * z + (4 * (1 - z) * p * p) / booksum) - z) / (2 * (1 - z)));
  const excess = (z: number) => sum(probabilitiesAt(z)) - 1;
  const [lower, upper] = booksum > 1 ? [0, 1 - ROOT_TOLERANCE] : bracketFrom(excess, 0, -1);
  return probabilitiesAt(bisect(excess, lower, upper, ROOT_TOLERANCE));
}

/** Cheung (2015): fair odds are the implied odds divided by one odds ratio c: p_i = pi_i / (c + pi_i - c pi_i). */
function oddsRatio(implied: readonly number[], booksum: number): number[] {
  const probabilitiesAt = (c: number) => implied.map((p) => p / (c + p - c * p));
  const excess = (c: number) => sum(probabilitiesAt(c)) - 1;
  const [lower, upper] = booksum > 1 ? bracketFrom(excess, 1, 1) : [0, 1];
  return probabilitiesAt(bisect(excess, lower, upper, ROOT_TOLERANCE));
}

const METHODS: Record<DevigMethod, (implied: readonly number[], booksum: number) => number[]> = {
  multiplicative,
  additive,
  power,
  shin,
  odds_ratio: oddsRatio,
};

/** Fair probabilities, in the order of `decimalOdds` (one price per outcome of an exhaustive set), summing to 1. */
export function devig(decimalOdds: readonly number[], method: DevigMethod): number[] {
  if (!Array.isArray(decimalOdds) || decimalOdds.length < 2) {
    throw new RangeError('decimalOdds must list at least two outcomes');
  }
  decimalOdds.forEach((odds, index) => {
    assertDecimalOdds(`decimalOdds[${index}]`, odds);
  });
  const solve = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!solve) {
    throw new RangeError(`method must be one of ${Object.keys(METHODS).join(', ')}, got ${String(method)}`);
  }
  const implied = decimalOdds.map((odds) => 1 / odds);
  const booksum = sum(implied);
  if (booksum === 1) return normalize(implied);
  return normalize(solve(implied, booksum));
}
