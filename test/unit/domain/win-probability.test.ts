import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPORT_MODELS, type Sport, winProbability } from '#domain';

// Stern (1994): P = Phi((l + mu r) / (sigma sqrt(r))). Expected values are read from a standard normal table
// (and recomputed with Python's math.erf, Phi(x) = (1 + erf(x / sqrt 2)) / 2), not with the code under test.
describe('winProbability', () => {
  it('is 1, 0 or 0.5 by the lead when no time is left', () => {
    expect(winProbability('nba', { homeScore: 101, awayScore: 99, secondsRemaining: 0 })).toBe(1);
    expect(winProbability('nba', { homeScore: 99, awayScore: 101, secondsRemaining: 0 })).toBe(0);
    expect(winProbability('nfl', { homeScore: 20, awayScore: 20, secondsRemaining: 0, pregameHomeMargin: 7 })).toBe(
      0.5,
    );
  });

  it('matches the normal table at tip-off, halftime and in overtime (NBA, sigma 12)', () => {
    // Tip-off, home favoured by 6: Phi(6 / 12) = Phi(0.5) = 0.69146.
    expect(
      winProbability('nba', { homeScore: 0, awayScore: 0, secondsRemaining: 2880, pregameHomeMargin: 6 }),
    ).toBeCloseTo(0.6914624612740131, 12);
    // Halftime, home up 5, pick'em: Phi(5 / (12 sqrt 0.5)) = Phi(0.58926) = 0.72216.
    expect(winProbability('nba', { homeScore: 55, awayScore: 50, secondsRemaining: 1440 })).toBeCloseTo(
      0.7221551048586027,
      12,
    );
    // Overtime with 5:00 left, home up 2: r = 300 / 2880, Phi(2 / (12 sqrt r)) = Phi(0.51640) = 0.69721.
    expect(winProbability('nba', { homeScore: 112, awayScore: 110, secondsRemaining: 300 })).toBeCloseTo(
      0.6972116918323268,
      12,
    );
  });

  it('matches the normal table for the NFL (sigma 13.45)', () => {
    // Kickoff, home favoured by 3: Phi(3 / 13.45) = Phi(0.22305) = 0.58825.
    expect(
      winProbability('nfl', { homeScore: 0, awayScore: 0, secondsRemaining: 3600, pregameHomeMargin: 3 }),
    ).toBeCloseTo(0.5882510529150976, 12);
    // Fourth quarter start, home down 7 and a 3-point underdog: Phi((-7 - 0.75) / (13.45 x 0.5)) = 0.12458.
    expect(
      winProbability('nfl', { homeScore: 10, awayScore: 17, secondsRemaining: 900, pregameHomeMargin: -3 }),
    ).toBeCloseTo(0.12457501135079785, 12);
  });

  it('takes a market-implied pregame probability instead of a spread (mu = sigma Phi^-1(p))', () => {
    const fromSpread = winProbability('nba', {
      homeScore: 40,
      awayScore: 44,
      secondsRemaining: 1800,
      pregameHomeMargin: 6,
    });
    const fromMarket = winProbability('nba', {
      homeScore: 40,
      awayScore: 44,
      secondsRemaining: 1800,
      pregameHomeWinProbability: 0.6914624612740131,
    });
    expect(fromMarket).toBeCloseTo(fromSpread, 9);
    // At tip-off the model gives back the market's own probability.
    expect(
      winProbability('nfl', { homeScore: 0, awayScore: 0, secondsRemaining: 3600, pregameHomeWinProbability: 0.37 }),
    ).toBeCloseTo(0.37, 12);
  });

  it('throws RangeErrors naming the bad argument', () => {
    const base = { homeScore: 1, awayScore: 0, secondsRemaining: 100 };
    expect(() => winProbability('nhl' as Sport, base)).toThrow(/sport/);
    expect(() => winProbability('nba', { ...base, homeScore: -1 })).toThrow(/homeScore/);
    expect(() => winProbability('nba', { ...base, awayScore: Number.NaN })).toThrow(/awayScore/);
    expect(() => winProbability('nba', { ...base, secondsRemaining: 2881 })).toThrow(/secondsRemaining/);
    expect(() => winProbability('nba', { ...base, pregameHomeMargin: Number.POSITIVE_INFINITY })).toThrow(
      /pregameHomeMargin/,
    );
    expect(() => winProbability('nba', { ...base, pregameHomeWinProbability: 1 })).toThrow(/pregameHomeWinProbability/);
    expect(() => winProbability('nba', { ...base, pregameHomeMargin: 3, pregameHomeWinProbability: 0.6 })).toThrow(
      /pregameHomeMargin and pregameHomeWinProbability/,
    );
  });

  const situation = (sport: Sport) =>
    fc.record({
      homeScore: fc.integer({ min: 0, max: 160 }),
      awayScore: fc.integer({ min: 0, max: 160 }),
      secondsRemaining: fc.integer({ min: 0, max: SPORT_MODELS[sport].regulationSeconds }),
      pregameHomeMargin: fc.double({ min: -30, max: 30, noNaN: true }),
    });

  it('is a probability, never NaN, and symmetric between home and away', () => {
    for (const sport of ['nba', 'nfl'] as const) {
      fc.assert(
        fc.property(situation(sport), (s) => {
          const p = winProbability(sport, s);
          expect(Number.isNaN(p)).toBe(false);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          const mirrored = winProbability(sport, {
            homeScore: s.awayScore,
            awayScore: s.homeScore,
            secondsRemaining: s.secondsRemaining,
            pregameHomeMargin: -s.pregameHomeMargin,
          });
          expect(p + mirrored).toBeCloseTo(1, 9);
        }),
      );
    }
  });

  it('grows with the lead and with the pregame margin', () => {
    fc.assert(
      fc.property(situation('nba'), fc.integer({ min: 1, max: 20 }), (s, extra) => {
        const p = winProbability('nba', s);
        expect(winProbability('nba', { ...s, homeScore: s.homeScore + extra })).toBeGreaterThanOrEqual(p);
        expect(winProbability('nba', { ...s, pregameHomeMargin: s.pregameHomeMargin + extra })).toBeGreaterThanOrEqual(
          p,
        );
      }),
    );
  });
});
