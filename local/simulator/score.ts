/**
 * Score processes: a game as a list of marks (possessions in the NBA, drives in the NFL), each with the score and
 * clock after it, on the feed's clock. Game time is compressed (a game takes under an hour of feed time); between
 * two marks of a running period the clock runs down linearly.
 */
import { standardNormalQuantile } from '#domain/normal';
import { SPORT_MODELS, type Sport, winProbability } from '#domain/win-probability';
import type { Rng } from './prng.ts';

export type Phase = 'pre' | 'live' | 'end_period' | 'halftime' | 'final';

export interface GameMark {
  t: number;
  phase: Phase;
  period: number;
  clockSeconds: number;
  homeScore: number;
  awayScore: number;
  possession: 'home' | 'away';
  /** NFL: down, distance and yard line (from the home goal line) of the next snap. */
  down?: number;
  distance?: number;
  yardLine?: number;
  lastPlay?: string;
}

export interface Timeline {
  sport: Sport;
  startT: number;
  endT: number;
  /** Feed time the first half ends (the first-half market settles there). */
  halftimeT: number;
  marks: GameMark[];
}

interface SportRules {
  periods: number;
  periodSeconds: number;
  overtimeSeconds: number;
  /** Feed ms per game second, before the random stoppage factor. */
  feedMsPerGameSecond: number;
  stoppage: [number, number];
  breakMs: number;
  halftimeMs: number;
}

const RULES: Record<Sport, SportRules> = {
  nba: {
    periods: 4,
    periodSeconds: 720,
    overtimeSeconds: 300,
    feedMsPerGameSecond: 750,
    stoppage: [1, 1.5],
    breakMs: 60_000,
    halftimeMs: 180_000,
  },
  nfl: {
    periods: 4,
    periodSeconds: 900,
    overtimeSeconds: 600,
    feedMsPerGameSecond: 600,
    stoppage: [1, 1.4],
    breakMs: 45_000,
    halftimeMs: 180_000,
  },
};

/** Seconds the win-probability model reads: regulation left, or the overtime clock. */
export function secondsRemaining(sport: Sport, mark: Pick<GameMark, 'period' | 'clockSeconds' | 'phase'>): number {
  const rules = RULES[sport];
  if (mark.phase === 'pre') return SPORT_MODELS[sport].regulationSeconds;
  if (mark.phase === 'final') return 0;
  if (mark.period > rules.periods) return mark.clockSeconds;
  return (rules.periods - mark.period) * rules.periodSeconds + mark.clockSeconds;
}

export function periodSeconds(sport: Sport, period: number): number {
  const rules = RULES[sport];
  return period > rules.periods ? rules.overtimeSeconds : rules.periodSeconds;
}

/** Scoring of one possession (NBA) or drive (NFL) for a side whose edge per possession is `edge` points. */
function possessionPoints(sport: Sport, rng: Rng, edge: number): { points: number; play: string } {
  const u = rng.next();
  if (sport === 'nba') {
    const two = 0.36 + edge / 4;
    if (u < 0.12) return { points: 3, play: 'three point jumper' };
    if (u < 0.12 + two) return { points: 2, play: rng.chance(0.5) ? 'driving layup' : 'pullup jump shot' };
    if (u < 0.18 + two) return { points: 1, play: 'free throw' };
    return { points: 0, play: rng.chance(0.6) ? 'missed shot' : 'turnover' };
  }
  const td = 0.21 + edge / 14;
  if (u < td) return { points: rng.chance(0.94) ? 7 : rng.chance(0.5) ? 6 : 8, play: 'touchdown' };
  if (u < td + 0.16) return { points: 3, play: 'field goal' };
  return { points: 0, play: rng.chance(0.6) ? 'punt' : rng.chance(0.5) ? 'turnover on downs' : 'interception' };
}

/**
 * One game from tip-off (or kick-off) at `startT` to the final. `pregameHomeWinProbability` sets each side's
 * scoring edge so the outcome agrees with the model the markets price.
 */
export function simulateGame(sport: Sport, rng: Rng, startT: number, pregameHomeWinProbability: number): Timeline {
  const rules = RULES[sport];
  const model = SPORT_MODELS[sport];
  // Stern's drift: the expected final margin is sigma * Phi^-1(p).
  const meanMargin = model.sigmaPoints * standardNormalQuantile(pregameHomeWinProbability);
  const possessionsPerSide = sport === 'nba' ? 96 : 11;
  const homeEdge = meanMargin / possessionsPerSide / 2;
  const marks: GameMark[] = [];
  let t = startT;
  let homeScore = 0;
  let awayScore = 0;
  let possession: 'home' | 'away' = rng.chance(0.5) ? 'home' : 'away';
  let period = 1;
  let halftimeT = startT;
  const push = (phase: Phase, clockSeconds: number, lastPlay?: string) => {
    const mark: GameMark = { t, phase, period, clockSeconds, homeScore, awayScore, possession };
    if (lastPlay !== undefined) mark.lastPlay = lastPlay;
    if (sport === 'nfl' && phase === 'live') {
      mark.down = rng.int(1, 3);
      mark.distance = rng.int(1, 12);
      mark.yardLine = rng.int(15, 85);
    }
    marks.push(mark);
  };
  push('pre', rules.periodSeconds);
  for (;;) {
    let clock = periodSeconds(sport, period);
    push('live', clock);
    while (clock > 0) {
      const duration = Math.min(clock, sport === 'nba' ? rng.uniform(6, 24) : rng.uniform(40, 330));
      clock = Math.round((clock - duration) * 10) / 10;
      t += Math.round(duration * rules.feedMsPerGameSecond * rng.uniform(...rules.stoppage));
      const edge = possession === 'home' ? homeEdge : -homeEdge;
      const { points, play } = possessionPoints(sport, rng, edge);
      if (possession === 'home') homeScore += points;
      else awayScore += points;
      possession = possession === 'home' ? 'away' : 'home';
      const overtimeDecided = sport === 'nfl' && period > rules.periods && points > 0;
      push(overtimeDecided ? 'final' : 'live', overtimeDecided ? 0 : clock, play);
      if (overtimeDecided) return { sport, startT, endT: t, halftimeT, marks };
    }
    const regulationOver = period >= rules.periods;
    // NFL regular-season overtime is one period; a tie after it stands.
    const tiedAndPlayOn = homeScore === awayScore && (sport === 'nba' || period === rules.periods);
    if (regulationOver && !tiedAndPlayOn) {
      marks[marks.length - 1]!.phase = 'final';
      return { sport, startT, endT: t, halftimeT, marks };
    }
    const halftime = period === rules.periods / 2;
    marks[marks.length - 1]!.phase = halftime ? 'halftime' : 'end_period';
    if (halftime) halftimeT = t;
    t += halftime ? rules.halftimeMs : rules.breakMs;
    period += 1;
  }
}

/** The state at feed time `t`: the last mark at or before it, its clock run down toward the next mark's. */
export function stateAt(timeline: Timeline, t: number, hint = 0): { mark: GameMark; index: number; clockSeconds: number } {
  const { marks } = timeline;
  let index = Math.min(Math.max(hint, 0), marks.length - 1);
  while (index > 0 && marks[index]!.t > t) index--;
  while (index + 1 < marks.length && marks[index + 1]!.t <= t) index++;
  const mark = marks[index]!;
  const next = marks[index + 1];
  let clockSeconds = mark.clockSeconds;
  if (mark.phase === 'live' && next && next.period === mark.period && next.t > mark.t) {
    const f = (t - mark.t) / (next.t - mark.t);
    clockSeconds = mark.clockSeconds + (next.clockSeconds - mark.clockSeconds) * Math.min(1, Math.max(0, f));
  }
  return { mark, index, clockSeconds };
}

/** P(home wins) at feed time `t`, from the domain's model. */
export function homeWinProbabilityAt(timeline: Timeline, t: number, pregame: number, hint = 0): number {
  const { mark, clockSeconds } = stateAt(timeline, t, hint);
  if (mark.phase === 'final') {
    if (mark.homeScore === mark.awayScore) return 0.5;
    return mark.homeScore > mark.awayScore ? 1 : 0;
  }
  return winProbability(timeline.sport, {
    homeScore: mark.homeScore,
    awayScore: mark.awayScore,
    secondsRemaining: secondsRemaining(timeline.sport, { ...mark, clockSeconds }),
    pregameHomeWinProbability: pregame,
  });
}
