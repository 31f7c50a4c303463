/** The domain core: pure functions over integer micros and hundredths (DESIGN.md section 4). No I/O, no clock. */
export { type ArbitrageLeg, type BinaryArbitrage, binaryArbitrage } from './binary-arbitrage.ts';
export { type DevigMethod, devig } from './devig.ts';
export { drawdownBps } from './drawdown.ts';
export {
  allInPriceMicros,
  arbitrageEdgeBps,
  EDGE_REFERENCE_CONTRACTS,
  type EdgeInput,
  edgeAfterFeesMicros,
  modelEdgeBps,
  type QuotedSide,
} from './edge.ts';
export {
  type FeeParameters,
  type Fill,
  feeParameters,
  type KalshiFeeSchedule,
  kalshiFeeMicros,
  kalshiFeeMicrosForHundredths,
  kalshiOrderFeeMicros,
  type Liquidity,
  orderFeeMicros,
  type PolymarketFeeInput,
  type PolymarketFeeSchedule,
  polymarketFeeMicros,
  polymarketOrderFeeMicros,
  type VenueFeeSchedule,
} from './fees.ts';
export { kellyFraction } from './kelly.ts';
export {
  type GameStatus,
  gameStatuses,
  type Side,
  sides,
  type TradingMode,
  tradingModes,
  type Venue,
  venues,
} from './names.ts';
export { americanToDecimal, decimalToAmerican, impliedProbability } from './odds.ts';
export { type OptimalArbitrage, optimalArbitrage } from './optimal-arbitrage.ts';
export { asksFromOppositeBids, type BookWalk, OrderBook, type PriceLevel, walkLevels } from './order-book.ts';
export type { MarketSideId, TopOfBook } from './prices.ts';
export { type Surebet, surebet } from './surebet.ts';
export {
  bpsOfPayout,
  CONTRACT_PAYOUT_MICROS,
  contractsOf,
  contractsToHundredths,
  costMicros,
  formatCents,
  formatDollars,
  HUNDREDTHS_PER_CONTRACT,
  type Hundredths,
  hundredthsOf,
  MICROS_PER_DOLLAR,
  type Micros,
  type MoneyMicros,
  moneyMicros,
  type PriceMicros,
  parseHundredths,
  parseMicros,
  parseScaledSpan,
  priceFromProbability,
  priceMicros,
  type QuantityHundredths,
  quantityHundredths,
  shareMicros,
  toMicros,
  wholeContracts,
} from './units.ts';
export { type GameSituation, SPORT_MODELS, type Sport, type SportModel, winProbability } from './win-probability.ts';
