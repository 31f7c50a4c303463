/**
 * The best size for a cross-venue binary arbitrage against real depth: buy `count` YES through venue A's asks and
 * `count` NO through venue B's asks (equal contracts, so one leg pays $1 per contract whatever happens), choosing
 * the count that maximizes payout - cost - both venues' fees.
 *
 * Without the venues' fee rounding, profit is linear in the count between level boundaries, so the best count sits
 * at a boundary. Rounding moves each count's profit by at most a cent or so, so every stretch whose unrounded
 * profit could still beat the best found is scanned count by count with the exact, rounded fees.
 */
import { type Fill, orderFeeMicros, unroundedFeeMicros, type VenueFeeSchedule } from './fees.ts';
import { normalizeAsks, type PriceLevel, walkLevels } from './order-book.ts';
import { CONTRACT_PAYOUT_MICROS, contractsOf, hundredthsOf, type Micros, wholeContracts } from './units.ts';

export interface OptimalArbitrage {
  /** Whole contracts bought on each leg; 0 when no count makes money. */
  count: number;
  profitMicros: Micros;
  costMicros: Micros;
  feesMicros: Micros;
  payoutMicros: Micros;
  yesFills: Fill[];
  noFills: Fill[];
}

/**
 * How far rounding can lift a count's profit above its unrounded value: costs and Kalshi fees round up (against
 * us); Polymarket floors its fee to 10 micros on each leg; 1 micro more covers float error in the estimate.
 */
const UPWARD_ROUNDING_SLACK_MICROS = 2 * 10 + 1;

interface Segment {
  from: number;
  to: number;
  upperBound: number;
}

function cumulativeBoundaries(levels: readonly PriceLevel[]): number[] {
  let total = 0;
  return levels.map((level) => {
    total += level.quantity;
    return total;
  });
}

export function optimalArbitrage(
  yesAsks: readonly PriceLevel[],
  noAsks: readonly PriceLevel[],
  fees: { yes: VenueFeeSchedule; no: VenueFeeSchedule },
): OptimalArbitrage {
  const yes = normalizeAsks('yesAsks', yesAsks);
  const no = normalizeAsks('noAsks', noAsks);
  if (typeof fees !== 'object' || fees === null) throw new RangeError('fees must give a schedule for yes and no');
  // An empty order validates each schedule (venue, rate, multiplier) before any searching.
  orderFeeMicros(fees.yes, []);
  orderFeeMicros(fees.no, []);

  const yesBoundaries = cumulativeBoundaries(yes);
  const noBoundaries = cumulativeBoundaries(no);
  const maxCount = wholeContracts(Math.min(yesBoundaries.at(-1) ?? 0, noBoundaries.at(-1) ?? 0));

  const evaluate = (count: number): OptimalArbitrage => {
    const quantity = hundredthsOf(count);
    const yesWalk = walkLevels(yes, quantity, true);
    const noWalk = walkLevels(no, quantity, true);
    const feesMicros = orderFeeMicros(fees.yes, yesWalk.fills) + orderFeeMicros(fees.no, noWalk.fills);
    const costMicros = yesWalk.notionalMicros + noWalk.notionalMicros;
    const payoutMicros = count * CONTRACT_PAYOUT_MICROS;
    return {
      count,
      profitMicros: payoutMicros - costMicros - feesMicros,
      costMicros,
      feesMicros,
      payoutMicros,
      yesFills: yesWalk.fills,
      noFills: noWalk.fills,
    };
  };

  const unroundedProfit = (count: number): number => {
    const quantity = hundredthsOf(count);
    const yesFills = walkLevels(yes, quantity, true).fills;
    const noFills = walkLevels(no, quantity, true).fills;
    const cost = [...yesFills, ...noFills].reduce(
      (total, fill) => total + fill.priceMicros * contractsOf(fill.quantity),
      0,
    );
    return (
      count * CONTRACT_PAYOUT_MICROS -
      cost -
      unroundedFeeMicros(fees.yes, yesFills) -
      unroundedFeeMicros(fees.no, noFills)
    );
  };

  // Counts on either side of every level boundary: between two neighbours the unrounded profit is linear.
  const counts = new Set([0, maxCount]);
  for (const boundary of [...yesBoundaries, ...noBoundaries]) {
    for (const count of [wholeContracts(boundary), wholeContracts(boundary, 'up')]) {
      if (count <= maxCount) counts.add(count);
    }
  }
  const sorted = [...counts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  const profitAt = new Map(sorted.map((count) => [count, unroundedProfit(count)]));
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i] as number;
    const to = sorted[i + 1] as number;
    segments.push({ from, to, upperBound: Math.max(profitAt.get(from) ?? 0, profitAt.get(to) ?? 0) });
  }
  segments.sort((a, b) => b.upperBound - a.upperBound);

  let best = evaluate(0);
  const consider = (count: number) => {
    const candidate = evaluate(count);
    const better =
      candidate.profitMicros > best.profitMicros ||
      (candidate.profitMicros === best.profitMicros && candidate.count < best.count);
    if (better) best = candidate;
  };
  for (const segment of segments) {
    if (segment.upperBound + UPWARD_ROUNDING_SLACK_MICROS < best.profitMicros) break;
    // Linear within the segment: walk away from its better end until no count there can win.
    const fromIsBetter = (profitAt.get(segment.from) ?? 0) >= (profitAt.get(segment.to) ?? 0);
    const step = fromIsBetter ? 1 : -1;
    for (
      let count = fromIsBetter ? segment.from : segment.to;
      count >= segment.from && count <= segment.to;
      count += step
    ) {
      if (unroundedProfit(count) + UPWARD_ROUNDING_SLACK_MICROS < best.profitMicros) break;
      consider(count);
    }
  }
  return best;
}
