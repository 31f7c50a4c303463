import { americanToDecimal } from '#domain/odds';
import { surebet } from '#domain/surebet';
import type { SportsbookPrice } from '../../shared/ports/browser-worker.ts';

/** One leg of a surebet: back this selection on this book with this stake. */
export interface SurebetLeg {
  sportsbook: string;
  selection: string;
  americanOdds: number;
  stakeMicros: number;
}

/**
 * A cross-book surebet candidate. The SignalCandidate contract has no sportsbook kind (its legs are prediction-market
 * contracts with fee schedules), so the worker publishes these in its log and on the check_odds job's result.
 */
export interface SurebetCandidate {
  eventKey: string;
  market: string;
  margin: number;
  totalStakeMicros: number;
  payoutMicros: number;
  legs: SurebetLeg[];
}

/**
 * The best price of every outcome of each market (selection ids are `<market>.<outcome>`, a market's outcomes
 * exhaustive) across the books, sized by the domain's `surebet`; only markets where that is an arbitrage.
 */
export function findSurebets(prices: readonly SportsbookPrice[], stakeMicros: number): SurebetCandidate[] {
  const markets = new Map<string, Map<string, SportsbookPrice>>();
  for (const price of prices) {
    const market = price.selection.split('.')[0] ?? price.selection;
    const outcomes = markets.get(market) ?? new Map<string, SportsbookPrice>();
    const best = outcomes.get(price.selection);
    if (!best || americanToDecimal(price.americanOdds) > americanToDecimal(best.americanOdds)) {
      outcomes.set(price.selection, price);
    }
    markets.set(market, outcomes);
  }
  const found: SurebetCandidate[] = [];
  for (const [market, outcomes] of markets) {
    const best = [...outcomes.values()].sort((a, b) => a.selection.localeCompare(b.selection));
    if (best.length < 2) continue;
    const sized = surebet(
      best.map((price) => americanToDecimal(price.americanOdds)),
      stakeMicros,
    );
    if (!sized.arbitrage) continue;
    found.push({
      eventKey: best[0]?.eventKey ?? '',
      market,
      margin: sized.margin,
      totalStakeMicros: stakeMicros,
      payoutMicros: sized.payoutMicros,
      legs: best.map((price, index) => ({
        sportsbook: price.sportsbook,
        selection: price.selection,
        americanOdds: price.americanOdds,
        stakeMicros: sized.stakesMicros[index] ?? 0,
      })),
    });
  }
  return found;
}
