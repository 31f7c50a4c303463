import type { SurebetCandidate, SurebetLeg } from '#contracts/signal-candidate';
import { americanToDecimal } from '../odds.ts';
import { backedPayoutMicros } from '../surebet.ts';
import { CONTRACT_PAYOUT_MICROS, costMicros, type MoneyMicros, moneyMicros } from '../units.ts';
import { fromTheFuture } from './decide.ts';
import type { RiskLimits } from './types.ts';

/**
 * A surebet is never traded by the evaluator: sportsbook bets go only through `place_bet` jobs under the user's
 * consented session. It is reported for the user to act on, with this reason.
 */
export const SUREBET_REPORT_REASON = 'surebet_place_bet_required';

/** Why a surebet was not reported, in the order checked. */
export const surebetRejectionReasons = [
  'kill_switch_engaged',
  'price_from_future',
  'surebet_stale',
  'surebet_not_profitable',
] as const;
export type SurebetRejectionReason = (typeof surebetRejectionReasons)[number];

export type SurebetDecision =
  | {
      status: 'reported';
      reason: typeof SUREBET_REPORT_REASON;
      /** What the worst outcome pays back, from the legs themselves. */
      guaranteedPayoutMicros: MoneyMicros;
      /** That less the total stake: positive. */
      guaranteedProfitMicros: MoneyMicros;
    }
  | { status: 'rejected'; reason: SurebetRejectionReason };

/**
 * What a leg pays back if its outcome wins: a sportsbook stake at the book's American odds (what the bet is placed
 * at), or a prediction market's contracts at $1 each, rounded down.
 */
export function surebetLegPayoutMicros(leg: SurebetLeg): MoneyMicros {
  if (leg.kind === 'sportsbook')
    return moneyMicros(backedPayoutMicros(leg.stakeMicros, americanToDecimal(leg.americanOdds)));
  return costMicros(CONTRACT_PAYOUT_MICROS, leg.quantity, 'down');
}

export interface SurebetDecideInput {
  candidate: SurebetCandidate;
  killSwitchEngaged: boolean;
  limits: Pick<RiskLimits, 'staleAfterMs' | 'maxClockSkewMs'>;
  nowMs: number;
}

/**
 * Reports a surebet that is fresh and still a sure profit when its legs are priced again (the producer's payout is
 * a claim: the legs' own payouts are what a bettor gets); the kill switch stops reports as it stops trades.
 */
export function decideSurebet({ candidate, killSwitchEngaged, limits, nowMs }: SurebetDecideInput): SurebetDecision {
  const reject = (reason: SurebetRejectionReason): SurebetDecision => ({ status: 'rejected', reason });
  if (killSwitchEngaged) return reject('kill_switch_engaged');
  if (fromTheFuture(candidate, limits, nowMs)) return reject('price_from_future');
  if (nowMs - candidate.priceObservedAtMs > limits.staleAfterMs) return reject('surebet_stale');
  const payout = Math.min(candidate.payoutMicros, ...candidate.legs.map(surebetLegPayoutMicros));
  const profit = payout - candidate.totalStakeMicros;
  if (profit <= 0) return reject('surebet_not_profitable');
  return {
    status: 'reported',
    reason: SUREBET_REPORT_REASON,
    guaranteedPayoutMicros: moneyMicros(payout),
    guaranteedProfitMicros: moneyMicros(profit),
  };
}
