import type { Venue } from '../names.ts';
import type { OrderStatus } from '../status/orders.ts';
import { type QuantityHundredths, quantityHundredths } from '../units.ts';

/**
 * Which leg of a cross-venue arbitrage goes first. Polymarket holds a marketable order on a sports market for 3 s
 * before it matches and cancels resting orders at game start (RULES.md 5), so its fill is the uncertain one; a Kalshi
 * IOC order fills or dies at once. So Polymarket goes first, and the Kalshi leg is sent only once the Polymarket fill
 * is known, sized to what filled: a leg then stays alone for one Kalshi round trip, not for Polymarket's delay.
 */
export const FIRST_LEG_VENUE: Venue = 'polymarket';

/** How long the second leg's executor waits for the first leg to finish before it gives the message back to the queue. */
export const SECOND_LEG_WAIT_MS = 12_000;

export type LegRole = 'single' | 'first' | 'second';

export function legRole(kind: 'model_edge' | 'arbitrage', venue: Venue, siblingVenue: Venue | undefined): LegRole {
  if (kind !== 'arbitrage' || siblingVenue === undefined || siblingVenue === venue) return 'single';
  return venue === FIRST_LEG_VENUE ? 'first' : 'second';
}

const DONE: readonly OrderStatus[] = ['filled', 'cancelled', 'rejected'];

/**
 * What the second leg does once it sees the first: wait while the first may still fill, send nothing when it filled
 * nothing, else buy exactly what it filled (never more than the second leg was sized for).
 */
export function secondLegPlan(
  first: { status: OrderStatus; filledHundredths: QuantityHundredths },
  secondCount: QuantityHundredths,
): { action: 'wait' } | { action: 'skip' } | { action: 'send'; quantity: QuantityHundredths } {
  if (!DONE.includes(first.status)) return { action: 'wait' };
  if (first.filledHundredths === 0) return { action: 'skip' };
  return { action: 'send', quantity: quantityHundredths(Math.min(first.filledHundredths, secondCount)) };
}

/** Contracts the first leg holds that the second does not cover: an open hedge while above zero. */
export function unhedgedQuantity(
  firstFilled: QuantityHundredths,
  secondFilled: QuantityHundredths,
): QuantityHundredths {
  return quantityHundredths(Math.max(0, firstFilled - secondFilled));
}
