import { describe, expect, it } from 'vitest';
import {
  InvalidOrderTransitionError,
  isTerminalOrderStatus,
  nextOrderStatus,
  type OrderEvent,
  orderStatuses,
} from '#domain/status/orders';

const events: OrderEvent[] = ['accepted', 'partially_filled', 'filled', 'cancelled', 'rejected'];

/** Every edge the table allows, written out: a change to the table must change this list too. */
const allowed: Record<string, string> = {
  'pending accepted': 'sent',
  'pending partially_filled': 'partially_filled',
  'pending filled': 'filled',
  'pending cancelled': 'cancelled',
  'pending rejected': 'rejected',
  'sent partially_filled': 'partially_filled',
  'sent filled': 'filled',
  'sent cancelled': 'cancelled',
  'sent rejected': 'rejected',
  'partially_filled partially_filled': 'partially_filled',
  'partially_filled filled': 'filled',
  'partially_filled cancelled': 'cancelled',
};

describe('order status transitions', () => {
  it.each(orderStatuses.flatMap((from) => events.map((event) => [from, event] as const)))('%s + %s', (from, event) => {
    const expected = allowed[`${from} ${event}`];
    if (expected) expect(nextOrderStatus(from, event)).toBe(expected);
    else expect(() => nextOrderStatus(from, event)).toThrow(InvalidOrderTransitionError);
  });

  it('never leaves filled, cancelled or rejected, and a fill never goes back to sent', () => {
    expect(orderStatuses.filter(isTerminalOrderStatus)).toEqual(['filled', 'cancelled', 'rejected']);
    expect(() => nextOrderStatus('partially_filled', 'accepted')).toThrow(
      /partially_filled cannot take event accepted/,
    );
  });
});
