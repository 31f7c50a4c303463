import { z } from 'zod';
import { cursorSchema, limitSchema, sportsbookSchema } from './common.ts';

export const consentScopeSchema = z.enum(['store_session', 'automate_sportsbook', 'live_trading']);
export type ConsentScope = z.infer<typeof consentScopeSchema>;

export const createConsentBodySchema = z.strictObject({
  scope: consentScopeSchema,
  sportsbook: sportsbookSchema,
  textVersion: z.string().min(1).max(64),
});
export type CreateConsentBody = z.infer<typeof createConsentBodySchema>;

export const listConsentsQuerySchema = z.strictObject({
  status: z.enum(['active', 'revoked']).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export interface ConsentView {
  id: string;
  scope: ConsentScope;
  sportsbook: string;
  textVersion: string;
  status: 'active' | 'revoked';
  grantedAt: string;
  revokedAt: string | null;
}
