import { marketIdFor } from '#contracts/ids';
import type { FeeSchedule, SignalCandidate } from '#contracts/signal-candidate';
import type { GameStateEvent, KalshiWsEvent, PolymarketWsEvent } from '../feed/events.ts';
import type { Side, Venue } from '../names.ts';
import type { PriceLevel } from '../order-book.ts';
import type { TopOfBook } from '../prices.ts';
import { finalWinner } from '../settlement/index.ts';
import { type Sport, winProbability } from '../win-probability.ts';
import { MarketBook } from './book.ts';
import { Hysteresis } from './hysteresis.ts';
import { IdTable } from './id-table.ts';
import type { GameStateRow, WatchedMarket } from './markets.ts';
import { type OutcomePair, pregameConsensus } from './pregame.ts';
import { ArbitrageMemo, type Finding, type ScanSide, type ScanThresholds, scanSides, toCandidate } from './scan.ts';

/**
 * The game shard's state, pure and synchronous: live books per venue market, the latest state per game, and on every
 * change the scan of the games it touches, through hysteresis, to the sink. Time is each event's feed time.
 */

export interface ShardSettings extends ScanThresholds {
  priceStaleAfterMs: number;
  maxDepthLevels?: number;
}

/** A game to hold, with its venue markets (as the matcher pairs them). */
export interface ShardGameSpec {
  gameId: string;
  sport: Sport;
  espnEventId: string;
  startsAtMs: number;
  home: { abbreviation: string; teamId?: string };
  away: { abbreviation: string; teamId?: string };
  markets: readonly WatchedMarket[];
}

export interface RecordLeg {
  venue: Venue;
  instrument: string;
  side: Side;
  priceMicros: number;
}

/** A candidate as published, with the legs and sizing of the candidate record. */
export interface PublishedCandidate {
  candidate: SignalCandidate;
  legs: RecordLeg[];
  sizing: { quantity: number; netProfitMicros?: number };
}

export interface ShardSink {
  candidate(published: PublishedCandidate): void;
  /** Books that became invalid: ask the venue for fresh snapshots. */
  resync(venue: Venue, instrumentIds: string[]): void;
  prices?(rows: TopOfBook[]): void;
  gameState?(row: GameStateRow): void;
  /** A held market's tick changed (Polymarket tightens it near the extremes): prices off the old grid are valid now. */
  tickSize?(change: TickSizeChange): void;
}

export interface TickSizeChange {
  marketId: string;
  tickSizeMicros: number;
  observedAtMs: number;
}

export interface ShardCounters {
  sequenceGaps: number;
  booksInvalidated: number;
  resyncs: number;
  candidates: { model_edge: number; arbitrage: number };
  suppressedStale: number;
  /** Model edges held back because the side's best ask moved after the game's latest poll (once per signature). */
  modelEdgeAwaitingState: number;
}

/** One buyable side of a held game, reading its book live. */
class LiveSide implements ScanSide {
  readonly marketId: string;

  constructor(
    readonly book: MarketBook,
    readonly side: Side,
    readonly paysOnTeam: string,
    readonly fee: FeeSchedule,
    readonly minOrderQuantity: number,
    readonly resolutionKey: string,
  ) {
    this.marketId = marketIdFor(book.venue, book.venueMarketId);
  }

  get venue(): Venue {
    return this.book.venue;
  }
  get venueMarketId(): string {
    return this.book.venueMarketId;
  }
  get bestAskMicros(): number {
    return this.book.bestAsk(this.side);
  }
  get bestAskQuantity(): number {
    return this.book.bestAskSize(this.side);
  }
  askDepth(maxLevels: number): PriceLevel[] {
    return this.book.askDepth(this.side, maxLevels);
  }
  get observedAtMs(): number {
    return this.book.observedAtMs;
  }
  get askChangedAtMs(): number {
    return this.book.askChangedAtMs(this.side);
  }
  get valid(): boolean {
    return this.book.valid;
  }
}

/** A book with what the shard keeps beside it. */
class HeldBook {
  /** The held games that price it; none for a book no held game prices (a first-half token, another shard's game). */
  readonly games: HeldGame[] = [];
  /** The tick last reported. */
  tick: number | undefined = undefined;
  /** The Kalshi subscription last seen carrying it: its ticker is in that sid's set already, not added per delta. */
  sid = -1;
  /** The flush that last listed it among the changed books. */
  changedIn = -1;
  /** The book's `topVersion` its games last heard of. */
  topVersion = -1;

  constructor(readonly book: MarketBook) {}
}

interface HeldGame {
  spec: ShardGameSpec;
  sides: LiveSide[];
  /** Per side, the index of the set of sides covering the game's two outcomes together (what the prior pairs up). */
  outcomeSetOf: number[];
  outcomeSets: number;
  /** The flush that last listed it among the touched games. */
  touchedIn: number;
  state: GameStateEvent | null;
  /** Whether the state is final (or the game off): nothing more to find. */
  over: boolean;
  stateVersion: number;
  /** Feed time of the latest poll of this game, whether its state changed or not (what the model has seen up to). */
  polledAtMs: number;
  bookVersion: number;
  pregameHomeWinProbability: number | null;
  model: { stateVersion: number; homeWins: number | null };
  hysteresis: Hysteresis;
  arbitrageMemo: ArbitrageMemo;
  /** Each side's validity and best ask, two slots a side (all the pregame prior and a scan's findings hang on). */
  tops: Float64Array;
  /** Counts changes of `tops`. */
  topsVersion: number;
  /** Whether a book's tops moved since `tops` was refreshed (else refreshing would change nothing). */
  topsStale: boolean;
  /** `topsVersion` when the pregame prior was last worked out. */
  pregameTops: number;
  /** What the last scan read and how many findings it made. */
  scanned: { tops: number; homeWins: number | null; over: boolean; findings: number; crossed: boolean };
}

const OVER = new Set(['final', 'postponed', 'cancelled']);

function sameState(a: GameStateEvent, b: GameStateEvent): boolean {
  return (
    a.status === b.status &&
    a.period === b.period &&
    a.clockSeconds === b.clockSeconds &&
    a.secondsRemaining === b.secondsRemaining &&
    a.home.score === b.home.score &&
    a.away.score === b.away.score
  );
}

export class ShardState {
  readonly counters: ShardCounters = {
    sequenceGaps: 0,
    booksInvalidated: 0,
    resyncs: 0,
    candidates: { model_edge: 0, arbitrage: 0 },
    suppressedStale: 0,
    modelEdgeAwaitingState: 0,
  };
  /** Books by venue, then by the venue's id. */
  private readonly books: Record<Venue, IdTable<HeldBook>> = { kalshi: new IdTable(), polymarket: new IdTable() };
  private readonly games = new Map<string, HeldGame>();
  private readonly gameByEvent = new Map<string, HeldGame>();
  /** Kalshi subscriptions: the last seq of each sid and the tickers it carried. */
  private readonly sids = new Map<number, { seq: number; tickers: Set<string> }>();
  /**
   * What changed since the last flush, each listed once: a book or game carries the number of the flush that
   * listed it (`changedIn`, `touchedIn`), so no list is searched per change. Books are listed only for a price sink.
   */
  private flushes = 0;
  private readonly touched: HeldGame[] = [];
  private touchedCount = 0;
  private readonly changedBooks: HeldBook[] = [];

  constructor(
    private readonly settings: ShardSettings,
    private readonly sink: ShardSink,
  ) {}

  /** Games held, by id. */
  gameIds(): string[] {
    return [...this.games.keys()];
  }

  /** The stored pregame prior of a game (null until both outcomes were quoted before the start). */
  pregameHomeWinProbability(gameId: string): number | null {
    return this.games.get(gameId)?.pregameHomeWinProbability ?? null;
  }

  private held(venue: Venue, id: string): HeldBook {
    let held = this.books[venue].get(id);
    if (!held) {
      held = new HeldBook(new MarketBook(venue, id));
      this.books[venue].add(id, held);
    }
    return held;
  }

  /** Holds a game and its markets; registering it again adds markets it did not have. */
  registerGame(spec: ShardGameSpec): void {
    let game = this.games.get(spec.gameId);
    if (!game) {
      game = {
        spec,
        sides: [],
        outcomeSetOf: [],
        outcomeSets: 0,
        touchedIn: -1,
        state: null,
        over: false,
        stateVersion: 0,
        polledAtMs: 0,
        bookVersion: 0,
        pregameHomeWinProbability: null,
        model: { stateVersion: -1, homeWins: null },
        hysteresis: new Hysteresis(),
        arbitrageMemo: new ArbitrageMemo(),
        tops: new Float64Array(0),
        topsVersion: 0,
        topsStale: true,
        pregameTops: -1,
        scanned: { tops: -1, homeWins: null, over: false, findings: -1, crossed: false },
      };
      this.games.set(spec.gameId, game);
      this.gameByEvent.set(`${spec.sport}|${spec.espnEventId}`, game);
    }
    const teams = [spec.home.abbreviation, spec.away.abbreviation];
    for (const m of spec.markets) {
      if (!teams.includes(m.yesTeam)) continue;
      const held = this.held(m.venue, m.venueMarketId);
      if (held.games.includes(game)) continue;
      held.games.push(game);
      const { book } = held;
      const otherTeam = m.yesTeam === spec.home.abbreviation ? spec.away.abbreviation : spec.home.abbreviation;
      for (const side of m.buy) {
        const paysOn = side === 'yes' ? m.yesTeam : otherTeam;
        game.sides.push(new LiveSide(book, side, paysOn, m.fee, m.minOrderQuantity, m.resolutionKey));
      }
    }
    // NaN equals nothing: every side reads as changed at the next evaluation.
    if (game.tops.length !== game.sides.length * 2)
      game.tops = new Float64Array(game.sides.length * 2).fill(Number.NaN);
    game.topsStale = true;
    groupOutcomeSets(game);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Venue events

  applyKalshi(events: readonly KalshiWsEvent[], atMs: number): void {
    for (const ev of events) {
      if (ev.type === 'kalshi_snapshot') {
        const held = this.held('kalshi', ev.ticker);
        this.checkSeq(ev.sid, ev.seq, ev.ticker, held, atMs, true);
        held.book.snapshotKalshi(ev.yesBids, ev.noBids, atMs);
        this.changed(held);
      } else if (ev.type === 'kalshi_delta') {
        const held = this.books.kalshi.get(ev.ticker);
        if (!this.checkSeq(ev.sid, ev.seq, ev.ticker, held, atMs, false)) continue;
        if (!held?.book.valid) continue;
        const ok = held.book.applyKalshiDelta(ev.side, ev.priceMicros, ev.deltaHundredths, atMs);
        if (!ok && held.games.length > 0) {
          this.counters.booksInvalidated++;
          this.requestResync('kalshi', [ev.ticker]);
        }
        this.changed(held);
      }
    }
    this.flush(atMs);
  }

  /** False on a gap: every book of the subscription is invalid until its next snapshot. */
  private checkSeq(
    sid: number,
    seq: number,
    ticker: string,
    book: HeldBook | undefined,
    atMs: number,
    snapshot: boolean,
  ): boolean {
    const held = this.sids.get(sid);
    if (!held) {
      this.sids.set(sid, { seq, tickers: new Set([ticker]) });
      if (book) book.sid = sid;
      return true;
    }
    // A sid's tickers only ever grow: a book seen on this sid last is in its set already.
    if (book?.sid !== sid) {
      held.tickers.add(ticker);
      if (book) book.sid = sid;
    }
    const expected = held.seq + 1;
    held.seq = seq;
    if (seq === expected || (snapshot && seq === 1)) return true;
    this.counters.sequenceGaps++;
    const lost = [...held.tickers].filter((t) => !(snapshot && t === ticker));
    this.invalidate('kalshi', lost, atMs);
    return false;
  }

  applyPolymarket(events: readonly PolymarketWsEvent[], atMs: number): void {
    for (const ev of events) {
      if (ev.type === 'polymarket_book') {
        const held = this.held('polymarket', ev.assetId);
        held.book.snapshotPolymarket(ev.bids, ev.asks, atMs);
        this.changed(held);
        if (ev.tickSizeMicros !== undefined) this.tickSize(held, ev.tickSizeMicros, atMs);
      } else if (ev.type === 'polymarket_tick_size_change') {
        const held = this.books.polymarket.get(ev.assetId);
        if (held) this.tickSize(held, ev.tickSizeMicros, atMs);
      } else if (ev.type === 'polymarket_price_change') {
        for (const c of ev.changes) {
          const held = this.books.polymarket.get(c.assetId);
          if (!held?.book.valid) continue;
          held.book.setPolymarketLevel(c.book, c.priceMicros, c.sizeHundredths, atMs);
          this.changed(held);
        }
      }
    }
    this.flush(atMs);
  }

  /** Reports a held book's tick when it differs from the one last reported (or than discovery gave, unknown here). */
  private tickSize(held: HeldBook, tickSizeMicros: number, atMs: number): void {
    if (held.games.length === 0 || held.tick === tickSizeMicros) return;
    held.tick = tickSizeMicros;
    const { book } = held;
    this.sink.tickSize?.({ marketId: marketIdFor(book.venue, book.venueMarketId), tickSizeMicros, observedAtMs: atMs });
  }

  /** Marks books invalid (a bad frame, a gap, a disconnect) and asks for their snapshots. */
  invalidate(venue: Venue, instrumentIds: readonly string[], atMs: number): void {
    const lost: string[] = [];
    for (const id of instrumentIds) {
      const held = this.books[venue].get(id);
      if (!held) continue;
      // A book already invalid has its resync asked for: asking again on every bad frame would hammer the venue.
      if (!held.book.valid) continue;
      held.book.invalidate();
      this.changed(held);
      // A book no held game prices (a first-half token, another shard's game) is not worth a snapshot.
      if (held.games.length === 0) continue;
      this.counters.booksInvalidated++;
      lost.push(id);
    }
    if (lost.length > 0) this.requestResync(venue, lost);
    this.flush(atMs);
  }

  /** The venue's connection dropped: none of its books can be trusted until each is snapshotted again. */
  venueDisconnected(venue: Venue, atMs: number): void {
    this.invalidate(venue, this.books[venue].ids(), atMs);
  }

  private requestResync(venue: Venue, ids: string[]): void {
    this.counters.resyncs++;
    this.sink.resync(venue, ids);
  }

  private changed(held: HeldBook): void {
    if (this.sink.prices && held.changedIn !== this.flushes) {
      held.changedIn = this.flushes;
      this.changedBooks.push(held);
    }
    const topsMoved = held.topVersion !== held.book.topVersion;
    held.topVersion = held.book.topVersion;
    for (const game of held.games) {
      game.bookVersion++;
      if (topsMoved) game.topsStale = true;
      this.touch(game);
    }
  }

  private touch(game: HeldGame): void {
    if (game.touchedIn === this.flushes) return;
    game.touchedIn = this.flushes;
    this.touched[this.touchedCount++] = game;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Game state

  applyGameStates(events: readonly GameStateEvent[], atMs: number): void {
    for (const ev of events) {
      const game = this.gameByEvent.get(`${ev.sport}|${ev.espnEventId}`);
      if (!game) continue;
      game.polledAtMs = atMs;
      // Even an unchanged state is news: a model edge awaiting it may be published now. A game whose last scan
      // found nothing (nothing awaiting either) ends at the scan-skip check.
      this.touch(game);
      if (game.state && sameState(game.state, ev)) continue;
      game.state = ev;
      game.over = OVER.has(ev.status);
      game.stateVersion++;
      if (this.sink.gameState) this.sink.gameState(this.stateRow(game, atMs));
    }
    this.flush(atMs);
  }

  private stateRow(game: HeldGame, atMs: number): GameStateRow {
    const s = game.state as GameStateEvent;
    const winner = finalWinner({ status: s.status, homeScore: s.home.score, awayScore: s.away.score });
    const team = winner === null ? undefined : game.spec[winner].teamId;
    return {
      gameId: game.spec.gameId,
      observedAtMs: atMs,
      status: s.status,
      period: s.period,
      clockRemainingSeconds: Math.round(s.clockSeconds),
      homeScore: s.home.score,
      awayScore: s.away.score,
      winnerTeamId: team ?? null,
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Evaluation

  private flush(atMs: number): void {
    if (this.sink.prices && this.changedBooks.length > 0) {
      this.sink.prices(this.priceRows());
      this.changedBooks.length = 0;
    }
    // The list's slots are reused: only the first `touchedCount` are this flush's.
    for (let i = 0; i < this.touchedCount; i++) this.evaluate(this.touched[i] as HeldGame, atMs);
    this.touchedCount = 0;
    this.flushes++;
  }

  private priceRows(): TopOfBook[] {
    const rows: TopOfBook[] = [];
    for (const { book, games } of this.changedBooks) {
      if (!book.valid) continue;
      for (const game of games) {
        for (const s of game.sides) {
          if (s.book !== book) continue;
          const orNull = (n: number) => (n < 0 ? null : n);
          const bid = book.bestBid(s.side);
          const ask = book.bestAsk(s.side);
          rows.push({
            observedAtMs: book.observedAtMs,
            marketId: s.marketId,
            venue: book.venue,
            side: s.side,
            bidMicros: orNull(bid),
            askMicros: orNull(ask),
            bidSizeHundredths: bid < 0 ? null : book.bestBidSize(s.side),
            askSizeHundredths: ask < 0 ? null : book.bestAskSize(s.side),
          });
        }
      }
    }
    return rows;
  }

  private started(game: HeldGame, atMs: number): boolean {
    const status = game.state?.status ?? 'scheduled';
    return status !== 'scheduled' || atMs >= game.spec.startsAtMs;
  }

  private updatePregame(game: HeldGame): void {
    const home = game.spec.home.abbreviation;
    // One pair per outcome set with a valid side, in the order of each set's first valid side.
    const pairs: OutcomePair[] = [];
    const pairOfSet: (OutcomePair | undefined)[] = new Array(game.outcomeSets);
    for (let i = 0; i < game.sides.length; i++) {
      const s = game.sides[i] as LiveSide;
      if (!s.valid) continue;
      const set = game.outcomeSetOf[i] as number;
      let pair = pairOfSet[set];
      if (!pair) {
        pair = { venue: s.venue, homeAskMicros: -1, awayAskMicros: -1 };
        pairOfSet[set] = pair;
        pairs.push(pair);
      }
      if (s.paysOnTeam === home) pair.homeAskMicros = s.bestAskMicros;
      else pair.awayAskMicros = s.bestAskMicros;
    }
    const consensus = pregameConsensus(pairs);
    if (consensus !== null) game.pregameHomeWinProbability = consensus;
  }

  /** P(home wins) for the game's current state, computed once per state version. */
  private homeWins(game: HeldGame): number | null {
    if (game.model.stateVersion === game.stateVersion) return game.model.homeWins;
    const s = game.state;
    const prior = game.pregameHomeWinProbability;
    const homeWins =
      s && s.status === 'in_progress' && prior !== null
        ? winProbability(game.spec.sport, {
            homeScore: s.home.score,
            awayScore: s.away.score,
            secondsRemaining: s.secondsRemaining,
            pregameHomeWinProbability: prior,
          })
        : null;
    game.model = { stateVersion: game.stateVersion, homeWins };
    return homeWins;
  }

  /** Notes each side's validity and best ask, counting a change. */
  private refreshTops(game: HeldGame): void {
    const { tops, sides } = game;
    let changed = false;
    for (let i = 0; i < sides.length; i++) {
      const side = sides[i] as LiveSide;
      const valid = side.valid ? 1 : 0;
      const ask = side.bestAskMicros;
      if (tops[2 * i] !== valid || tops[2 * i + 1] !== ask) {
        tops[2 * i] = valid;
        tops[2 * i + 1] = ask;
        changed = true;
      }
    }
    if (changed) game.topsVersion++;
  }

  private evaluate(game: HeldGame, atMs: number): void {
    if (game.topsStale) {
      this.refreshTops(game);
      game.topsStale = false;
    }
    // The prior reads only the sides' validity and best asks: unchanged, it would come out the same.
    if (!this.started(game, atMs) && game.pregameTops !== game.topsVersion) {
      this.updatePregame(game);
      game.pregameTops = game.topsVersion;
    }
    const { over } = game;
    const homeWinProbability = over ? null : this.homeWins(game);
    const last = game.scanned;
    // A scan that found nothing finds nothing again while the model, the sides' validity and best asks stand still
    // and no pair crosses at the top (whether anything is found does not hang on sizes, depth or the clock then;
    // crossing hangs on the tops alone, so the last scan's answer holds); hysteresis, holding nothing, would do
    // nothing. Most changes deep in a book or of a size end here. A finding awaiting the game's state counts as a
    // finding, so the poll that lets it through rescans.
    const quiet =
      last.findings === 0 &&
      (over || (!last.over && last.tops === game.topsVersion && last.homeWins === homeWinProbability && !last.crossed));
    if (quiet) return;
    const result = over
      ? { findings: [], crossedAtTop: false }
      : scanSides({
          homeTeam: game.spec.home.abbreviation,
          homeWinProbability,
          sides: game.sides,
          thresholds: this.settings,
          arbitrage: true,
          nowMs: atMs,
          staleAfterMs: this.settings.priceStaleAfterMs,
          stateObservedAtMs: game.polledAtMs,
          arbitrageMemo: game.arbitrageMemo,
          ...(this.settings.maxDepthLevels === undefined ? {} : { maxDepthLevels: this.settings.maxDepthLevels }),
        });
    const { findings } = result;
    last.tops = game.topsVersion;
    last.homeWins = homeWinProbability;
    last.over = over;
    last.findings = findings.length;
    last.crossed = result.crossedAtTop;
    const verdicts = game.hysteresis.decide(findings);
    for (let i = 0; i < findings.length; i++) {
      const verdict = verdicts[i];
      if (verdict === 'stale') this.counters.suppressedStale++;
      if (verdict === 'awaiting_state') this.counters.modelEdgeAwaitingState++;
      if (verdict === 'publish') this.publish(game, findings[i] as Finding, atMs);
    }
  }

  private publish(game: HeldGame, finding: Finding, atMs: number): void {
    const candidate = toCandidate(finding, {
      gameId: game.spec.gameId,
      bookVersion: game.bookVersion,
      stateVersion: game.stateVersion,
      nowMs: atMs,
      ...(this.settings.maxDepthLevels === undefined ? {} : { maxDepthLevels: this.settings.maxDepthLevels }),
    });
    this.counters.candidates[finding.kind]++;
    const leg = (s: ScanSide, priceMicros: number): RecordLeg => ({
      venue: s.venue,
      instrument: s.venueMarketId,
      side: s.side,
      priceMicros,
    });
    if (finding.kind === 'arbitrage') {
      this.sink.candidate({
        candidate,
        legs: [leg(finding.leg, finding.legAskMicros), leg(finding.hedge, finding.hedgeAskMicros)],
        sizing: { quantity: finding.quantity, netProfitMicros: finding.netProfitMicros },
      });
    } else {
      this.sink.candidate({
        candidate,
        legs: [leg(finding.leg, finding.askMicros)],
        sizing: { quantity: finding.quantity },
      });
    }
  }
}

/**
 * Groups a game's sides into the sets that cover its two outcomes together: a Kalshi market's YES and NO, or the
 * outcome tokens of one Polymarket rule. Sides change only on registration, so the prior does not key them per update.
 */
function groupOutcomeSets(game: HeldGame): void {
  const setOfKey = new Map<string, number>();
  game.outcomeSetOf = game.sides.map((s) => {
    const key = s.venue === 'kalshi' ? `k|${s.venueMarketId}` : `p|${s.resolutionKey}`;
    let set = setOfKey.get(key);
    if (set === undefined) {
      set = setOfKey.size;
      setOfKey.set(key, set);
    }
    return set;
  });
  game.outcomeSets = setOfKey.size;
}
