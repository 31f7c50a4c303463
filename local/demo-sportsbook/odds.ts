/**
 * The demo books' prices: a pure function of (event, seed, tick), so tests and the worker's tests know every price
 * at every tick. Each side is priced at the event's fair probability plus VIG_PER_SIDE plus seeded noise smaller
 * than the vig, then rounded to the bettor-worse multiple of 5: every side's implied probability is then at least
 * fair + VIG_PER_SIDE - NOISE, so no book's own pair and no pair across books ever sums below 1. Surebets exist only
 * where a pin plants them.
 */
import { decimalToAmerican } from '#domain/odds';
import type { MoneyMicros } from '#domain/units';
import { Rng } from '../simulator/prng.ts';
import { type DemoEvent, eventById } from './events.ts';

export const VIG_PER_SIDE = 0.025;
export const NOISE = 0.01;
/** Pins are checked against this so that payouts stay far inside safe integers. */
export const MAX_ABS_AMERICAN = 100_000;

export type Side = 'home' | 'away';
export const SIDES: readonly Side[] = ['home', 'away'];

export interface Moneyline {
  home: number;
  away: number;
}

/** A planted moneyline for one event during ticks [fromTick, toTick); toTick absent: open-ended. */
export interface OddsPin {
  eventId: string;
  home: number;
  away: number;
  fromTick?: number;
  toTick?: number;
}

/** The selection id a `place_bet` job names, e.g. `moneyline.home`. */
export type SelectionId = `moneyline.${Side}`;

export function parseSelectionId(text: string): Side | undefined {
  if (text === 'moneyline.home') return 'home';
  if (text === 'moneyline.away') return 'away';
  return undefined;
}

/** Rounded towards the bettor-worse price: +117 -> +115, -117 -> -120. */
function roundWorse(american: number): number {
  const rounded = Math.floor(american / 5) * 5;
  return rounded > -100 && rounded < 100 ? -100 : rounded;
}

function normalize(american: number): number {
  return american === -100 ? 100 : american;
}

export function generatedMoneyline(event: DemoEvent, seed: number, tick: number): Moneyline {
  const price = (side: Side): number => {
    const fair = side === 'home' ? event.fairHomeProbability : 1 - event.fairHomeProbability;
    const noise = Rng.derive(seed, `${event.id}:${tick}:${side}`).uniform(-NOISE, NOISE);
    return normalize(roundWorse(decimalToAmerican(1 / (fair + VIG_PER_SIDE + noise))));
  };
  return { home: price('home'), away: price('away') };
}

export function pinAt(pins: readonly OddsPin[], eventId: string, tick: number): OddsPin | undefined {
  for (let index = pins.length - 1; index >= 0; index--) {
    const pin = pins[index] as OddsPin;
    if (pin.eventId === eventId && (pin.fromTick ?? 0) <= tick && (pin.toTick === undefined || tick < pin.toTick)) {
      return pin;
    }
  }
  return undefined;
}

export function moneylineAt(args: {
  eventId: string;
  seed: number;
  tick: number;
  pins: readonly OddsPin[];
}): Moneyline {
  const pin = pinAt(args.pins, args.eventId, args.tick);
  if (pin) return { home: pin.home, away: pin.away };
  const event = eventById(args.eventId);
  if (!event) throw new RangeError(`unknown event ${args.eventId}`);
  return generatedMoneyline(event, args.seed, args.tick);
}

/** Ten points worse for the bettor, across even money: +110 -> +100, +105 -> -105, +100 -> -110, -120 -> -130. */
export function movedWorse(american: number): number {
  if (american > 0 && american - 10 < 100) return american - 210;
  return american - 10;
}

export function formatAmerican(american: number): string {
  return american > 0 ? `+${american}` : String(american);
}

/** What a winning bet pays back, stake included, floored to the micro as a book pays. */
export function payoutMicros(stakeMicros: MoneyMicros, american: number): MoneyMicros {
  const profit =
    american > 0 ? Math.floor((stakeMicros * american) / 100) : Math.floor((stakeMicros * 100) / -american);
  return (stakeMicros + profit) as MoneyMicros;
}
