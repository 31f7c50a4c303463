import { stateMachine } from './transitions.ts';

export const SESSION_STATUSES = ['active', 'paused', 'revoked', 'expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/**
 * Sportsbook session lifecycle: an active session is revoked (its consent withdrawn) or expires (past
 * `expires_at`; reads report it before any sweep stores it). A sportsbook that challenges it (issue 13) pauses it
 * until its owner acts; the owner resumes it, or it is revoked or expires like an active one. Revoked and expired are
 * terminal: a new session is a new row. The `sportsbook_sessions.status` CHECK holds the same names.
 */
export const sessionStatus = stateMachine<SessionStatus>('session status', {
  active: ['paused', 'revoked', 'expired'],
  paused: ['active', 'revoked', 'expired'],
  revoked: [],
  expired: [],
});
