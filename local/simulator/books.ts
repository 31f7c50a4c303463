/**
 * The simulator's own books, in the terms of one outcome ("primary"): bids and asks as price -> size maps (micros,
 * hundredths). A Kalshi market's NO bids are its YES asks mirrored; a Polymarket market's second token is its first
 * token's book mirrored. A leg is what a taker buys: the primary outcome (the asks) or the other one (the bids
 * mirrored).
 */
import { asksFromOppositeBids, type PriceLevel } from '#domain/order-book';
import { CONTRACT_PAYOUT_MICROS } from '#domain/units';

export type TeamSide = 'home' | 'away';
export type Venue = 'kalshi' | 'polymarket';

export const other = (side: TeamSide): TeamSide => (side === 'home' ? 'away' : 'home');

export class Book {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** Frozen books take no change (a planted window's legs, a silent feed). */
  frozen = false;
  /** Inactive books are out of the market (the first-half market after halftime, every book after the final). */
  active = true;
  lastChangeT = 0;

  constructor(
    readonly name: string,
    readonly venue: Venue,
    readonly primary: TeamSide,
    public tickMicros: number,
    readonly firstHalf: boolean,
  ) {}

  bestBid(): number | undefined {
    let best: number | undefined;
    for (const price of this.bids.keys()) if (best === undefined || price > best) best = price;
    return best;
  }

  bestAsk(): number | undefined {
    let best: number | undefined;
    for (const price of this.asks.keys()) if (best === undefined || price < best) best = price;
    return best;
  }

  levels(side: 'bid' | 'ask'): PriceLevel[] {
    const map = side === 'bid' ? this.bids : this.asks;
    return [...map].map(([priceMicros, quantity]) => ({ priceMicros, quantity }));
  }
}

export interface Leg {
  book: Book;
  /** false: buy the book's primary outcome (its asks); true: buy the other outcome (its bids mirrored). */
  opposite: boolean;
}

export const legCovers = (leg: Leg): TeamSide => (leg.opposite ? other(leg.book.primary) : leg.book.primary);

export function legBestAsk(leg: Leg): number | undefined {
  if (!leg.opposite) return leg.book.bestAsk();
  const bid = leg.book.bestBid();
  return bid === undefined ? undefined : CONTRACT_PAYOUT_MICROS - bid;
}

/** The leg's asks, best first, as the domain's arbitrage sizing reads them. */
export function legAsks(leg: Leg): PriceLevel[] {
  if (leg.opposite) return asksFromOppositeBids(leg.book.levels('bid'));
  return leg.book.levels('ask').sort((a, b) => a.priceMicros - b.priceMicros);
}

/** A cross-venue pair: one leg covers each team, so one of them pays $1 whatever happens. */
export interface Pair {
  kalshi: Leg;
  polymarket: Leg;
}

/** Every pair of a Kalshi leg and a Polymarket leg that cover different teams. */
export function pairsOf(kalshiBooks: readonly Book[], polymarketBooks: readonly Book[]): Pair[] {
  const pairs: Pair[] = [];
  for (const k of kalshiBooks) {
    for (const p of polymarketBooks) {
      for (const kOpposite of [false, true]) {
        const kalshi = { book: k, opposite: kOpposite };
        const pOpposite = legCovers({ book: p, opposite: false }) === legCovers(kalshi);
        pairs.push({ kalshi, polymarket: { book: p, opposite: pOpposite } });
      }
    }
  }
  return pairs;
}
