/**
 * One game's venue traffic: two Kalshi markets (one per team) and two Polymarket markets (the moneyline and a
 * first-half moneyline that pairing must ignore), quoted around the true win probability of the score process with
 * each venue's lag, noise and spread. Every requote is clamped so no Kalshi leg plus the Polymarket leg on the other
 * team costs under $1 at the top of book (deeper levels only cost more), so normal noise never crosses the venues;
 * crosses appear only inside planted windows, sized with the domain's `optimalArbitrage`.
 */
import type { FeedLine } from '#domain/feed/events';
import type { PolymarketFeeSchedule, VenueFeeSchedule } from '#domain/fees';
import { optimalArbitrage } from '#domain/optimal-arbitrage';
import { CONTRACT_PAYOUT_MICROS } from '#domain/units';
import { SPORT_MODELS, winProbability } from '#domain/win-probability';
import { Book, type Leg, legAsks, legBestAsk, legCovers, type Pair, pairsOf, type TeamSide } from './books.ts';
import { EventQueue } from './heap.ts';
import type { KalshiIds, PlannedGame, PolymarketIds } from './plan.ts';
import { Rng } from './prng.ts';
import { homeWinProbabilityAt, secondsRemaining, stateAt } from './score.ts';
import {
  kalshiDelta,
  kalshiSnapshot,
  kalshiSubscribed,
  kalshiTicker,
  kalshiTrade,
  type LevelChange,
  type PolymarketRef,
  polymarketBestBidAsk,
  polymarketBooks,
  polymarketLastTrade,
  polymarketPriceChange,
  polymarketResolved,
  polymarketTickSizeChange,
} from './wire.ts';

export type PlantKind =
  | 'arbitrage'
  | 'fees_eat_edge'
  | 'fees_eat_edge_one_contract'
  | 'below_threshold'
  | 'stale_book'
  | 'invalid_book'
  | 'first_half_market';

export interface TruthLeg {
  venue: 'kalshi' | 'polymarket';
  instrument: string;
  side: 'yes' | 'no';
  priceMicros: number;
}

export interface Dislocation {
  id: string;
  espnEventId: string;
  startT: number;
  endT: number;
  expected: 'found' | 'not_found';
  why: 'arbitrage' | 'fees_eat_edge' | 'below_threshold' | 'stale_book' | 'invalid_book' | 'first_half_market';
  legs: TruthLeg[];
  quantity: number;
  netProfitMicros: number;
}

/** What makes a cross an arbitrage candidate (the shard's defaults: MIN_ARB_PROFIT_MICROS, MIN_ARB_EDGE_BPS). */
export interface ArbThresholds {
  minProfitMicros: number;
  minEdgeBps: number;
}

export interface GameStreamOptions {
  seed: number;
  game: PlannedGame;
  feedStartT: number;
  /** Venue messages this game should send, roughly. */
  targetMessages: number;
  plants: readonly PlantKind[];
  staleAfterMs: number;
  thresholds: ArbThresholds;
  /** Receives each dislocation once its window has closed. */
  onDislocation: (d: Dislocation) => void;
}

const CENT = 10_000;
const MILLI = 1_000;
const LEVELS = 5;

interface KalshiState {
  kind: 'kalshi';
  book: Book;
  ids: KalshiIds;
  sid: number;
  seq: number;
  tickerSid: number;
  tradeSid: number;
  lastPrice: number;
  volume: number;
  openInterest: number;
  lastTradeSize: number;
}

interface PolymarketState {
  kind: 'polymarket';
  book: Book;
  ids: PolymarketIds;
  ref: PolymarketRef;
  lastTrade: number;
  fineTick: boolean;
}

type VenueState = KalshiState | PolymarketState;

interface Quoting {
  lagMs: number;
  halfSpread: number;
  noise: number;
  noiseScale: number;
  sizeRange: [number, number];
  /** Kalshi sizes are whole contracts (so the legacy integer spelling can carry them). */
  whole: boolean;
}

interface Plant {
  kind: PlantKind;
  openT: number;
  pair?: Pair;
  /** The leg whose ask drops. */
  drop?: Leg;
  startT?: number;
  result?: Omit<Dislocation, 'id' | 'espnEventId' | 'startT' | 'endT'>;
}

type Event =
  | { kind: 'requote'; state: VenueState }
  | { kind: 'noise' }
  | { kind: 'mark'; index: number }
  | { kind: 'plant_prepare'; plant: Plant }
  | { kind: 'plant_open'; plant: Plant }
  | { kind: 'plant_close'; plant: Plant }
  | { kind: 'silence_end'; state: VenueState }
  | { kind: 'disruption' }
  | { kind: 'resync'; state: VenueState }
  | { kind: 'end' };

export function* gameStream(opts: GameStreamOptions): Generator<FeedLine> {
  const { game } = opts;
  const rng = Rng.derive(opts.seed, `market:${game.index}`);
  const queue = new EventQueue<Event>();
  const out: FeedLine[] = [];
  let lastT = opts.feedStartT;
  let sidCounter = 1 + game.index * 1000;
  let commandId = 1 + game.index * 1000;
  let hint = 0;

  const homeProbAt = (t: number): number => {
    const p = homeWinProbabilityAt(game.timeline, t, game.pregameHomeWinProbability, hint);
    hint = stateAt(game.timeline, t, hint).index;
    return p;
  };
  const firstHalfHomeProbAt = (t: number): number => {
    const { mark, clockSeconds } = stateAt(game.timeline, t, hint);
    const half = SPORT_MODELS[game.sport].regulationSeconds / 2;
    const left = Math.max(0, secondsRemaining(game.sport, { ...mark, clockSeconds }) - half);
    if (mark.phase === 'final' || left === 0 || t >= game.timeline.halftimeT) {
      return mark.homeScore === mark.awayScore ? 0.5 : mark.homeScore > mark.awayScore ? 1 : 0;
    }
    // The first half alone is Stern's model with the half's seconds left: winProbability reads them as a fraction.
    return winProbability(game.sport, {
      homeScore: mark.homeScore,
      awayScore: mark.awayScore,
      secondsRemaining: left,
      pregameHomeWinProbability: game.pregameHomeWinProbability,
    });
  };

  const kalshi = (ids: KalshiIds, primary: TeamSide): KalshiState => ({
    kind: 'kalshi',
    book: new Book(ids.ticker, 'kalshi', primary, CENT, false),
    ids,
    sid: sidCounter++,
    seq: 0,
    tickerSid: sidCounter++,
    tradeSid: sidCounter++,
    lastPrice: 0,
    volume: rng.int(50_000, 400_000) * 100,
    openInterest: rng.int(20_000, 200_000) * 100,
    lastTradeSize: 0,
  });
  const polymarket = (ids: PolymarketIds, firstHalf: boolean): PolymarketState => ({
    kind: 'polymarket',
    book: new Book(ids.slug, 'polymarket', 'home', CENT, firstHalf),
    ids,
    ref: { conditionId: ids.conditionId, primaryToken: ids.homeToken, otherToken: ids.awayToken },
    lastTrade: 0,
    fineTick: false,
  });
  const kHome = kalshi(game.kalshi.home, 'home');
  const kAway = kalshi(game.kalshi.away, 'away');
  const pFull = polymarket(game.polymarket.full, false);
  const pHalf = polymarket(game.polymarket.firstHalf, true);
  const states: VenueState[] = [kHome, kAway, pFull, pHalf];
  const stateOf = new Map<Book, VenueState>(states.map((s) => [s.book, s]));
  const pairs = pairsOf([kHome.book, kAway.book], [pFull.book, pHalf.book]);
  const quoting = new Map<Book, Quoting>([
    [kHome.book, quotingFor(rng, 'kalshi')],
    [kAway.book, quotingFor(rng, 'kalshi')],
    [pFull.book, quotingFor(rng, 'polymarket')],
    [pHalf.book, quotingFor(rng, 'first_half')],
  ]);
  const fees = (book: Book): VenueFeeSchedule =>
    book.venue === 'kalshi' ? { venue: 'kalshi' } : { venue: 'polymarket', ...polymarketFee(game.polymarket.feeRate) };
  let activePlant: Plant | undefined;
  const silentUntil = new Map<Book, number>();
  const protectedWindows: [number, number][] = [];

  const lastRaw = new Map<FeedLine['source'], string>();
  const emit = (t: number, source: FeedLine['source'], raw: string) => {
    lastT = Math.max(lastT, t);
    out.push({ t: lastT, source, raw });
    lastRaw.set(source, raw);
  };
  const hash = () => rng.hex(40);
  const isSilent = (book: Book, t: number) => (silentUntil.get(book) ?? 0) > t;
  const usable = (book: Book, t: number) => book.active && !book.frozen && !isSilent(book, t);

  // ------------------------------------------------------------------------------------------------------------
  // Quoting, with the no-cross clamp.

  const pairAllowedToCross = (pair: Pair): boolean => {
    const plant = activePlant;
    if (!plant?.pair || plant.startT === undefined) return false;
    if (pair === plant.pair) return true;
    // A first-half cross may show against both Kalshi markets: pairing ignores every one of them.
    const drop = plant.drop!;
    const hasDrop = (leg: Leg) => leg.book === drop.book && leg.opposite === drop.opposite;
    return plant.kind === 'first_half_market' && (hasDrop(pair.kalshi) || hasDrop(pair.polymarket));
  };

  /** Top-of-book bounds that keep every pair with `book` at or above $1: [max bid, min ask]. */
  const clampBounds = (book: Book): { maxBid: number; minAsk: number } => {
    let maxBid = CONTRACT_PAYOUT_MICROS;
    let minAsk = 0;
    for (const pair of pairs) {
      const mine =
        pair.kalshi.book === book ? pair.kalshi : pair.polymarket.book === book ? pair.polymarket : undefined;
      if (!mine) continue;
      const theirs = mine === pair.kalshi ? pair.polymarket : pair.kalshi;
      if (!theirs.book.active || pairAllowedToCross(pair)) continue;
      const otherAsk = legBestAsk(theirs);
      if (otherAsk === undefined) continue;
      // My leg's ask + their ask >= $1: my asks at least 1 - theirs, or (opposite leg) my bids at most theirs.
      if (mine.opposite) maxBid = Math.min(maxBid, otherAsk);
      else minAsk = Math.max(minAsk, CONTRACT_PAYOUT_MICROS - otherAsk);
    }
    return { maxBid, minAsk };
  };

  const fairOf = (book: Book, t: number): number => {
    const q = quoting.get(book)!;
    const at = t - q.lagMs;
    const home = book.firstHalf ? firstHalfHomeProbAt(at) : homeProbAt(at);
    const p = book.primary === 'home' ? home : 1 - home;
    q.noise = q.noise * 0.85 + rng.normal() * q.noiseScale;
    return Math.min(0.999, Math.max(0.001, p + q.noise));
  };

  /** Target levels for a requote: five on each side around the fair price, clamped. */
  const targetLevels = (book: Book, t: number): { bids: number[]; asks: number[] } => {
    const q = quoting.get(book)!;
    const tick = book.tickMicros;
    const fair = fairOf(book, t) * CONTRACT_PAYOUT_MICROS;
    const half = q.halfSpread * CONTRACT_PAYOUT_MICROS;
    let bid = Math.floor((fair - half) / tick) * tick;
    let ask = Math.ceil((fair + half) / tick) * tick;
    const { maxBid, minAsk } = clampBounds(book);
    bid = Math.min(bid, Math.floor(maxBid / tick) * tick);
    ask = Math.max(ask, Math.ceil(minAsk / tick) * tick);
    if (ask <= bid) ask = bid + tick;
    const bids: number[] = [];
    const asks: number[] = [];
    for (let k = 0; k < LEVELS; k++) {
      if (bid - k * tick >= tick) bids.push(bid - k * tick);
      if (ask + k * tick <= CONTRACT_PAYOUT_MICROS - tick) asks.push(ask + k * tick);
    }
    return { bids, asks };
  };

  const randomSize = (book: Book): number => {
    const q = quoting.get(book)!;
    const contracts = rng.uniform(q.sizeRange[0], q.sizeRange[1]);
    return q.whole || rng.chance(0.6) ? Math.round(contracts) * 100 : Math.round(contracts * 100);
  };

  /** Sets levels on the model and sends them in the venue's format. Removals first, so no step crosses. */
  const apply = (state: VenueState, changes: LevelChange[], t: number) => {
    if (changes.length === 0) return;
    const book = state.book;
    changes.sort((a, b) => Number(a.sizeHundredths !== 0) - Number(b.sizeHundredths !== 0));
    if (state.kind === 'kalshi') {
      for (const c of changes) {
        const map = c.book === 'bid' ? book.bids : book.asks;
        const before = map.get(c.priceMicros) ?? 0;
        if (c.sizeHundredths === before) continue;
        if (c.sizeHundredths === 0) map.delete(c.priceMicros);
        else map.set(c.priceMicros, c.sizeHundredths);
        const delta = c.sizeHundredths - before;
        state.seq += 1;
        const tsMs = t - rng.int(5, 60);
        emit(
          t,
          'kalshi_ws',
          kalshiDelta({
            market: state.ids,
            sid: state.sid,
            seq: state.seq,
            side: c.book === 'bid' ? 'yes' : 'no',
            priceMicros: c.book === 'bid' ? c.priceMicros : CONTRACT_PAYOUT_MICROS - c.priceMicros,
            deltaHundredths: delta,
            tsMs,
            plain: delta % 100 === 0 && rng.chance(0.05),
          }),
        );
        t += rng.int(0, 3);
      }
    } else {
      const sent: LevelChange[] = [];
      for (const c of changes) {
        const map = c.book === 'bid' ? book.bids : book.asks;
        if ((map.get(c.priceMicros) ?? 0) === c.sizeHundredths) continue;
        if (c.sizeHundredths === 0) map.delete(c.priceMicros);
        else map.set(c.priceMicros, c.sizeHundredths);
        sent.push(c);
      }
      if (sent.length === 0) return;
      emit(t, 'polymarket_ws', polymarketPriceChange(state.ref, book, sent, t - rng.int(20, 120), hash));
    }
    book.lastChangeT = lastT;
  };

  /** The changes that turn the book into the target ladder, keeping sizes of levels that stay. */
  const ladderChanges = (book: Book, target: { bids: number[]; asks: number[] }): LevelChange[] => {
    const changes: LevelChange[] = [];
    for (const side of ['bid', 'ask'] as const) {
      const map = side === 'bid' ? book.bids : book.asks;
      const wanted = new Set(side === 'bid' ? target.bids : target.asks);
      for (const price of map.keys())
        if (!wanted.has(price)) changes.push({ book: side, priceMicros: price, sizeHundredths: 0 });
      for (const price of wanted) {
        if (!map.has(price)) changes.push({ book: side, priceMicros: price, sizeHundredths: randomSize(book) });
      }
    }
    return changes;
  };

  const requote = (state: VenueState, t: number) => {
    if (!usable(state.book, t)) return;
    maybeTickChange(state, t);
    apply(state, ladderChanges(state.book, targetLevels(state.book, t)), t);
    if (state.kind === 'polymarket' && rng.chance(0.3)) {
      const bba = polymarketBestBidAsk(state.ref, state.book, t);
      if (bba) emit(t + 1, 'polymarket_ws', bba);
    }
  };

  /** Polymarket tightens its tick to 0.001 near the extremes, announced per token. */
  const maybeTickChange = (state: VenueState, t: number) => {
    if (state.kind !== 'polymarket' || state.fineTick) return;
    const bid = state.book.bestBid() ?? 500_000;
    if (bid < 960_000 && bid > 40_000) return;
    state.fineTick = true;
    state.book.tickMicros = MILLI;
    for (const token of [state.ref.primaryToken, state.ref.otherToken]) {
      emit(t, 'polymarket_ws', polymarketTickSizeChange(state.ref, token, CENT, MILLI, t - 30));
    }
  };

  // ------------------------------------------------------------------------------------------------------------
  // Snapshots, trades, tickers.

  const kalshiSubscribe = (state: KalshiState, t: number, withAllChannels: boolean) => {
    state.sid = sidCounter++;
    state.seq = 1;
    emit(t, 'kalshi_ws', kalshiSubscribed(commandId++, 'orderbook_delta', state.sid));
    if (withAllChannels) {
      emit(t, 'kalshi_ws', kalshiSubscribed(commandId++, 'ticker', state.tickerSid));
      emit(t, 'kalshi_ws', kalshiSubscribed(commandId++, 'trade', state.tradeSid));
    }
    emit(t + rng.int(20, 80), 'kalshi_ws', kalshiSnapshot(state.ids, state.book, state.sid, state.seq));
    state.book.lastChangeT = lastT;
  };

  const polymarketSnapshot = (state: PolymarketState, t: number) => {
    emit(
      t,
      'polymarket_ws',
      polymarketBooks(state.ref, state.book, t - rng.int(20, 120), [hash(), hash()], state.lastTrade),
    );
    state.book.lastChangeT = lastT;
  };

  const trade = (state: VenueState, t: number) => {
    const book = state.book;
    const buyPrimary = rng.chance(0.5);
    const price = buyPrimary ? book.bestAsk() : book.bestBid();
    if (price === undefined) return;
    const map = buyPrimary ? book.asks : book.bids;
    const available = map.get(price) ?? 0;
    const q = quoting.get(book)!;
    const size = Math.min(available, Math.round(rng.uniform(1, q.sizeRange[1] / 8)) * 100);
    if (size <= 0) return;
    if (state.kind === 'kalshi') {
      state.lastPrice = price;
      state.volume += size;
      state.openInterest += rng.chance(0.5) ? size : -Math.min(size, state.openInterest);
      state.lastTradeSize = size;
      emit(
        t,
        'kalshi_ws',
        kalshiTrade({
          market: state.ids,
          sid: state.tradeSid,
          tradeId: rng.uuid(),
          yesPriceMicros: price,
          countHundredths: size,
          takerOutcomeSide: buyPrimary ? 'yes' : 'no',
          tsMs: t - rng.int(5, 40),
        }),
      );
    } else {
      state.lastTrade = price;
      const token = buyPrimary ? state.ref.primaryToken : state.ref.otherToken;
      const paid = buyPrimary ? price : CONTRACT_PAYOUT_MICROS - price;
      const feeBps = Math.round(game.polymarket.feeRate * 10_000);
      emit(
        t,
        'polymarket_ws',
        polymarketLastTrade(state.ref, token, paid, size, feeBps, t - rng.int(20, 90), `0x${rng.hex(64)}`),
      );
    }
    apply(state, [{ book: buyPrimary ? 'ask' : 'bid', priceMicros: price, sizeHundredths: available - size }], t + 1);
    if (state.kind === 'kalshi' && rng.chance(0.5)) tickerOf(state, t + 2);
    if (available - size === 0) queue.push(t + rng.int(150, 900), { kind: 'requote', state });
  };

  const tickerOf = (state: KalshiState, t: number) => {
    emit(
      t,
      'kalshi_ws',
      kalshiTicker({
        market: state.ids,
        sid: state.tickerSid,
        book: state.book,
        lastPriceMicros: state.lastPrice || (state.book.bestBid() ?? 0),
        volumeHundredths: state.volume,
        openInterestHundredths: state.openInterest,
        lastTradeHundredths: state.lastTradeSize,
        tsMs: t - rng.int(5, 40),
      }),
    );
  };

  /** Changes one level's size (never its price), so no best price improves and no cross can appear. */
  const sizeNoise = (state: VenueState, t: number) => {
    const book = state.book;
    const side = rng.chance(0.5) ? 'bid' : 'ask';
    const map = side === 'bid' ? book.bids : book.asks;
    const prices = [...map.keys()];
    if (prices.length === 0) return;
    const price = rng.pick(prices);
    const best = side === 'bid' ? book.bestBid() : book.bestAsk();
    const now = map.get(price) ?? 0;
    const next = price !== best && rng.chance(0.08) ? 0 : Math.max(100, Math.round(now * rng.uniform(0.6, 1.5)));
    apply(state, [{ book: side, priceMicros: price, sizeHundredths: next }], t);
  };

  // ------------------------------------------------------------------------------------------------------------
  // Planted dislocations.

  const legInfo = (leg: Leg): TruthLeg => {
    const state = stateOf.get(leg.book)!;
    const price = legBestAsk(leg)!;
    if (state.kind === 'kalshi') {
      return { venue: 'kalshi', instrument: state.ids.ticker, side: leg.opposite ? 'no' : 'yes', priceMicros: price };
    }
    const token = legCovers(leg) === 'home' ? state.ids.homeToken : state.ids.awayToken;
    return { venue: 'polymarket', instrument: token, side: 'yes', priceMicros: price };
  };

  const arbitrageOf = (pair: Pair) =>
    optimalArbitrage(legAsks(pair.kalshi), legAsks(pair.polymarket), {
      yes: fees(pair.kalshi.book),
      no: fees(pair.polymarket.book),
    });

  /** The changes that make `leg`'s ask `priceMicros` with `quantity` there, leaving the book uncrossed. */
  const dropChanges = (leg: Leg, priceMicros: number, quantity: number): LevelChange[] => {
    const book = leg.book;
    const changes: LevelChange[] = [];
    if (!leg.opposite) {
      for (const [p] of book.asks)
        if (p < priceMicros) changes.push({ book: 'ask', priceMicros: p, sizeHundredths: 0 });
      for (const [p] of book.bids)
        if (p >= priceMicros) changes.push({ book: 'bid', priceMicros: p, sizeHundredths: 0 });
      changes.push({ book: 'ask', priceMicros, sizeHundredths: quantity });
    } else {
      const bid = CONTRACT_PAYOUT_MICROS - priceMicros;
      for (const [p] of book.bids) if (p > bid) changes.push({ book: 'bid', priceMicros: p, sizeHundredths: 0 });
      for (const [p] of book.asks) if (p <= bid) changes.push({ book: 'ask', priceMicros: p, sizeHundredths: 0 });
      changes.push({ book: 'bid', priceMicros: bid, sizeHundredths: quantity });
    }
    return changes;
  };

  /** Applies changes to a scratch copy of the book, to size a drop before sending it. */
  const withChanges = <T>(book: Book, changes: LevelChange[], run: () => T): T => {
    const saved = { bids: new Map(book.bids), asks: new Map(book.asks) };
    for (const c of changes) {
      const map = c.book === 'bid' ? book.bids : book.asks;
      if (c.sizeHundredths === 0) map.delete(c.priceMicros);
      else map.set(c.priceMicros, c.sizeHundredths);
    }
    try {
      return run();
    } finally {
      book.bids.clear();
      book.asks.clear();
      for (const [p, q] of saved.bids) book.bids.set(p, q);
      for (const [p, q] of saved.asks) book.asks.set(p, q);
    }
  };

  const choosePair = (kind: PlantKind): { pair: Pair; drop: Leg; other: Leg } | undefined => {
    // Fees eat a one-tick edge only where they are large, near even money; other plants need room under $1.
    const [low, high] = kind.startsWith('fees_eat_edge') ? [250_000, 750_000] : [60_000, 940_000];
    const candidates = pairs.filter((pair) => {
      if (kind === 'first_half_market' ? !pair.polymarket.book.firstHalf : pair.polymarket.book.firstHalf) return false;
      if (!pair.kalshi.book.active || !pair.polymarket.book.active) return false;
      const k = legBestAsk(pair.kalshi);
      const p = legBestAsk(pair.polymarket);
      return k !== undefined && p !== undefined && p > low && p < high && k > low && k < high;
    });
    if (candidates.length === 0) return undefined;
    const pair = rng.pick(candidates);
    return kind === 'first_half_market'
      ? { pair, drop: pair.polymarket, other: pair.kalshi }
      : { pair, drop: pair.kalshi, other: pair.polymarket };
  };

  /** Picks the drop's price and depth so the domain's sizing lands in the class the plant is meant to be. */
  const sizeDrop = (kind: PlantKind, pair: Pair, drop: Leg, other: Leg) => {
    const tick = drop.book.tickMicros;
    const otherAsk = legBestAsk(other)!;
    const classify = (count: number, profit: number) => {
      if (count === 0) return 'fees_eat_edge';
      const bps = (profit * 10_000) / (count * CONTRACT_PAYOUT_MICROS);
      return profit >= opts.thresholds.minProfitMicros && bps >= opts.thresholds.minEdgeBps
        ? 'arbitrage'
        : 'below_threshold';
    };
    const wanted = kind === 'fees_eat_edge_one_contract' ? 'fees_eat_edge' : kind;
    const attempts =
      kind === 'fees_eat_edge' || kind === 'fees_eat_edge_one_contract'
        ? [{ ticks: 1, quantity: kind === 'fees_eat_edge_one_contract' ? 100 : randomSize(drop.book) }]
        : kind === 'below_threshold'
          ? [2, 3, 4, 5].flatMap((ticks) => [500, 300, 200, 100].map((quantity) => ({ ticks, quantity })))
          : [4, 5, 6, 7, 8, 10].map((ticks) => ({ ticks, quantity: Math.max(randomSize(drop.book), 20_000) }));
    let chosen: { changes: LevelChange[]; arb: ReturnType<typeof arbitrageOf>; klass: string } | undefined;
    for (const { ticks, quantity } of attempts) {
      // A gross edge of at least `ticks` ticks under $1.
      const price = Math.floor((CONTRACT_PAYOUT_MICROS - otherAsk - ticks * tick) / tick) * tick;
      if (price < tick) continue;
      const changes = dropChanges(drop, price, quantity);
      const arb = withChanges(drop.book, changes, () => arbitrageOf(pair));
      const klass = classify(arb.count, arb.profitMicros);
      chosen = { changes, arb, klass };
      if (
        klass ===
        (wanted === 'stale_book' || wanted === 'invalid_book' || wanted === 'first_half_market' ? 'arbitrage' : wanted)
      )
        break;
    }
    return chosen;
  };

  /** Stale book: the Polymarket moneyline goes quiet long enough to be stale before the cross shows. */
  const preparePlant = (plant: Plant) => {
    silentUntil.set(pFull.book, plant.openT + 60_000);
  };

  /** Tries again a little later when no pair fits now (prices too extreme, a book silent). */
  const retryPlant = (plant: Plant, t: number) => {
    const retryT = t + rng.int(15_000, 40_000);
    const deadline = plant.kind === 'first_half_market' ? timeline.halftimeT - 60_000 : timeline.endT - 60_000;
    if (retryT > deadline) return;
    protectedWindows.push([retryT - 20_000, retryT + 40_000]);
    if (plant.kind === 'stale_book') silentUntil.set(pFull.book, retryT + 60_000);
    queue.push(retryT, { kind: 'plant_open', plant });
  };

  const openPlant = (plant: Plant, t: number) => {
    const chosen = activePlant ? undefined : choosePair(plant.kind);
    const sized = chosen && sizeDrop(plant.kind, chosen.pair, chosen.drop, chosen.other);
    const usableLegs =
      chosen?.pair.kalshi.book.active &&
      chosen.pair.polymarket.book.active &&
      !isSilent(chosen.drop.book, t) &&
      (plant.kind === 'stale_book' || !isSilent(chosen.other.book, t));
    if (!chosen || !sized || !usableLegs) {
      retryPlant(plant, t);
      return;
    }
    const { pair, drop, other } = chosen;
    plant.pair = pair;
    plant.drop = drop;
    activePlant = plant;
    drop.book.frozen = true;
    other.book.frozen = true;
    // Books that pair with the dropped leg move first, against the dropped price, so only the planted pair crosses.
    withChanges(drop.book, sized.changes, () => {
      for (const state of states) {
        if (state.book === drop.book || state.book === other.book) continue;
        if (usable(state.book, t)) apply(state, ladderChanges(state.book, targetLevels(state.book, t)), t);
      }
    });
    const dropState = stateOf.get(drop.book)!;
    const otherState = stateOf.get(other.book)!;
    // The other leg's price is fresh when the cross shows (unless staleness is the point).
    if (plant.kind !== 'stale_book') touchDeep(otherState, t + 5);
    if (plant.kind === 'invalid_book' && dropState.kind === 'kalshi') {
      // A lost message: the seq jumps, and the book must not be trusted until a new snapshot.
      dropState.seq += 1;
    }
    apply(dropState, sized.changes, t + 20);
    plant.startT = lastT;
    const arb = arbitrageOf(pair);
    const klass =
      plant.kind === 'stale_book' || plant.kind === 'invalid_book' || plant.kind === 'first_half_market'
        ? plant.kind
        : sized.klass;
    plant.result = {
      expected: klass === 'arbitrage' ? 'found' : 'not_found',
      why: klass as Dislocation['why'],
      legs: [legInfo(pair.kalshi), legInfo(pair.polymarket)],
      quantity: arb.count * 100,
      netProfitMicros: arb.profitMicros,
    };
    queue.push(lastT + rng.int(4_000, 12_000), { kind: 'plant_close', plant });
  };

  /** A size change on a level behind the best: the book is fresh, its prices unchanged. */
  const touchDeep = (state: VenueState, t: number) => {
    const book = state.book;
    const best = book.bestAsk();
    const deep = [...book.asks.keys()].filter((p) => p !== best);
    const price = deep.length > 0 ? rng.pick(deep) : best;
    if (price === undefined) return;
    apply(state, [{ book: 'ask', priceMicros: price, sizeHundredths: (book.asks.get(price) ?? 0) + 1_000 }], t);
  };

  const closePlant = (plant: Plant, t: number) => {
    if (activePlant !== plant || !plant.pair || !plant.drop || plant.startT === undefined || !plant.result) return;
    const drop = plant.drop;
    const other = drop === plant.pair.kalshi ? plant.pair.polymarket : plant.pair.kalshi;
    drop.book.frozen = false;
    other.book.frozen = false;
    activePlant = undefined;
    const dropState = stateOf.get(drop.book)!;
    if (plant.kind === 'invalid_book' && dropState.kind === 'kalshi') {
      // The client resubscribes: the cross is gone in the fresh snapshot.
      for (const c of ladderChanges(drop.book, targetLevels(drop.book, t))) {
        const map = c.book === 'bid' ? drop.book.bids : drop.book.asks;
        if (c.sizeHundredths === 0) map.delete(c.priceMicros);
        else map.set(c.priceMicros, c.sizeHundredths);
      }
      kalshiSubscribe(dropState, t, false);
    } else {
      requote(dropState, t);
    }
    const endT = lastT;
    if (plant.kind === 'stale_book') {
      silentUntil.delete(pFull.book);
      polymarketSnapshot(pFull, t + rng.int(200, 600));
    }
    opts.onDislocation({
      // Named by when the window opened (a plant that found no pair at first opens later than scheduled).
      id: `${game.espnEventId}-${plant.kind}-${plant.startT}`,
      espnEventId: game.espnEventId,
      startT: plant.startT,
      endT,
      ...plant.result,
    });
  };

  // ------------------------------------------------------------------------------------------------------------
  // Disruptions: silences, reconnects, sequence gaps, malformed frames (never near a planted window).

  const disrupt = (t: number) => {
    if (protectedWindows.some(([from, to]) => t >= from && t <= to) || activePlant) return;
    const state = rng.pick(states);
    if (!usable(state.book, t)) return;
    const u = rng.next();
    if (u < 0.3) {
      silentUntil.set(state.book, t + rng.int(5_000, 45_000));
      queue.push(silentUntil.get(state.book)!, { kind: 'silence_end', state });
    } else if (u < 0.55 && state.kind === 'kalshi') {
      state.seq += 1;
      sizeNoise(state, t);
      queue.push(t + rng.int(500, 3_000), { kind: 'resync', state });
    } else if (u < 0.75) {
      if (state.kind === 'kalshi') kalshiSubscribe(state, t, false);
      else polymarketSnapshot(state, t);
    } else {
      malformed(state, t);
    }
  };

  const namesState = (raw: string, s: VenueState): boolean =>
    s.kind === 'kalshi'
      ? raw.includes(`"${s.ids.ticker}"`)
      : raw.includes(`"${s.ref.primaryToken}"`) || raw.includes(`"${s.ref.otherToken}"`);

  const malformed = (state: VenueState, t: number) => {
    const source = state.kind === 'kalshi' ? 'kalshi_ws' : 'polymarket_ws';
    const last = lastRaw.get(source);
    if (rng.chance(0.5) && last) {
      // A frame cut short. The shard cannot tell what it lost, so it asks for fresh books of the markets the frame
      // named, and the venue client resubscribes: the snapshots it gets are part of the recorded feed.
      emit(t, source, last.slice(0, Math.max(1, Math.floor(last.length * rng.uniform(0.2, 0.9)))));
      for (const named of states.filter((s) => namesState(last, s))) {
        queue.push(t + rng.int(200, 1_500), { kind: 'resync', state: named });
      }
      return;
    }
    // Valid JSON with the wrong types, on a message that carries no book state.
    if (state.kind === 'kalshi') {
      emit(
        t,
        source,
        JSON.stringify({
          type: 'ticker',
          sid: String(state.tickerSid),
          msg: { market_ticker: state.ids.ticker, price_dollars: 0.5 },
        }),
      );
    } else {
      emit(
        t,
        source,
        JSON.stringify({
          event_type: 'last_trade_price',
          market: state.ref.conditionId,
          asset_id: Number(7),
          price: 0.5,
          size: null,
        }),
      );
    }
  };

  // ------------------------------------------------------------------------------------------------------------
  // Schedule and run.

  const subscribeT = opts.feedStartT + 1_500 + game.index * 40;
  for (const state of [kHome, kAway, pFull, pHalf]) {
    for (const c of ladderChanges(state.book, targetLevels(state.book, subscribeT))) {
      const map = c.book === 'bid' ? state.book.bids : state.book.asks;
      if (c.sizeHundredths > 0) map.set(c.priceMicros, c.sizeHundredths);
    }
  }
  kalshiSubscribe(kHome, subscribeT, true);
  kalshiSubscribe(kAway, subscribeT + 5, true);
  emit(
    subscribeT + 300,
    'polymarket_ws',
    polymarketBooks(pFull.ref, pFull.book, subscribeT + 250, [hash(), hash()], 0),
  );
  emit(
    subscribeT + 300,
    'polymarket_ws',
    polymarketBooks(pHalf.ref, pHalf.book, subscribeT + 250, [hash(), hash()], 0),
  );

  const { timeline } = game;
  timeline.marks.forEach((mark, index) => {
    if (index > 0) queue.push(mark.t, { kind: 'mark', index });
  });
  const endT = timeline.endT + 30_000;
  queue.push(endT, { kind: 'end' });

  const liveFrom = timeline.startT + 180_000;
  const liveTo = timeline.endT - 240_000;
  // Decoys first (the first-half one before halftime): early prices sit nearer even money, where fees are largest.
  const rank = (kind: PlantKind) => (kind === 'first_half_market' ? 0 : kind === 'arbitrage' ? 2 : 1);
  const plants = [...opts.plants].sort((a, b) => rank(a) - rank(b));
  plants.forEach((kind, i) => {
    const span = (liveTo - liveFrom) / plants.length;
    let openT = Math.round(liveFrom + span * (i + 0.3 + rng.uniform(0, 0.4)));
    if (kind === 'first_half_market') openT = Math.min(openT, timeline.halftimeT - 120_000);
    const plant: Plant = { kind, openT };
    const lead = kind === 'stale_book' ? opts.staleAfterMs + 10_000 : 0;
    protectedWindows.push([openT - lead - 20_000, openT + 40_000]);
    if (lead > 0) queue.push(openT - lead, { kind: 'plant_prepare', plant });
    queue.push(openT, { kind: 'plant_open', plant });
  });

  const durationS = (endT - opts.feedStartT) / 1000;
  // About 1.2 messages per noise event (measured over seeds); the game's marks add their own requotes.
  const meanGapMs = Math.max(5, (durationS * 1000 * 1.2) / Math.max(1, opts.targetMessages));
  queue.push(subscribeT + Math.round(rng.exponential(meanGapMs)), { kind: 'noise' });
  queue.push(subscribeT + rng.int(60_000, 600_000), { kind: 'disruption' });

  for (;;) {
    const next = queue.pop();
    if (!next) break;
    const { t, value: event } = next;
    switch (event.kind) {
      case 'end':
        for (const state of [pFull, pHalf]) {
          if (!state.book.active) continue;
          const home = homeProbAt(t);
          if (home !== 0.5) {
            const token = home > 0.5 ? state.ids.homeToken : state.ids.awayToken;
            const name = home > 0.5 ? game.home.name : game.away.name;
            emit(t, 'polymarket_ws', polymarketResolved(state.ref, token, name, t - 50));
          }
          state.book.active = false;
        }
        for (const state of [kHome, kAway]) tickerOf(state, t);
        yield* out.splice(0);
        return;
      case 'mark': {
        const mark = timeline.marks[event.index]!;
        if (mark.phase === 'halftime' && pHalf.book.active) {
          pHalf.book.active = false;
          const home = firstHalfHomeProbAt(t);
          const token = home === 0.5 ? undefined : home > 0.5 ? pHalf.ids.homeToken : pHalf.ids.awayToken;
          if (token) {
            const name = token === pHalf.ids.homeToken ? game.home.name : game.away.name;
            emit(t, 'polymarket_ws', polymarketResolved(pHalf.ref, token, name, t - 50));
          }
        }
        for (const state of states) {
          if (!state.book.active) continue;
          queue.push(t + quoting.get(state.book)!.lagMs + rng.int(0, 800), { kind: 'requote', state });
        }
        break;
      }
      case 'requote':
        requote(event.state, t);
        break;
      case 'noise': {
        const choices = states.filter((s) => usable(s.book, t));
        if (choices.length > 0) {
          const state = rng.pick(choices);
          const u = rng.next();
          if (u < 0.55) sizeNoise(state, t);
          else if (u < 0.75) requote(state, t);
          else if (u < 0.92) trade(state, t);
          else if (state.kind === 'kalshi') tickerOf(state, t);
          else {
            const bba = polymarketBestBidAsk(state.ref, state.book, t);
            if (bba) emit(t, 'polymarket_ws', bba);
          }
        }
        queue.push(t + Math.max(1, Math.round(rng.exponential(meanGapMs))), { kind: 'noise' });
        break;
      }
      case 'plant_prepare':
        preparePlant(event.plant);
        break;
      case 'plant_open':
        openPlant(event.plant, t);
        break;
      case 'plant_close':
        closePlant(event.plant, t);
        break;
      case 'silence_end':
        silentUntil.delete(event.state.book);
        requote(event.state, t);
        break;
      case 'resync':
        if (!event.state.book.active) break;
        if (event.state.kind === 'kalshi') kalshiSubscribe(event.state, t, false);
        else polymarketSnapshot(event.state, t);
        break;
      case 'disruption':
        disrupt(t);
        queue.push(t + rng.int(120_000, 900_000), { kind: 'disruption' });
        break;
    }
    if (out.length > 0) yield* out.splice(0);
  }
}

function polymarketFee(rate: number): PolymarketFeeSchedule {
  return { rate, exponent: 1 };
}

function quotingFor(rng: Rng, kind: 'kalshi' | 'polymarket' | 'first_half'): Quoting {
  switch (kind) {
    case 'kalshi':
      return {
        lagMs: rng.int(400, 2_500),
        halfSpread: rng.uniform(0.006, 0.012),
        noise: 0,
        noiseScale: 0.003,
        sizeRange: [40, 1_500],
        whole: true,
      };
    case 'polymarket':
      return {
        lagMs: rng.int(1_000, 4_000),
        halfSpread: rng.uniform(0.004, 0.01),
        noise: 0,
        noiseScale: 0.003,
        sizeRange: [20, 3_000],
        whole: false,
      };
    default:
      return {
        lagMs: rng.int(2_000, 6_000),
        halfSpread: rng.uniform(0.015, 0.03),
        noise: 0,
        noiseScale: 0.004,
        sizeRange: [10, 600],
        whole: false,
      };
  }
}
