import {
  type FeeSchedule,
  type SurebetCandidate,
  type SurebetLeg,
  surebetCandidateId,
} from '#contracts/signal-candidate';
import { allInPriceMicros } from '#domain/edge';
import { orderFeeMicros } from '#domain/fees';
import { americanToDecimal } from '#domain/odds';
import { surebet } from '#domain/surebet';
import { CONTRACT_PAYOUT_MICROS, hundredthsOf } from '#domain/units';
import { isFullGameWinnerKey } from '../../shared/domain/matching/match.ts';
import type { SportsbookPrice } from '../../shared/ports/browser-worker.ts';

/** The books' full-game winner market: a PM YES pairs with its selection `moneyline.home` or `moneyline.away`. */
export const MONEYLINE_MARKET = 'moneyline';

/** A prediction market's latest YES ask on one team of a matched game's full-game-winner market. */
export interface PredictionMarketAsk {
  venue: 'kalshi' | 'polymarket';
  venueMarketId: string;
  /** The outcome it pays on, as the sportsbook's selection id names it (`moneyline.home`). */
  selection: string;
  /** Only full-game winner markets (`isFullGameWinnerKey`) pair: a first half, spread or total never does. */
  resolutionKey: string;
  askMicros: number;
  fee: FeeSchedule;
  observedAtMs: number;
}

/** A PM YES at `askMicros` with its taker fee, as the price per $1 payout the surebet function combines. */
export function effectivePriceMicros(fee: FeeSchedule, askMicros: number): number {
  return allInPriceMicros(fee, askMicros);
}

/**
 * The surebet over each outcome's best offer, a sportsbook's odds or a PM's fee-inclusive ask, sized by the
 * domain's `surebet` for equal payouts; undefined when it is none (or rounding the PM leg to whole contracts eats it).
 */
export function surebetCandidate(input: {
  eventKey: string;
  market: string;
  gameId: string | null;
  books: readonly SportsbookPrice[];
  asks: readonly PredictionMarketAsk[];
  stakeMicros: number;
  nowMs: number;
}): SurebetCandidate | undefined {
  const pairable = input.asks.filter((ask) => isFullGameWinnerKey(ask.resolutionKey));
  type Offer = { decimal: number; book?: SportsbookPrice; ask?: PredictionMarketAsk; selection: string };
  const best = new Map<string, Offer>();
  const consider = (offer: Offer) => {
    const seen = best.get(offer.selection);
    if (!seen || offer.decimal > seen.decimal) best.set(offer.selection, offer);
  };
  for (const book of input.books) {
    if (book.selection.split('.')[0] !== input.market) continue;
    consider({ decimal: americanToDecimal(book.americanOdds), book, selection: book.selection });
  }
  if (input.gameId !== null) {
    for (const ask of pairable) {
      if (ask.selection.split('.')[0] !== input.market) continue;
      consider({ decimal: 1_000_000 / effectivePriceMicros(ask.fee, ask.askMicros), ask, selection: ask.selection });
    }
  }
  const offers = [...best.values()].sort((a, b) => a.selection.localeCompare(b.selection));
  // Prediction markets against each other are the game shard's arbitrage, published by it: not a surebet here.
  if (offers.length < 2 || offers.every((offer) => offer.ask)) return undefined;
  const sized = surebet(
    offers.map((o) => o.decimal),
    input.stakeMicros,
  );
  if (!sized.arbitrage) return undefined;
  const legs: SurebetLeg[] = [];
  const payouts: number[] = [];
  offers.forEach((offer, i) => {
    const stake = sized.stakesMicros[i] ?? 0;
    if (offer.book) {
      const venue = `sportsbook:${offer.book.sportsbook}`;
      legs.push({
        kind: 'sportsbook',
        venue,
        venueMarketId: `${offer.book.eventKey}|${offer.book.selection}`,
        selection: offer.book.selection,
        americanOdds: offer.book.americanOdds,
        decimalOdds: offer.decimal,
        stakeMicros: stake,
      });
      payouts.push(Math.floor(stake * offer.decimal));
      return;
    }
    const ask = offer.ask!;
    // Whole contracts on every venue: the leg never buys more than its share of the stake.
    const contracts = Math.floor(stake / effectivePriceMicros(ask.fee, ask.askMicros));
    const quantity = hundredthsOf(contracts);
    const cost = contracts * ask.askMicros + orderFeeMicros(ask.fee, [{ priceMicros: ask.askMicros, quantity }]);
    legs.push({
      kind: 'prediction_market',
      venue: ask.venue,
      venueMarketId: ask.venueMarketId,
      side: 'yes',
      askMicros: ask.askMicros,
      fee: ask.fee,
      quantity,
      effectivePriceMicros: effectivePriceMicros(ask.fee, ask.askMicros),
      stakeMicros: cost,
    });
    payouts.push(contracts * CONTRACT_PAYOUT_MICROS);
  });
  if (legs.some((leg) => leg.stakeMicros <= 0)) return undefined;
  const totalStakeMicros = legs.reduce((sum, leg) => sum + leg.stakeMicros, 0);
  const payoutMicros = Math.min(...payouts);
  if (payoutMicros <= totalStakeMicros) return undefined;
  const observed = offers.map((o) => o.book?.observedAtMs ?? o.ask?.observedAtMs ?? input.nowMs);
  return {
    type: 'signal_candidate',
    v: 1,
    kind: 'surebet',
    id: surebetCandidateId({ eventKey: input.eventKey, market: input.market, legs }),
    gameId: legs.some((leg) => leg.kind === 'prediction_market') ? input.gameId : null,
    eventKey: input.eventKey,
    market: input.market,
    marginBps: Math.max(1, Math.floor(sized.margin * 10_000)),
    totalStakeMicros,
    payoutMicros,
    profitMicros: payoutMicros - totalStakeMicros,
    priceObservedAtMs: Math.min(...observed),
    createdAtMs: input.nowMs,
    legs,
  };
}

/**
 * Every market's surebet over the event's latest book prices and, for a matched game, the prediction markets' asks:
 * one `surebetCandidate` per market (`<market>.<outcome>` selection ids), those that are one.
 */
export function findSurebetCandidates(input: {
  eventKey: string;
  gameId: string | null;
  books: readonly SportsbookPrice[];
  asks: readonly PredictionMarketAsk[];
  stakeMicros: number;
  nowMs: number;
}): SurebetCandidate[] {
  const markets = new Set(input.books.map((book) => book.selection.split('.')[0] ?? book.selection));
  return [...markets].sort().flatMap((market) => surebetCandidate({ ...input, market }) ?? []);
}
