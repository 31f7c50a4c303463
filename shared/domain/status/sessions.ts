import { stateMachine } from './transitions.ts';

export const SESSION_STATUSES = ['active', 'revoked', 'expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/**
 * Sportsbook session lifecycle: an active session is revoked (its consent withdrawn) or expires (past
 * `expires_at`; reads report it before any sweep stores it). Both ends are terminal: a new session is a new row.
 * The `sportsbook_sessions.status` CHECK holds the same three names.
 */
export const sessionStatus = stateMachine<SessionStatus>('session status', {
  active: ['revoked', 'expired'],
  revoked: [],
  expired: [],
});
