import type { Side, Venue } from '../names.ts';
import { CONTRACT_PAYOUT_MICROS, type Micros } from '../units.ts';
import { assertSafeInteger } from '../validate.ts';

export type { Side } from '../names.ts';

/**
 * A market's own rule for a game that ends without a winner (RULES.md section 1), stored with the market. A NO
 * contract pays $1 minus what YES pays. `null` payouts leave the value to the venue: settlement never invents it.
 */
export interface SettlementRule {
  /** What a YES contract pays when the game ends tied; null: the venue sets it. */
  tieYesPayoutMicros: Micros | null;
  /** What YES pays on a cancellation, or a postponement past the window; null: the venue sets a fair price. */
  cancelYesPayoutMicros: Micros | null;
  /** A postponed game that starts within this many hours of its schedule settles on the result; null: no limit. */
  postponeWindowHours: number | null;
}

/** The rules RULES.md found for the venues' game markets, the defaults a new market is stored with. */
export const venueSettlementRules = {
  // KXNFLGAME/KXMLBGAME/KXNHLGAME: tie $0.50 a team; begins within 48 h -> the result; otherwise a fair price.
  kalshi: { tieYesPayoutMicros: 500_000, cancelYesPayoutMicros: null, postponeWindowHours: 48 },
  // NFL/NBA: tie 50-50; postponed -> stays open until completed; cancelled with no make-up game -> 50-50.
  polymarket: { tieYesPayoutMicros: 500_000, cancelYesPayoutMicros: 500_000, postponeWindowHours: null },
} as const satisfies Record<Venue, SettlementRule>;

/** How the game played out, once it was played to the end. */
export type PlayedResult = { kind: 'winner'; yesTeamWon: boolean } | { kind: 'tie' };

export type GameOutcome =
  | PlayedResult
  | { kind: 'cancelled' }
  /**
   * Postponed at some point. `delayMs`: from the scheduled start to the start, or to now while it has not started;
   * `played`: its result once played to the end, null until then.
   */
  | { kind: 'postponed'; delayMs: number; played: PlayedResult | null };

/** What one contract pays: a fixed amount, a value only the venue can set, or nothing decided yet. */
export type Payout = { kind: 'fixed'; micros: Micros } | { kind: 'venue' } | { kind: 'undecided' };

const MS_PER_HOUR = 3_600_000;

function fixedYes(micros: Micros | null): Payout {
  return micros === null ? { kind: 'venue' } : { kind: 'fixed', micros };
}

function yesPayout(rule: SettlementRule, outcome: GameOutcome): Payout {
  switch (outcome.kind) {
    case 'winner':
      return { kind: 'fixed', micros: outcome.yesTeamWon ? CONTRACT_PAYOUT_MICROS : 0 };
    case 'tie':
      return fixedYes(rule.tieYesPayoutMicros);
    case 'cancelled':
      return fixedYes(rule.cancelYesPayoutMicros);
    case 'postponed': {
      const window = rule.postponeWindowHours;
      if (window !== null && outcome.delayMs > window * MS_PER_HOUR) return fixedYes(rule.cancelYesPayoutMicros);
      return outcome.played ? yesPayout(rule, outcome.played) : { kind: 'undecided' };
    }
  }
}

/** What one contract of `side` pays under `rule` when the game ends as `outcome`. */
export function payoutPerContract(rule: SettlementRule, side: Side, outcome: GameOutcome): Payout {
  for (const [name, value] of [
    ['tieYesPayoutMicros', rule.tieYesPayoutMicros],
    ['cancelYesPayoutMicros', rule.cancelYesPayoutMicros],
  ] as const) {
    if (value !== null) assertSafeInteger(name, value, 0, CONTRACT_PAYOUT_MICROS);
  }
  if (rule.postponeWindowHours !== null) assertSafeInteger('postponeWindowHours', rule.postponeWindowHours, 0);
  const yes = yesPayout(rule, outcome);
  return yes.kind === 'fixed' ? { kind: 'fixed', micros: sidePayoutMicros(side, yes.micros) } : yes;
}

/** What one contract of `side` pays when YES pays `yesMicros`. */
export function sidePayoutMicros(side: Side, yesMicros: Micros): Micros {
  assertSafeInteger('yesMicros', yesMicros, 0, CONTRACT_PAYOUT_MICROS);
  return side === 'yes' ? yesMicros : CONTRACT_PAYOUT_MICROS - yesMicros;
}

export type SettlementDecision =
  /** Settle now: one contract of the position's side pays `perContractMicros`, one YES contract `yesPayoutMicros`. */
  { kind: 'pay'; perContractMicros: Micros; yesPayoutMicros: Micros } | { kind: 'await_venue' } | { kind: 'wait' };

/**
 * Whether a position can settle now: by its rule, or by the value the venue set (`venueYesPayoutMicros`, null while
 * it has not reported). A rule that leaves the value to the venue waits for it rather than guessing.
 */
export function settlementDecision(input: {
  rule: SettlementRule;
  side: Side;
  outcome: GameOutcome | null;
  venueYesPayoutMicros: Micros | null;
}): SettlementDecision {
  if (input.outcome === null) return { kind: 'wait' };
  const yes = payoutPerContract(input.rule, 'yes', input.outcome);
  if (yes.kind === 'undecided') return { kind: 'wait' };
  const yesPayoutMicros = yes.kind === 'fixed' ? yes.micros : input.venueYesPayoutMicros;
  if (yesPayoutMicros === null) return { kind: 'await_venue' };
  return { kind: 'pay', perContractMicros: sidePayoutMicros(input.side, yesPayoutMicros), yesPayoutMicros };
}
