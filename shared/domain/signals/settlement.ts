/** An open position as settlement sees it: quantity in hundredths, cost basis (price and fees) in micros. */
export interface OpenPosition {
  side: 'yes' | 'no';
  quantity: number;
  costBasisMicros: number;
}

export interface Settled {
  payoutMicros: number;
  realizedPnlMicros: number;
}

/** The winning side pays $1 a contract; the losing side pays nothing. P&L is payout less everything paid. */
export function settlePosition(position: OpenPosition, winningSide: 'yes' | 'no'): Settled {
  const payoutMicros = position.side === winningSide ? position.quantity * 10_000 : 0;
  return { payoutMicros, realizedPnlMicros: payoutMicros - position.costBasisMicros };
}
