import type { Venue } from '#domain/names';

/**
 * A venue request the egress could not complete. `outcome` says what the caller may do next:
 * - `not_sent`: provably never reached the venue (no proxy usable, or the tunnel was never established): safe to send
 *   again;
 * - `unknown`: the request may have reached the venue (the connection broke after it was established): look it up at
 *   the venue (client order id) before sending anything again.
 */
export class EgressRequestError extends Error {
  readonly code: 'egress_unavailable' | 'egress_failed';
  readonly outcome: 'not_sent' | 'unknown';

  constructor(opts: {
    code: 'egress_unavailable' | 'egress_failed';
    outcome: 'not_sent' | 'unknown';
    message: string;
    cause?: unknown;
  }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'EgressRequestError';
    this.code = opts.code;
    this.outcome = opts.outcome;
  }
}

/** Live execution on `venue` is stopped: its own eligibility or status check failed from the egress in use. */
export class VenueIneligibleError extends Error {
  readonly code = 'venue_ineligible';
  readonly venue: Venue;
  readonly reason: string | undefined;

  constructor(venue: Venue, reason: string | undefined) {
    super(`${venue}: live execution stopped, venue ineligible from this egress${reason ? ` (${reason})` : ''}`);
    this.name = 'VenueIneligibleError';
    this.venue = venue;
    this.reason = reason;
  }
}
