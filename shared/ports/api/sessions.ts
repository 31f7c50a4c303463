import type { SessionStatus } from '#domain/status/sessions';
import type { PageAfter } from './page.ts';

/** Session metadata: no query here returns the ciphertext columns. */
export interface SessionRow {
  id: string;
  user_id: string;
  sportsbook: string;
  consent_id: string;
  status: SessionStatus;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  revoked_at: Date | null;
  cursor_key: string;
}

export interface SealedSessionData {
  ciphertext: Buffer;
  nonce: Buffer;
  authTag: Buffer;
  keyId: string;
}

/** A session's sealed data with the owner its additional data names: the only query returning the ciphertext. */
export interface SealedSessionRow extends SealedSessionData {
  id: string;
  user_id: string;
}

/** The users' sportsbook sessions: metadata, and the sealed data only through `findSealed`. */
export interface SessionStore {
  insert(
    input: { id: string; userId: string; sportsbook: string; consentId: string; expiresAt: Date } & SealedSessionData,
  ): Promise<SessionRow>;
  list(query: {
    userId: string;
    sportsbook?: string;
    status?: SessionStatus;
    limit: number;
    after?: PageAfter;
  }): Promise<SessionRow[]>;
  find(userId: string, id: string): Promise<SessionRow | undefined>;
  /** Ciphertext and key id read together, so a concurrent re-seal can never pair one key with the other's data. */
  findSealed(userId: string, id: string): Promise<SealedSessionRow | undefined>;
  /** Changes an active session; undefined when the user has no active session with this id. */
  update(
    userId: string,
    id: string,
    change: { sealed?: SealedSessionData; expiresAt?: Date },
  ): Promise<SessionRow | undefined>;
  delete(userId: string, id: string): Promise<boolean>;
  /** Revokes every active session that relied on a consent; returns their ids. */
  revokeForConsent(userId: string, consentId: string): Promise<string[]>;
}
