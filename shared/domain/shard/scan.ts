import { candidateId, type FeeSchedule, type Leg, type SignalCandidate } from '#contracts/signal-candidate';
import { EDGE_REFERENCE_CONTRACTS, modelEdgeBps } from '../edge.ts';
import type { Side, Venue } from '../names.ts';
import { type OptimalArbitrage, optimalArbitrage } from '../optimal-arbitrage.ts';
import type { PriceLevel } from '../order-book.ts';
import { CONTRACT_PAYOUT_MICROS, HUNDREDTHS_PER_CONTRACT, priceFromProbability } from '../units.ts';

/**
 * The one scanner, the game shard's engine runs on every change: model
 * edge after fees on each market side, and cross-venue arbitrage sized with `optimalArbitrage` over the depth. Pure:
 * the caller brings the clock, the books (as `ScanSide`s) and the model's probability.
 */

/** One buyable market side as the scanner reads it: fixed facts plus its book's current state. */
export interface ScanSide {
  readonly venue: Venue;
  readonly venueMarketId: string;
  readonly side: Side;
  /** Team abbreviation this side pays on. */
  readonly paysOnTeam: string;
  readonly fee: FeeSchedule;
  /** The venue's smallest order for this market, in hundredths. */
  readonly minOrderQuantity: number;
  /** Sides pair for arbitrage only when both resolve on the same rule. */
  readonly resolutionKey: string;
  /** Best ask in micros; -1 when nobody sells. */
  readonly bestAskMicros: number;
  readonly bestAskQuantity: number;
  /** Ask levels, best first. */
  askDepth(maxLevels: number): PriceLevel[];
  /** When the book was last observed (feed time). */
  readonly observedAtMs: number;
  /** Feed time of the last change of the best ask. */
  readonly askChangedAtMs: number;
  /** False after a gap, a bad frame or a disconnect, until a snapshot: never priced. */
  readonly valid: boolean;
}

export interface ScanThresholds {
  minEdgeBps: number;
  minArbProfitMicros: number;
  minArbEdgeBps: number;
}

/** The arbitrage thresholds' defaults (MIN_ARB_PROFIT_MICROS, MIN_ARB_EDGE_BPS). */
export const ARBITRAGE_THRESHOLD_DEFAULTS = { minArbProfitMicros: 100_000, minArbEdgeBps: 10 } as const;

/** Levels of depth a candidate carries: enough to size against, small enough for one SQS message. */
export const DEFAULT_MAX_DEPTH_LEVELS = 10;

export interface ScanInput {
  homeTeam: string;
  /** The model's P(home wins); null when the game is not priced (not in progress, or no pregame prior). */
  homeWinProbability: number | null;
  sides: readonly ScanSide[];
  thresholds: ScanThresholds;
  /** Whether arbitrage is looked for (not once the game is over). */
  arbitrage: boolean;
  nowMs: number;
  /** A leg observed longer ago than this is stale: found, flagged, never published. Unset: nothing is stale. */
  staleAfterMs?: number;
  /**
   * Feed time of the game's latest state observation (poll), changed or not. A model edge on a side whose best ask
   * moved after it is held back (`awaitingState`): the venue may be pricing a score the model has not seen yet.
   * Unset: no model edge waits.
   */
  stateObservedAtMs?: number;
  maxDepthLevels?: number;
  /** The game's memo of its pairs' sizings: a pair whose depth is what it was is not sized again. */
  arbitrageMemo?: ArbitrageMemo;
}

type Sizing = Pick<OptimalArbitrage, 'count' | 'profitMicros'>;

function sameLevels(a: readonly PriceLevel[], b: readonly PriceLevel[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as PriceLevel;
    const y = b[i] as PriceLevel;
    if (x.priceMicros !== y.priceMicros || x.quantity !== y.quantity) return false;
  }
  return true;
}

/**
 * The last sizing of each pair of sides with the depth and fees it was worked out on. `optimalArbitrage` is pure:
 * while the two legs' depth stands still (a crossed pair is scanned again on every change to any book of its game,
 * and most of those are elsewhere) it would size the same, so its answer is kept. One per game.
 */
export class ArbitrageMemo {
  private readonly pairs = new Map<
    ScanSide,
    Map<ScanSide, { yes: PriceLevel[]; no: PriceLevel[]; fees: [FeeSchedule, FeeSchedule]; sizing: Sizing }>
  >();

  size(a: ScanSide, b: ScanSide, yes: PriceLevel[], no: PriceLevel[]): Sizing {
    let ofA = this.pairs.get(a);
    if (!ofA) {
      ofA = new Map();
      this.pairs.set(a, ofA);
    }
    const held = ofA.get(b);
    if (
      held &&
      held.fees[0] === a.fee &&
      held.fees[1] === b.fee &&
      sameLevels(held.yes, yes) &&
      sameLevels(held.no, no)
    )
      return held.sizing;
    const { count, profitMicros } = optimalArbitrage(yes, no, { yes: a.fee, no: b.fee });
    const sizing = { count, profitMicros };
    ofA.set(b, { yes, no, fees: [a.fee, b.fee], sizing });
    return sizing;
  }
}

interface FindingBase {
  /** The market side or pair: what hysteresis is kept per. */
  key: string;
  /** Prices and size it was found at: the same key and signature is the same opportunity. */
  signature: string;
  /** Probability the (first) leg pays out. */
  probability: number;
  edgeBps: number;
  /** Hundredths: the arbitrage's optimal count, or the model edge's quantity at the ask. */
  quantity: number;
  /** Some leg is older than `staleAfterMs`. */
  stale: boolean;
  /** The stalest leg's observation. */
  observedAtMs: number;
  /** A model edge on an ask newer than the model's state: found, never published until a poll catches up. */
  awaitingState: boolean;
}

export interface ModelEdgeFinding extends FindingBase {
  kind: 'model_edge';
  leg: ScanSide;
  askMicros: number;
}

export interface ArbitrageFinding extends FindingBase {
  kind: 'arbitrage';
  leg: ScanSide;
  hedge: ScanSide;
  legAskMicros: number;
  hedgeAskMicros: number;
  netProfitMicros: number;
}

export type Finding = ModelEdgeFinding | ArbitrageFinding;

const MICROS_PER_BP = 100;
const REFERENCE_HUNDREDTHS = EDGE_REFERENCE_CONTRACTS * HUNDREDTHS_PER_CONTRACT;

/** A side a taker can buy now: valid book, an ask strictly inside (0, $1). */
function buyable(s: ScanSide): boolean {
  return s.valid && s.bestAskMicros > 0 && s.bestAskMicros < CONTRACT_PAYOUT_MICROS;
}

function isStale(input: ScanInput, observedAtMs: number): boolean {
  return input.staleAfterMs !== undefined && input.nowMs - observedAtMs > input.staleAfterMs;
}

const sideKey = (s: ScanSide) => `${s.venue}|${s.venueMarketId}|${s.side}`;

export function scan(input: ScanInput): Finding[] {
  return scanSides(input).findings;
}

export interface ScanResult {
  findings: Finding[];
  /** Whether some pair crosses at the top (`crossesAtTop`), whether or not it makes a finding; false without arbitrage. */
  crossedAtTop: boolean;
}

/** `scan`, telling also whether a pair crosses at the top (the shard decides whether to scan again on it). */
export function scanSides(input: ScanInput): ScanResult {
  const out: Finding[] = [];
  const home = input.homeWinProbability;
  if (home !== null) {
    for (const s of input.sides) {
      if (!buyable(s)) continue;
      const probability = s.paysOnTeam === input.homeTeam ? home : 1 - home;
      // Fees only lower the edge: a side short of the bar before fees is not worth pricing them for.
      const grossBps = (priceFromProbability(probability) - s.bestAskMicros) / MICROS_PER_BP;
      if (grossBps < input.thresholds.minEdgeBps) continue;
      const edgeBps = modelEdgeBps(probability, { askMicros: s.bestAskMicros, fee: s.fee });
      if (edgeBps < input.thresholds.minEdgeBps) continue;
      const quantity = Math.min(s.bestAskQuantity, REFERENCE_HUNDREDTHS);
      out.push({
        kind: 'model_edge',
        key: `m|${sideKey(s)}`,
        signature: `${s.bestAskMicros}|${quantity}`,
        probability,
        edgeBps,
        quantity,
        stale: isStale(input, s.observedAtMs),
        observedAtMs: s.observedAtMs,
        awaitingState: input.stateObservedAtMs !== undefined && input.stateObservedAtMs < s.askChangedAtMs,
        leg: s,
        askMicros: s.bestAskMicros,
      });
    }
  }
  const crossedAtTop = input.arbitrage && arbitrages(input, out);
  return { findings: out, crossedAtTop };
}

/**
 * Whether a buyable Kalshi leg (its best ask `aAskMicros`, read once for all its pairs) and a Polymarket hedge pair
 * up (one rule, opposite teams) and their tops cross: only then can any size make money, and only then does the
 * arbitrage read past the top of the books. The cheap tests of the pair come first.
 */
function crossesAtTop(a: ScanSide, aAskMicros: number, b: ScanSide): boolean {
  if (b.venue !== 'polymarket' || a.paysOnTeam === b.paysOnTeam || a.resolutionKey !== b.resolutionKey) return false;
  return buyable(b) && aAskMicros + b.bestAskMicros < CONTRACT_PAYOUT_MICROS;
}

/** Appends the arbitrages of the sides' pairs to `out`; true when some pair crossed at the top. */
function arbitrages(input: ScanInput, out: Finding[]): boolean {
  const maxLevels = input.maxDepthLevels ?? DEFAULT_MAX_DEPTH_LEVELS;
  const { sides } = input;
  let crossed = false;
  for (const a of sides) {
    if (a.venue !== 'kalshi' || !buyable(a)) continue;
    const aAskMicros = a.bestAskMicros;
    for (const b of sides) {
      if (!crossesAtTop(a, aAskMicros, b)) continue;
      crossed = true;
      const yes = askLevels(a, maxLevels);
      const no = askLevels(b, maxLevels);
      const best = input.arbitrageMemo
        ? input.arbitrageMemo.size(a, b, yes, no)
        : optimalArbitrage(yes, no, { yes: a.fee, no: b.fee });
      if (best.count === 0 || best.profitMicros <= 0 || best.profitMicros < input.thresholds.minArbProfitMicros) {
        continue;
      }
      const quantity = best.count * HUNDREDTHS_PER_CONTRACT;
      if (quantity < a.minOrderQuantity || quantity < b.minOrderQuantity) continue;
      const edgeBps = Math.floor((best.profitMicros * 10_000) / (best.count * CONTRACT_PAYOUT_MICROS));
      if (edgeBps < input.thresholds.minArbEdgeBps) continue;
      const home = input.homeWinProbability;
      const observedAtMs = Math.min(a.observedAtMs, b.observedAtMs);
      out.push({
        kind: 'arbitrage',
        key: `a|${sideKey(a)}|${sideKey(b)}`,
        signature: `${a.bestAskMicros}|${b.bestAskMicros}|${quantity}|${best.profitMicros}`,
        // Without a model, the price the pair itself implies for the first leg.
        probability:
          home === null
            ? a.bestAskMicros / (a.bestAskMicros + b.bestAskMicros)
            : a.paysOnTeam === input.homeTeam
              ? home
              : 1 - home,
        edgeBps,
        quantity,
        stale: isStale(input, observedAtMs),
        observedAtMs,
        awaitingState: false,
        leg: a,
        hedge: b,
        legAskMicros: a.bestAskMicros,
        hedgeAskMicros: b.bestAskMicros,
        netProfitMicros: best.profitMicros,
      });
    }
  }
  return crossed;
}

/** A side's asks a taker can buy: inside (0, $1), best first. */
function askLevels(s: ScanSide, maxLevels: number): PriceLevel[] {
  return s.askDepth(maxLevels).filter((l) => l.priceMicros > 0 && l.priceMicros < CONTRACT_PAYOUT_MICROS);
}

function toLeg(s: ScanSide, maxLevels: number): Leg {
  const depth = askLevels(s, maxLevels);
  return {
    venue: s.venue,
    venueMarketId: s.venueMarketId,
    side: s.side,
    askMicros: depth[0]!.priceMicros,
    depth,
    fee: s.fee,
    minOrderQuantity: s.minOrderQuantity,
  };
}

export interface CandidateContext {
  gameId: string;
  bookVersion: number;
  stateVersion: number;
  nowMs: number;
  maxDepthLevels?: number;
}

/** The SignalCandidate of a finding: the message the evaluator gets. */
export function toCandidate(finding: Finding, ctx: CandidateContext): SignalCandidate {
  const maxLevels = ctx.maxDepthLevels ?? DEFAULT_MAX_DEPTH_LEVELS;
  const leg = toLeg(finding.leg, maxLevels);
  const hedge = finding.kind === 'arbitrage' ? toLeg(finding.hedge, maxLevels) : undefined;
  const envelope = {
    type: 'signal_candidate' as const,
    v: 1 as const,
    id: candidateId({
      gameId: ctx.gameId,
      leg,
      ...(hedge ? { hedge } : {}),
      bookVersion: ctx.bookVersion,
      stateVersion: ctx.stateVersion,
    }),
    gameId: ctx.gameId,
    modelProbability: finding.probability,
    edgeBps: Math.max(-10_000, Math.min(10_000, finding.edgeBps)),
    bookVersion: ctx.bookVersion,
    stateVersion: ctx.stateVersion,
    // A candidate is as old as its oldest leg's book: the evaluator's staleness check must see the stalest price.
    priceObservedAtMs: finding.observedAtMs,
    createdAtMs: ctx.nowMs,
    leg,
  };
  return hedge ? { ...envelope, kind: 'arbitrage', hedge } : { ...envelope, kind: 'model_edge' };
}
