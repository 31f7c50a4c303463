/**
 * The eligibility gate (issue 14): live execution on a venue only while that venue's own check passes from the egress
 * in use. Run `check()` before live trading and after every egress change (the dispatcher's `onChange`); a failed or
 * throwing check stops live execution on that venue (`assertEligible` throws `venue_ineligible`) until a later check
 * passes. Paper trading never asks the gate. The gate never picks an egress: failing here stops trading, it does
 * not look for another way out.
 */
import { z } from 'zod';
import { venues as allVenues, type Venue } from '#domain/names';
import { VenueIneligibleError } from './errors.ts';
import type { EligibilityCheck, EligibilityGate, EligibilityGateOptions, VenueEligibility } from './types.ts';

/** A check's verdict with its reason; a bare `false` from a plain check reads as `check_failed`. */
export class EligibilityCheckFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'EligibilityCheckFailed';
  }
}

export function createEligibilityGate(options: EligibilityGateOptions): EligibilityGate {
  const now = options.now ?? Date.now;
  const state = new Map<Venue, VenueEligibility>(
    allVenues.map((venue) => [
      venue,
      {
        venue,
        eligible: false,
        checkedAtMs: undefined,
        reason: options.venues[venue] ? 'not_checked' : 'no_check_configured',
      },
    ]),
  );
  // A check that started before a later one finishes after it must not overwrite the newer verdict.
  const generation = new Map<Venue, number>();

  const run = async (venue: Venue): Promise<VenueEligibility> => {
    const check: EligibilityCheck | undefined = options.venues[venue];
    const mine = (generation.get(venue) ?? 0) + 1;
    generation.set(venue, mine);
    let eligible = false;
    let reason: string | undefined;
    if (!check) {
      reason = 'no_check_configured';
    } else {
      try {
        eligible = await check();
        if (!eligible) reason = 'check_failed';
      } catch (error) {
        reason = error instanceof EligibilityCheckFailed ? error.reason : `check_error: ${String(error)}`;
      }
    }
    const previous = state.get(venue) as VenueEligibility;
    if (generation.get(venue) !== mine) return previous;
    const next: VenueEligibility = { venue, eligible, checkedAtMs: now(), reason };
    state.set(venue, next);
    if (previous.eligible !== eligible || previous.checkedAtMs === undefined) options.onChange?.(next);
    return next;
  };

  return {
    check: (venue) => Promise.all((venue ? [venue] : allVenues).map(run)),
    isEligible: (venue) => state.get(venue)?.eligible === true,
    assertEligible: (venue) => {
      const current = state.get(venue);
      if (current?.eligible !== true) throw new VenueIneligibleError(venue, current?.reason);
    },
    states: () => allVenues.map((venue) => ({ ...(state.get(venue) as VenueEligibility) })),
  };
}

/** REFERENCE.md 2.8: `{blocked, ip, country, region}` for the caller's IP. */
const geoblockResponse = z.object({
  blocked: z.boolean(),
  ip: z.string().optional(),
  country: z.string().optional(),
  region: z.string().optional(),
});

export const POLYMARKET_GEOBLOCK_URL = 'https://polymarket.com/api/geoblock';

/**
 * Polymarket's own geoblock check from the egress in use: eligible only on an explicit `blocked: false`. A blocked
 * answer throws `EligibilityCheckFailed('blocked: <country>')`, so the gate's reason names where the venue sees us.
 */
export function polymarketGeoblockCheck(opts: {
  fetch: typeof globalThis.fetch;
  url?: string;
  timeoutMs?: number;
}): EligibilityCheck {
  return async () => {
    const response = await opts.fetch(opts.url ?? POLYMARKET_GEOBLOCK_URL, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new EligibilityCheckFailed(`geoblock_http_${response.status}`);
    const body = geoblockResponse.parse(await response.json());
    if (body.blocked) {
      throw new EligibilityCheckFailed(`blocked: ${[body.country, body.region].filter(Boolean).join('-') || '?'}`);
    }
    return true;
  };
}

/**
 * Kalshi's `GET /exchange/status` (`{exchange_active, trading_active}`, Trade API v2) from the egress in use:
 * eligible while both are true. Kalshi's eligibility is per account (KYC), not per IP, so this is the venue's own
 * statement that orders can be taken now.
 */
const exchangeStatusResponse = z.object({
  exchange_active: z.boolean(),
  trading_active: z.boolean(),
  exchange_estimated_resume_time: z.string().nullable().optional(),
});

export function kalshiExchangeStatusCheck(opts: {
  fetch: typeof globalThis.fetch;
  /** e.g. `https://api.elections.kalshi.com/trade-api/v2`. */
  baseUrl: string;
  timeoutMs?: number;
}): EligibilityCheck {
  return async () => {
    const response = await opts.fetch(`${opts.baseUrl.replace(/\/+$/, '')}/exchange/status`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new EligibilityCheckFailed(`exchange_status_http_${response.status}`);
    const body = exchangeStatusResponse.parse(await response.json());
    if (!body.exchange_active) throw new EligibilityCheckFailed('exchange_inactive');
    if (!body.trading_active) throw new EligibilityCheckFailed('trading_inactive');
    return true;
  };
}
