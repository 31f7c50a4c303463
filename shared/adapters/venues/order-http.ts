/**
 * How an order request's HTTP outcome is read, for both venues: a body we got is what the venue decided; a refusal
 * with a reason (4xx) is final; a request the egress provably never sent (no proxy usable) may be sent again as is;
 * anything else (timeout, connection lost, 5xx, 408, 409 duplicate, 429) leaves the
 * venue possibly holding the order, so the order is looked up before it is sent again.
 */
import type { Venue } from '#domain/names';
import { type EgressFetch, NotSentError, OutcomeUnknownError, VenueRejectedError } from '../../ports/execution.ts';
import { EgressRequestError } from '../egress/errors.ts';

const UNKNOWN_STATUSES = new Set([408, 409, 425, 429]);

export interface OrderHttp {
  /** The parsed JSON body of a 2xx answer; throws VenueRejectedError or OutcomeUnknownError. */
  send(url: string, init: RequestInit & { body?: string }): Promise<unknown>;
  /** As `send`, but a 404 is `null` (the venue has no such order). */
  read(url: string, init: RequestInit): Promise<unknown | null>;
}

export function orderHttp(venue: Venue, egress: EgressFetch, timeoutMs: number): OrderHttp {
  const call = async (url: string, init: RequestInit, notFoundIsNull: boolean): Promise<unknown | null> => {
    let response: Response;
    try {
      response = await egress.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (error instanceof EgressRequestError && error.outcome === 'not_sent') {
        throw new NotSentError(venue, error.message, { cause: error });
      }
      throw new OutcomeUnknownError(venue, `no answer from ${new URL(url).pathname}`, { cause: error });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new OutcomeUnknownError(venue, `answer from ${new URL(url).pathname} cut short`, { cause: error });
    }
    if (response.status === 404 && notFoundIsNull) return null;
    if (response.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new OutcomeUnknownError(venue, `answer from ${new URL(url).pathname} is not JSON`, { cause: error });
      }
    }
    if (response.status >= 500 || UNKNOWN_STATUSES.has(response.status)) {
      throw new OutcomeUnknownError(venue, `HTTP ${response.status} from ${new URL(url).pathname}`);
    }
    throw new VenueRejectedError(venue, reasonOf(response.status, text));
  };
  return {
    send: (url, init) => call(url, init, false),
    read: (url, init) => call(url, init, true),
  };
}

/** A short machine-friendly reason from an error body (`{error:{code}}`, `{errorMsg}`, `{error}`), else the status. */
function reasonOf(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown } | string; errorMsg?: unknown; code?: unknown };
    const code =
      (typeof body.error === 'object' ? body.error?.code : body.error) ?? body.errorMsg ?? body.code ?? undefined;
    if (typeof code === 'string' && code.length > 0) return code.replaceAll(/[^\w.-]+/g, '_').slice(0, 64);
  } catch {
    // Not JSON: the status says enough.
  }
  return `http_${status}`;
}

/**
 * An integer held in units of 10^-`scale` as a decimal string with `decimals` places, without floats: 710000 micros
 * -> "0.7100" (scale 6, 4 places); 1050 hundredths -> "10.50". Refuses a value that needs more places than that.
 */
export function decimalString(value: number, scale: number, decimals: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative integer: ${value}`);
  const unit = 10 ** scale;
  const whole = Math.floor(value / unit);
  const fraction = String(value % unit).padStart(scale, '0');
  if (/[^0]/.test(fraction.slice(decimals))) throw new RangeError(`${value} needs more than ${decimals} decimals`);
  return decimals === 0 ? String(whole) : `${whole}.${fraction.slice(0, decimals).padEnd(decimals, '0')}`;
}
