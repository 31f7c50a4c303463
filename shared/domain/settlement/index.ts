/** Settlement rules: what a contract pays however its game ends (RULES.md here, from the venue research). Pure: no I/O, no clock. */
export { finalWinner, type GameFacts, type GameStatus, gameOutcome } from './outcome.ts';
export {
  type GameOutcome,
  type Payout,
  type PlayedResult,
  payoutPerContract,
  type SettlementDecision,
  type SettlementRule,
  type Side,
  settlementDecision,
  sidePayoutMicros,
  venueSettlementRules,
} from './rule.ts';
