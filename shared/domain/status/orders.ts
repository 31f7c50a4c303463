/**
 * Order status as an explicit transition table (as nautilus_trader's `_ORDER_STATE_TABLE`): the executors move an
 * order only along these edges; anything else is a bug or a venue message out of order, and is refused, not applied.
 * The `orders.status` CHECK in the schema lists the same states.
 */
export const orderStatuses = ['pending', 'sent', 'partially_filled', 'filled', 'cancelled', 'rejected'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export type OrderEvent =
  /** The venue accepted the order (it rests or is matching). */
  | 'accepted'
  /** Part of the order filled; more may follow. */
  | 'partially_filled'
  /** The order filled in full. */
  | 'filled'
  /** We or the venue cancelled what is left. */
  | 'cancelled'
  /** The venue refused it (or we did before sending it: kill switch, ineligible venue). */
  | 'rejected';

const TABLE: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  pending: {
    accepted: 'sent',
    partially_filled: 'partially_filled',
    filled: 'filled',
    cancelled: 'cancelled',
    rejected: 'rejected',
  },
  sent: { partially_filled: 'partially_filled', filled: 'filled', cancelled: 'cancelled', rejected: 'rejected' },
  partially_filled: { partially_filled: 'partially_filled', filled: 'filled', cancelled: 'cancelled' },
  filled: {},
  cancelled: {},
  rejected: {},
};

export class InvalidOrderTransitionError extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly event: OrderEvent,
  ) {
    super(`order in status ${from} cannot take event ${event}`);
    this.name = 'InvalidOrderTransitionError';
  }
}

/** The status after `event`, or an InvalidOrderTransitionError when the table has no such edge. */
export function nextOrderStatus(from: OrderStatus, event: OrderEvent): OrderStatus {
  const next = TABLE[from][event];
  if (next === undefined) throw new InvalidOrderTransitionError(from, event);
  return next;
}

/** A status no event leaves: the order is done with. */
export function isTerminalOrderStatus(status: OrderStatus): boolean {
  return Object.keys(TABLE[status]).length === 0;
}
