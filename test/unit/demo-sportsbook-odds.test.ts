import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { americanToDecimal } from '#domain/odds';
import { surebet } from '#domain/surebet';
import type { MoneyMicros } from '#domain/units';
import { DEMO_EVENTS } from '../../local/demo-sportsbook/events.ts';
import {
  formatAmerican,
  generatedMoneyline,
  moneylineAt,
  movedWorse,
  payoutMicros,
} from '../../local/demo-sportsbook/odds.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const tick = fc.nat({ max: 1_000_000 });
const event = fc.constantFrom(...DEMO_EVENTS);

describe('demo sportsbook prices', () => {
  it('are valid American odds on the 5-point ladder, the same for the same (event, seed, tick)', () => {
    fc.assert(
      fc.property(event, seed, tick, (e, s, t) => {
        const line = generatedMoneyline(e, s, t);
        expect(generatedMoneyline(e, s, t)).toEqual(line);
        for (const american of [line.home, line.away]) {
          expect(Math.abs(american)).toBeGreaterThanOrEqual(100);
          expect(Math.abs(american % 5)).toBe(0);
          expect(american).not.toBe(-100);
        }
      }),
    );
  });

  it('never make a surebet unplanted: not within a book, not across two books at any ticks', () => {
    fc.assert(
      fc.property(event, seed, tick, seed, tick, (e, s1, t1, s2, t2) => {
        const a = generatedMoneyline(e, s1, t1);
        const b = generatedMoneyline(e, s2, t2);
        const best = (side: 'home' | 'away') => Math.max(americanToDecimal(a[side]), americanToDecimal(b[side]));
        expect(surebet([best('home'), best('away')], 1_000_000).arbitrage).toBe(false);
        expect(surebet([americanToDecimal(a.home), americanToDecimal(a.away)], 1_000_000).margin).toBeLessThan(-0.02);
      }),
    );
  });

  it('take the latest pin that covers the tick, else the generated line', () => {
    const pins = [
      { eventId: 'bos-at-den', home: 110, away: -135 },
      { eventId: 'bos-at-den', home: 150, away: -180, fromTick: 5, toTick: 7 },
    ];
    const at = (t: number) => moneylineAt({ eventId: 'bos-at-den', seed: 1, tick: t, pins });
    expect([at(0), at(5), at(6), at(7)]).toEqual([
      { home: 110, away: -135 },
      { home: 150, away: -180 },
      { home: 150, away: -180 },
      { home: 110, away: -135 },
    ]);
    expect(moneylineAt({ eventId: 'lal-at-gsw', seed: 1, tick: 3, pins })).toEqual(
      generatedMoneyline(DEMO_EVENTS[1]!, 1, 3),
    );
  });

  it('move ten points worse for the bettor, across even money', () => {
    expect([120, 110, 105, 100, -105, -120].map(movedWorse)).toEqual([110, 100, -105, -110, -115, -130]);
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), (american) => {
        fc.pre(Math.abs(american) >= 100);
        expect(americanToDecimal(movedWorse(american))).toBeLessThan(americanToDecimal(american));
      }),
    );
  });

  it('show odds with a sign and pay stake plus winnings floored to the cent', () => {
    expect([110, 100, -135].map(formatAmerican)).toEqual(['+110', '+100', '-135']);
    const stake = 10_000_000 as MoneyMicros;
    expect(payoutMicros(stake, 110)).toBe(21_000_000);
    expect(payoutMicros(stake, -120)).toBe(18_330_000);
    expect(payoutMicros(7_500_000 as MoneyMicros, -135)).toBe(13_050_000);
    expect(payoutMicros(10_000 as MoneyMicros, 150)).toBe(20_000);
    expect(payoutMicros(10_000_000_000 as MoneyMicros, 100_000)).toBe(10_010_000_000_000);
  });
});
