import { type MoneyMicros, moneyMicros, type QuantityHundredths, shareMicros } from '../units.ts';

/** An open position's contracts with what they cost and the fees paid on them. */
export interface HeldPosition {
  quantity: QuantityHundredths;
  costMicros: MoneyMicros;
  feesMicros: MoneyMicros;
}

/** What selling part of a position books: the cost and fees it takes off, the bankroll's credit, the realized P&L. */
export interface SaleBooking {
  releasedCostMicros: MoneyMicros;
  releasedFeesMicros: MoneyMicros;
  /** Proceeds minus the venue's fee on the sale: what the bankroll is credited. */
  creditMicros: MoneyMicros;
  realizedPnlMicros: MoneyMicros;
}

/**
 * Selling `quantity` of `held` for `proceeds` with the venue's `fee`: the contracts sold take their share of the cost
 * and fees (rounded down, the last sale takes all that is left, so nothing stays behind on an empty position).
 */
export function bookSale(
  held: HeldPosition,
  sale: { quantity: QuantityHundredths; proceedsMicros: MoneyMicros; feeMicros: MoneyMicros },
): SaleBooking {
  if (sale.quantity <= 0 || sale.quantity > held.quantity) {
    throw new RangeError(`cannot sell ${sale.quantity} of a position of ${held.quantity}`);
  }
  const all = sale.quantity === held.quantity;
  const share = (micros: MoneyMicros) => (all ? micros : shareMicros(micros, sale.quantity, held.quantity, 'down'));
  const releasedCostMicros = share(held.costMicros);
  const releasedFeesMicros = share(held.feesMicros);
  const creditMicros = moneyMicros(sale.proceedsMicros - sale.feeMicros, 'creditMicros');
  return {
    releasedCostMicros,
    releasedFeesMicros,
    creditMicros,
    realizedPnlMicros: moneyMicros(creditMicros - releasedCostMicros - releasedFeesMicros, 'realizedPnlMicros'),
  };
}
