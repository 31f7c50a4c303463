import { devig } from '../devig.ts';
import type { Venue } from '../names.ts';
import { CONTRACT_PAYOUT_MICROS } from '../units.ts';

/** Two asks that together cover both outcomes of one game: the home side's and the away side's. */
export interface OutcomePair {
  venue: Venue;
  homeAskMicros: number;
  awayAskMicros: number;
}

const inside = (p: number) => p > 0 && p < CONTRACT_PAYOUT_MICROS;

/**
 * The venues' consensus P(home wins) before the start: each complementary pair of asks de-vigged (multiplicative:
 * two outcomes, one overround), averaged per venue, then across venues so that a venue with more markets does not
 * outweigh the other. Null when no venue quotes both outcomes.
 */
export function pregameConsensus(pairs: readonly OutcomePair[]): number | null {
  const byVenue = new Map<Venue, number[]>();
  for (const pair of pairs) {
    if (!inside(pair.homeAskMicros) || !inside(pair.awayAskMicros)) continue;
    const [home] = devig(
      [CONTRACT_PAYOUT_MICROS / pair.homeAskMicros, CONTRACT_PAYOUT_MICROS / pair.awayAskMicros],
      'multiplicative',
    );
    const list = byVenue.get(pair.venue) ?? [];
    list.push(home as number);
    byVenue.set(pair.venue, list);
  }
  if (byVenue.size === 0) return null;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return mean([...byVenue.values()].map(mean));
}
