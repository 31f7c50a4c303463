export { applyAccepted, type DecideInput, dailyLossReached, decide, legsOf, limitProblem } from './decide.ts';
export { type OpenPosition, type Settled, settlePosition } from './settlement.ts';
export {
  allInCostMicros,
  contractsBelow,
  edgeAfterFeesBps,
  fillLeg,
  largestFitting,
  profitableArbitrageContracts,
  topOfBookPriceMicros,
} from './sizing.ts';
export {
  decideSurebet,
  SUREBET_REPORT_REASON,
  type SurebetDecideInput,
  type SurebetDecision,
  type SurebetRejectionReason,
  surebetLegPayoutMicros,
  surebetRejectionReasons,
} from './surebet.ts';
export {
  type MarketFacts,
  pairPayoutMicros,
  pairWorstCasePayoutMicros,
  priceOffTick,
  tradabilityProblem,
} from './tradability.ts';
export * from './types.ts';
