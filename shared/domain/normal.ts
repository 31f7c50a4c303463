/** Standard normal CDF and quantile from stdlib (accurate to double precision; no homemade erf). */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export function standardNormalCdf(x: number): number {
  return normalCdf(x, 0, 1);
}

export function standardNormalQuantile(probability: number): number {
  return normalQuantile(probability, 0, 1);
}
