import { type Fill, type Liquidity, orderFeeMicros, type VenueFeeSchedule } from '../fees.ts';
import { type MoneyMicros, moneyMicros } from '../units.ts';

/** A fill of one order with the liquidity it took or made. */
export interface PricedFill extends Fill {
  liquidity: Liquidity;
}

/**
 * Our fee for each of an order's new fills, by the market's rule: the order's fee after the fill minus before it.
 * Kalshi rounds each fill up to $0.0001 and the order's total to the cent with a refund of what it overpaid, so a fill's
 * share is what the order's running total grows by; Polymarket charges takers per fill and makers nothing. `prior`
 * are the order's fills already counted.
 */
export function expectedFillFeesMicros(
  schedule: VenueFeeSchedule,
  prior: readonly PricedFill[],
  fresh: readonly PricedFill[],
): MoneyMicros[] {
  const feeOf = (fills: readonly PricedFill[]) => {
    const byLiquidity = (liquidity: Liquidity) => fills.filter((f) => f.liquidity === liquidity);
    if (schedule.venue === 'polymarket') return orderFeeMicros(schedule, byLiquidity('taker'));
    return (['taker', 'maker'] as const).reduce(
      (sum, liquidity) => sum + orderFeeMicros({ ...schedule, liquidity }, byLiquidity(liquidity)),
      0,
    );
  };
  const out: MoneyMicros[] = [];
  const running = [...prior];
  let before = feeOf(running);
  for (const fill of fresh) {
    running.push(fill);
    const after = feeOf(running);
    out.push(moneyMicros(Math.max(0, after - before)));
    before = after;
  }
  return out;
}
