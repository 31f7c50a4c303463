import type { AuditLog } from './api/audit-log.ts';
import type { ConsentStore } from './api/consents.ts';
import type { JobStore } from './api/jobs.ts';
import type { KillSwitchStore } from './api/kill-switch.ts';
import type { VenuePayoutStore } from './api/market-settlement.ts';
import type { SessionStore } from './api/sessions.ts';
import type { TradingReads } from './api/trading-reads.ts';
import type { WorkerStore } from './api/workers.ts';

/** The API's stores, one per concern. */
export interface ApiStores {
  audit: AuditLog;
  consents: ConsentStore;
  sessions: SessionStore;
  jobs: JobStore;
  workers: WorkerStore;
  killSwitch: KillSwitchStore;
  venuePayouts: VenuePayoutStore;
  trading: TradingReads;
}

/**
 * What the API's use cases store. Each store used directly runs its statement on its own (autocommit); `transaction`
 * hands the same stores bound to one transaction, so a write and its audit entry commit together or not at all, and
 * the locks its reads take (a consent FOR SHARE, a worker or a venue payout FOR UPDATE) hold until it ends.
 */
export interface ApiStore extends ApiStores {
  transaction<T>(work: (tx: ApiStores) => Promise<T>): Promise<T>;
}
