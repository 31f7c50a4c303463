import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settlePosition } from '#domain/risk/index';
import {
  type GameFacts,
  type GameOutcome,
  gameOutcome,
  payoutPerContract,
  type SettlementRule,
  settlementDecision,
  venueSettlementRules,
} from '#domain/settlement/index';

const HOUR = 3_600_000;
const { kalshi, polymarket } = venueSettlementRules;
const fixed = (micros: number) => ({ kind: 'fixed', micros });
const VENUE = { kind: 'venue' };
const UNDECIDED = { kind: 'undecided' };

describe('payoutPerContract: RULES.md section 1', () => {
  it('a result pays $1 to the winning side and nothing to the other, on both venues', () => {
    for (const rule of [kalshi, polymarket]) {
      expect(payoutPerContract(rule, 'yes', { kind: 'winner', yesTeamWon: true })).toEqual(fixed(1_000_000));
      expect(payoutPerContract(rule, 'no', { kind: 'winner', yesTeamWon: true })).toEqual(fixed(0));
      expect(payoutPerContract(rule, 'no', { kind: 'winner', yesTeamWon: false })).toEqual(fixed(1_000_000));
    }
  });

  it('Kalshi KXNFLGAME "ends in a tie... $0.50 for each team"; Polymarket NFL "ends in a tie... 50-50"', () => {
    for (const rule of [kalshi, polymarket]) {
      expect(payoutPerContract(rule, 'yes', { kind: 'tie' })).toEqual(fixed(500_000));
      expect(payoutPerContract(rule, 'no', { kind: 'tie' })).toEqual(fixed(500_000));
    }
  });

  it('Polymarket "canceled entirely... 50-50"; Kalshi pays "a fair (market) price" that only Kalshi sets', () => {
    expect(payoutPerContract(polymarket, 'yes', { kind: 'cancelled' })).toEqual(fixed(500_000));
    expect(payoutPerContract(polymarket, 'no', { kind: 'cancelled' })).toEqual(fixed(500_000));
    expect(payoutPerContract(kalshi, 'yes', { kind: 'cancelled' })).toEqual(VENUE);
    expect(payoutPerContract(kalshi, 'no', { kind: 'cancelled' })).toEqual(VENUE);
  });

  it('Kalshi "postponed but begins within 48 hours... official final result"; past 48 h, a fair price', () => {
    const won = { kind: 'winner', yesTeamWon: true } as const;
    expect(payoutPerContract(kalshi, 'yes', { kind: 'postponed', delayMs: 48 * HOUR, played: won })).toEqual(
      fixed(1_000_000),
    );
    expect(payoutPerContract(kalshi, 'yes', { kind: 'postponed', delayMs: 48 * HOUR + 1, played: won })).toEqual(VENUE);
    expect(payoutPerContract(kalshi, 'no', { kind: 'postponed', delayMs: 30 * HOUR, played: null })).toEqual(UNDECIDED);
    expect(payoutPerContract(kalshi, 'no', { kind: 'postponed', delayMs: 49 * HOUR, played: null })).toEqual(VENUE);
  });

  it('Polymarket "postponed... remain open until completed", however late', () => {
    expect(payoutPerContract(polymarket, 'no', { kind: 'postponed', delayMs: 500 * HOUR, played: null })).toEqual(
      UNDECIDED,
    );
    expect(
      payoutPerContract(polymarket, 'no', {
        kind: 'postponed',
        delayMs: 500 * HOUR,
        played: { kind: 'winner', yesTeamWon: false },
      }),
    ).toEqual(fixed(1_000_000));
    expect(
      payoutPerContract(polymarket, 'yes', { kind: 'postponed', delayMs: 500 * HOUR, played: { kind: 'tie' } }),
    ).toEqual(fixed(500_000));
  });

  it('rejects a rule outside 0..$1', () => {
    const bad = { ...polymarket, tieYesPayoutMicros: 1_000_001 };
    expect(() => payoutPerContract(bad, 'yes', { kind: 'tie' })).toThrow(RangeError);
  });
});

describe('settlementDecision', () => {
  it('pays a venue-set value once stored (NO gets $1 minus it), and waits for it until then', () => {
    const cancelled = { kind: 'cancelled' } as const;
    expect(settlementDecision({ rule: kalshi, side: 'no', outcome: cancelled, venueYesPayoutMicros: null })).toEqual({
      kind: 'await_venue',
    });
    expect(settlementDecision({ rule: kalshi, side: 'no', outcome: cancelled, venueYesPayoutMicros: 437_210 })).toEqual(
      { kind: 'pay', perContractMicros: 562_790, yesPayoutMicros: 437_210 },
    );
    // The rule's own value wins over anything stored for the venue.
    expect(settlementDecision({ rule: polymarket, side: 'yes', outcome: cancelled, venueYesPayoutMicros: 1 })).toEqual({
      kind: 'pay',
      perContractMicros: 500_000,
      yesPayoutMicros: 500_000,
    });
    expect(settlementDecision({ rule: kalshi, side: 'yes', outcome: null, venueYesPayoutMicros: 1 })).toEqual({
      kind: 'wait',
    });
  });
});

describe('gameOutcome', () => {
  const base: GameFacts = {
    status: 'final',
    yesTeamWon: null,
    homeScore: 20,
    awayScore: 20,
    scheduledStartMs: 0,
    postponedAtMs: null,
    startedAfterPostponementMs: null,
  };

  it('reads a tie only from equal scores: a final without a winner and unequal scores decides nothing', () => {
    expect(gameOutcome(base, 0)).toEqual({ kind: 'tie' });
    expect(gameOutcome({ ...base, homeScore: 21 }, 0)).toBeNull();
    expect(gameOutcome({ ...base, homeScore: 21, yesTeamWon: false }, 0)).toEqual({
      kind: 'winner',
      yesTeamWon: false,
    });
    expect(gameOutcome({ ...base, status: 'in_progress' }, 0)).toBeNull();
    expect(gameOutcome({ ...base, status: 'cancelled', postponedAtMs: 5 }, 0)).toEqual({ kind: 'cancelled' });
  });

  it('measures a postponement from the scheduled start to the start, or to now while not started', () => {
    const postponed = { ...base, status: 'postponed' as const, postponedAtMs: -HOUR };
    expect(gameOutcome(postponed, 10 * HOUR)).toEqual({ kind: 'postponed', delayMs: 10 * HOUR, played: null });
    expect(
      gameOutcome(
        { ...base, yesTeamWon: true, postponedAtMs: -HOUR, startedAfterPostponementMs: 30 * HOUR },
        99 * HOUR,
      ),
    ).toEqual({ kind: 'postponed', delayMs: 30 * HOUR, played: { kind: 'winner', yesTeamWon: true } });
  });
});

const payout = fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null });
const ruleArb: fc.Arbitrary<SettlementRule> = fc.record({
  tieYesPayoutMicros: payout,
  cancelYesPayoutMicros: payout,
  postponeWindowHours: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: null }),
});
const played = fc.oneof(
  fc.record({ kind: fc.constant('winner' as const), yesTeamWon: fc.boolean() }),
  fc.constant({ kind: 'tie' as const }),
);
const outcomeArb: fc.Arbitrary<GameOutcome> = fc.oneof(
  played,
  fc.constant({ kind: 'cancelled' as const }),
  fc.record({
    kind: fc.constant('postponed' as const),
    delayMs: fc.integer({ min: 0, max: 2_000 * HOUR }),
    played: fc.option(played, { nil: null }),
  }),
);

describe('settlement (properties)', () => {
  it('YES and NO always pay $1 together, a value is fixed only where the rule or a result fixes it', () => {
    fc.assert(
      fc.property(ruleArb, outcomeArb, (rule, outcome) => {
        const yes = payoutPerContract(rule, 'yes', outcome);
        const no = payoutPerContract(rule, 'no', outcome);
        expect(yes.kind).toBe(no.kind);
        if (yes.kind === 'fixed' && no.kind === 'fixed') {
          expect(yes.micros + no.micros).toBe(1_000_000);
          expect(yes.micros).toBeGreaterThanOrEqual(0);
          const ruleValues = [rule.tieYesPayoutMicros, rule.cancelYesPayoutMicros, 0, 1_000_000];
          expect(ruleValues).toContain(yes.micros);
        }
        // Only a missing rule value leaves it to the venue; a winner never does.
        if (yes.kind === 'venue') expect([rule.tieYesPayoutMicros, rule.cancelYesPayoutMicros]).toContain(null);
        if (outcome.kind === 'winner') expect(yes.kind).toBe('fixed');
      }),
    );
  });

  it('never pays a position more than $1 a contract, and a YES/NO pair of one size pays its size to within a micro', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        (quantity, yesMicros, cost) => {
          const yes = settlePosition({ side: 'yes', quantity, costBasisMicros: cost }, yesMicros);
          const no = settlePosition({ side: 'no', quantity, costBasisMicros: cost }, 1_000_000 - yesMicros);
          const whole = quantity * 10_000;
          expect(yes.payoutMicros + no.payoutMicros).toBeLessThanOrEqual(whole);
          expect(yes.payoutMicros + no.payoutMicros).toBeGreaterThanOrEqual(whole - 1);
          expect(Number.isSafeInteger(yes.payoutMicros)).toBe(true);
          expect(yes.realizedPnlMicros).toBe(yes.payoutMicros - cost);
        },
      ),
    );
  });
});
