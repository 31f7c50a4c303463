import type { PageAfter } from './page.ts';

export interface ConsentRow {
  id: string;
  user_id: string;
  scope: 'store_session' | 'automate_sportsbook' | 'live_trading';
  sportsbook: string;
  text_version: string;
  granted_at: Date;
  revoked_at: Date | null;
  cursor_key: string;
}

export type ConsentScope = ConsentRow['scope'];

/** The users' consents. Reads that lock (`lockActive...`) hold their lock until the caller's transaction ends. */
export interface ConsentStore {
  insert(input: { userId: string; scope: ConsentScope; sportsbook: string; textVersion: string }): Promise<ConsentRow>;
  /** Oldest first, keyset-paged on (granted_at, id); fetches `limit + 1` so the caller knows whether more follow. */
  list(query: {
    userId: string;
    status?: 'active' | 'revoked';
    limit: number;
    after?: PageAfter;
  }): Promise<ConsentRow[]>;
  /** Revokes an active consent; undefined when the user has no such consent or it was already revoked. */
  revoke(userId: string, id: string): Promise<ConsentRow | undefined>;
  /**
   * The user's active consent with this id, locked FOR SHARE: a concurrent revoke waits for the caller's transaction,
   * then revokes whatever session it stored too.
   */
  lockActive(userId: string, id: string): Promise<ConsentRow | undefined>;
  /** Any active consent of the user for this scope and sportsbook, locked FOR SHARE like `lockActive`. */
  lockActiveFor(userId: string, scope: ConsentScope, sportsbook: string): Promise<ConsentRow | undefined>;
}
