/** One price level as the venues' parsers hand it on: price in micros, size in hundredths of a contract. */
export interface BookLevel {
  priceMicros: number;
  quantityHundredths: number;
}

/** Both sides of one outcome's book, best first (bids high to low, asks low to high). */
export interface BookSides {
  bids: BookLevel[];
  asks: BookLevel[];
}

export function sortBestFirst(levels: BookLevel[], side: 'bids' | 'asks'): BookLevel[] {
  const sign = side === 'bids' ? -1 : 1;
  return levels.filter((l) => l.quantityHundredths > 0).sort((a, b) => sign * (a.priceMicros - b.priceMicros));
}
