import type { Side } from '../names.ts';
import { CONTRACT_PAYOUT_MICROS, costMicros, type Micros, type MoneyMicros, moneyMicros } from '../units.ts';
import { assertSafeInteger } from '../validate.ts';

/** An open position as settlement sees it: quantity in hundredths, cost basis (price and fees) in micros. */
export interface OpenPosition {
  side: Side;
  quantity: number;
  costBasisMicros: number;
}

export interface Settled {
  payoutMicros: MoneyMicros;
  realizedPnlMicros: MoneyMicros;
}

/**
 * Pays the position `perContractMicros` a contract (from its market's settlement rule). A fraction of a micro on a
 * fractional quantity is rounded down: settlement never credits more than the venue pays. P&L is payout less cost.
 */
export function settlePosition(position: OpenPosition, perContractMicros: Micros): Settled {
  assertSafeInteger('perContractMicros', perContractMicros, 0, CONTRACT_PAYOUT_MICROS);
  const payoutMicros = costMicros(perContractMicros, position.quantity, 'down');
  return { payoutMicros, realizedPnlMicros: moneyMicros(payoutMicros - position.costBasisMicros) };
}
