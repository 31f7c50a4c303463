/**
 * Model edge: the expected value per contract of buying one side at its ask when the model says it wins with
 * `probability`, net of the venue's fee. Positive means the price is too low for the model.
 */
import { orderFeeMicros, type VenueFeeSchedule } from './fees.ts';
import { assertPriceMicros, CONTRACT_PAYOUT_MICROS, HUNDREDTHS_PER_CONTRACT, type Micros } from './units.ts';
import { assertProbability, assertSafeInteger } from './validate.ts';

export interface EdgeInput {
  probability: number;
  askMicros: Micros;
  feeSchedule: VenueFeeSchedule;
  /** Order size the fee is computed for (fees round per order); default 1 contract. */
  count?: number;
}

/** Expected profit per contract in micros, rounded down (a part-micro of edge is not edge). */
export function edgeAfterFeesMicros(input: EdgeInput): number {
  const count = input.count ?? 1;
  assertProbability('probability', input.probability);
  assertPriceMicros('askMicros', input.askMicros);
  assertSafeInteger('count', count, 1, Math.floor(Number.MAX_SAFE_INTEGER / CONTRACT_PAYOUT_MICROS));
  const feeMicros = orderFeeMicros(input.feeSchedule, [
    { priceMicros: input.askMicros, quantity: count * HUNDREDTHS_PER_CONTRACT },
  ]);
  return Math.floor(input.probability * CONTRACT_PAYOUT_MICROS - input.askMicros - feeMicros / count);
}
