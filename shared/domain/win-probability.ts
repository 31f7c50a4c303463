/**
 * Stern (1994), "A Brownian motion model for the progress of sports scores", JASA 89(427): the home margin moves
 * as Brownian motion with drift mu (the pregame expected margin) and variance sigma^2 per game, so with lead l and a
 * fraction r of regulation left, P(home wins) = Phi((l + mu r) / (sigma sqrt(r))).
 */
import { standardNormalCdf, standardNormalQuantile } from './normal.ts';
import { assertFinite, assertInRange } from './validate.ts';

export interface SportModel {
  /** Standard deviation of the final margin over a whole game, in points. */
  sigmaPoints: number;
  regulationSeconds: number;
}

/**
 * NBA sigma 12 points (Winston, "Mathletics", 2009); NFL 13.45 points (Pro-Football-Reference win probability
 * model). Regulation: 4 x 12 min and 4 x 15 min. Add a sport here and the type picks it up.
 */
export const SPORT_MODELS = {
  nba: { sigmaPoints: 12, regulationSeconds: 2880 },
  nfl: { sigmaPoints: 13.45, regulationSeconds: 3600 },
} as const satisfies Record<string, SportModel>;

export type Sport = keyof typeof SPORT_MODELS;

export interface GameSituation {
  homeScore: number;
  awayScore: number;
  /** Seconds left, counted against the regulation length (in overtime: the seconds left in overtime). */
  secondsRemaining: number;
  /** Expected final home margin (the point spread from the home side's view); default 0. */
  pregameHomeMargin?: number;
  /** Market-implied pregame home win probability, used instead of a spread: mu = sigma Phi^-1(p). */
  pregameHomeWinProbability?: number;
}

function expectedMarginPoints(model: SportModel, s: GameSituation): number {
  if (s.pregameHomeMargin !== undefined && s.pregameHomeWinProbability !== undefined) {
    throw new RangeError('pregameHomeMargin and pregameHomeWinProbability: give one or the other, not both');
  }
  if (s.pregameHomeWinProbability !== undefined) {
    assertInRange('pregameHomeWinProbability', s.pregameHomeWinProbability, 0, 1, { min: true, max: true });
    return model.sigmaPoints * standardNormalQuantile(s.pregameHomeWinProbability);
  }
  const margin = s.pregameHomeMargin ?? 0;
  assertFinite('pregameHomeMargin', margin);
  return margin;
}

/** The home team's probability of winning, from the score, the clock and the pregame expectation. */
export function winProbability(sport: Sport, s: GameSituation): number {
  const model: SportModel | undefined = Object.hasOwn(SPORT_MODELS, sport) ? SPORT_MODELS[sport] : undefined;
  if (!model) {
    throw new RangeError(`sport must be one of ${Object.keys(SPORT_MODELS).join(', ')}, got ${String(sport)}`);
  }
  if (typeof s !== 'object' || s === null) throw new RangeError('s must be a game situation object');
  assertInRange('homeScore', s.homeScore, 0, Number.MAX_SAFE_INTEGER);
  assertInRange('awayScore', s.awayScore, 0, Number.MAX_SAFE_INTEGER);
  assertInRange('secondsRemaining', s.secondsRemaining, 0, model.regulationSeconds);
  const mu = expectedMarginPoints(model, s);
  const lead = s.homeScore - s.awayScore;
  const remaining = s.secondsRemaining / model.regulationSeconds;
  if (remaining === 0) {
    if (lead === 0) return 0.5;
    return lead > 0 ? 1 : 0;
  }
  return standardNormalCdf((lead + mu * remaining) / (model.sigmaPoints * Math.sqrt(remaining)));
}
