import type { Side, Venue } from '../names.ts';
import type { PriceLevel } from '../order-book.ts';
import { Ladder } from './ladder.ts';

/**
 * The live book of one venue market, mutable: a Kalshi market holds the bids of YES and of NO (each side's asks are
 * the other side's bids mirrored); a Polymarket outcome token holds its own bids and asks and has only YES to buy.
 * A book is INVALID from creation, after a sequence gap, a frame that did not parse or a disconnect, until a snapshot
 * arrives: nothing is priced from an invalid book.
 */
export class MarketBook {
  /** Kalshi: the YES bids. Polymarket: the token's bids. */
  readonly bids = new Ladder('highest');
  /** Kalshi: the NO bids (the YES asks, mirrored). Polymarket: the token's asks. */
  readonly other: Ladder;
  valid = false;
  /** Feed time of the last snapshot or change. */
  observedAtMs = 0;
  /** Counts every change, so a caller can tell a book that moved from one that did not. */
  version = 0;
  /**
   * Counts the changes of either ladder's best price or of validity: all every side's best ask and validity hang on,
   * so a caller can tell a book whose tops moved from one that changed only deeper or in size.
   */
  topVersion = 0;
  /** Feed time of the last change of each ladder's best price (its side's best ask, read mirrored for Kalshi). */
  private bidsTopChangedAtMs = 0;
  private otherTopChangedAtMs = 0;

  constructor(
    readonly venue: Venue,
    readonly venueMarketId: string,
  ) {
    this.other = new Ladder(venue === 'kalshi' ? 'highest' : 'lowest');
  }

  private touched(atMs: number, bidsTop: number, otherTop: number, wasValid: boolean): void {
    this.observedAtMs = atMs;
    this.version++;
    const bidsMoved = this.bids.bestPrice() !== bidsTop;
    const otherMoved = this.other.bestPrice() !== otherTop;
    if (bidsMoved) this.bidsTopChangedAtMs = atMs;
    if (otherMoved) this.otherTopChangedAtMs = atMs;
    if (bidsMoved || otherMoved || this.valid !== wasValid) this.topVersion++;
  }

  /** Kalshi `orderbook_snapshot`: both sides' bids. */
  snapshotKalshi(yesBids: readonly PriceLevel[], noBids: readonly PriceLevel[], atMs: number): void {
    const bidsTop = this.bids.bestPrice();
    const otherTop = this.other.bestPrice();
    const wasValid = this.valid;
    this.bids.replace(yesBids);
    this.other.replace(noBids);
    this.valid = true;
    this.touched(atMs, bidsTop, otherTop, wasValid);
  }

  /** Kalshi `orderbook_delta` on a valid book; a level driven below zero invalidates the book. */
  applyKalshiDelta(side: Side, priceMicros: number, deltaHundredths: number, atMs: number): boolean {
    if (!this.valid) return false;
    const bidsTop = this.bids.bestPrice();
    const otherTop = this.other.bestPrice();
    const ok = (side === 'yes' ? this.bids : this.other).add(priceMicros, deltaHundredths);
    if (!ok) this.valid = false;
    this.touched(atMs, bidsTop, otherTop, true);
    return ok;
  }

  /** Polymarket `book`: the token's whole book. */
  snapshotPolymarket(bids: readonly PriceLevel[], asks: readonly PriceLevel[], atMs: number): void {
    const bidsTop = this.bids.bestPrice();
    const otherTop = this.other.bestPrice();
    const wasValid = this.valid;
    this.bids.replace(bids);
    this.other.replace(asks);
    this.valid = true;
    this.touched(atMs, bidsTop, otherTop, wasValid);
  }

  /** Polymarket `price_change`: a level's new aggregate size; 0 removes it. */
  setPolymarketLevel(book: 'bid' | 'ask', priceMicros: number, sizeHundredths: number, atMs: number): void {
    if (!this.valid) return;
    const bidsTop = this.bids.bestPrice();
    const otherTop = this.other.bestPrice();
    (book === 'bid' ? this.bids : this.other).set(priceMicros, sizeHundredths);
    this.touched(atMs, bidsTop, otherTop, true);
  }

  invalidate(): void {
    if (this.valid) this.topVersion++;
    this.valid = false;
  }

  /** The ladder a buyer of `side` takes from; a Kalshi book's read mirrored (asks are the other side's bids). */
  private askLadder(side: Side): Ladder {
    if (this.venue === 'polymarket') return this.other;
    return side === 'yes' ? this.other : this.bids;
  }

  private bidLadder(side: Side): Ladder {
    return this.venue === 'polymarket' || side === 'yes' ? this.bids : this.other;
  }

  /** Best ask of `side` in micros, -1 when nobody sells. */
  bestAsk(side: Side): number {
    return this.askLadder(side).bestPrice(this.venue === 'kalshi');
  }

  /** Feed time of the last change of `side`'s best ask (0 before any). */
  askChangedAtMs(side: Side): number {
    return this.askLadder(side) === this.bids ? this.bidsTopChangedAtMs : this.otherTopChangedAtMs;
  }

  bestAskSize(side: Side): number {
    return this.askLadder(side).bestSize();
  }

  /** Ask levels of `side`, best first. */
  askDepth(side: Side, maxLevels: number): PriceLevel[] {
    return this.askLadder(side).levels(maxLevels, this.venue === 'kalshi');
  }

  /** Best bid of `side` in micros, -1 when nobody buys. */
  bestBid(side: Side): number {
    return this.bidLadder(side).bestPrice();
  }

  bestBidSize(side: Side): number {
    return this.bidLadder(side).bestSize();
  }
}
