/**
 * The egress client's public shapes (issue 14): one dispatcher for all venue traffic of a process, over an ordered
 * list of egress proxies, and the eligibility gate that live execution asks before it sends anything to a venue.
 */
import type { Agent } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Venue } from '#domain/names';

export interface EgressEndpoint {
  /** Position in the configured failover order (0 = preferred). */
  index: number;
  url: string;
}

export type EgressChangeReason = 'request_failed' | 'probe_failed' | 'recovered' | 'all_down';

export interface EgressChange {
  /** `undefined`: no egress was usable before / none is usable now. */
  from: EgressEndpoint | undefined;
  to: EgressEndpoint | undefined;
  reason: EgressChangeReason;
  atMs: number;
}

export interface EgressProxyHealth extends EgressEndpoint {
  healthy: boolean;
  /** Latency of the last successful probe through this proxy; `undefined` before the first one. */
  lastProbeLatencyMs: number | undefined;
  lastProbeAtMs: number | undefined;
  probeFailures: number;
  requestFailures: number;
}

export interface EgressMetricsSnapshot {
  /** The egress requests go through now; `undefined` when every proxy is down (requests fail fast). */
  active: EgressEndpoint | undefined;
  /** Changes of the active egress since start (to another proxy, back to a recovered one, or to none). */
  failovers: number;
  proxies: EgressProxyHealth[];
  requests: {
    sent: number;
    /** Sent again on the next proxy because the first attempt provably never reached the venue (or was idempotent). */
    retried: number;
    /** Refused at once because no proxy was usable. */
    failedFast: number;
    /** Failed with an outcome the caller must reconcile (`EgressRequestError.outcome === 'unknown'`). */
    unknownOutcome: number;
  };
}

export interface EgressDispatcherOptions {
  /** Proxy URLs in failover order (`EGRESS_PROXY_URLS`). */
  proxies: readonly string[];
  /** Fetched through each proxy by the health probe; any HTTP answer proves the path works. */
  probeUrl: string;
  probeIntervalMs: number;
  /**
   * The bound: a dead active proxy is left within this long. Connect timeouts and probe timeouts are derived from it,
   * and `probeIntervalMs` must leave room for a probe inside it.
   */
  failoverWithinMs: number;
  /** Consecutive good probes before a proxy earlier in the order takes the traffic back (default 2). */
  recoverAfterProbes?: number;
  now?: () => number;
  onChange?: (change: EgressChange) => void;
}

export interface EgressDispatcher {
  /** `fetch` through the active egress; the same signature as the global one, so venue clients take it as is. */
  fetch: typeof globalThis.fetch;
  /** The undici dispatcher of the active egress (for clients that take one). */
  dispatcher(): Dispatcher;
  /** An http(s).Agent through the active egress, for `ws` (`new WebSocket(url, { agent })`). */
  wsAgent(): Agent;
  active(): EgressEndpoint | undefined;
  metrics(): EgressMetricsSnapshot;
  /** Probes every proxy now (also what the timer does); resolves when the round is done. */
  probeNow(): Promise<void>;
  close(): Promise<void>;
}

export type EligibilityCheck = () => Promise<boolean>;

export interface VenueEligibility {
  venue: Venue;
  eligible: boolean;
  checkedAtMs: number | undefined;
  /** Why the last check failed (`blocked`, `trading_inactive`, an error message). */
  reason: string | undefined;
}

export interface EligibilityGateOptions {
  venues: Partial<Record<Venue, EligibilityCheck>>;
  onChange?: (state: VenueEligibility) => void;
  now?: () => number;
}

export interface EligibilityGate {
  /** Runs the venues' checks (all, or the one named) from the egress in use now; resolves to the new states. */
  check(venue?: Venue): Promise<VenueEligibility[]>;
  /** False until a check has passed, and after any check failed. A venue without a check is never eligible. */
  isEligible(venue: Venue): boolean;
  /** Throws `VenueIneligibleError` (code `venue_ineligible`) when `isEligible(venue)` is false. */
  assertEligible(venue: Venue): void;
  states(): VenueEligibility[];
}
