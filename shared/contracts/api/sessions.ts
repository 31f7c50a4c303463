import { z } from 'zod';
import { SESSION_STATUSES, type SessionStatus } from '#domain/status/sessions';
import { cursorSchema, limitSchema, sportsbookSchema, uuidSchema } from './common.ts';

export const MAX_SESSION_DATA_BYTES = 64 * 1024;

/** Cookies / storage state as the browser exported them: any JSON, bounded in size once serialized. */
export const sessionDataSchema = z
  .json()
  .refine((value) => value !== null, 'sessionData must not be null')
  .refine(
    (value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_SESSION_DATA_BYTES,
    `sessionData must serialize to at most ${MAX_SESSION_DATA_BYTES} bytes`,
  );

const futureInstantSchema = z.iso.datetime({ offset: true });

export const createSessionBodySchema = z.strictObject({
  sportsbook: sportsbookSchema,
  consentId: uuidSchema,
  sessionData: sessionDataSchema,
  expiresAt: futureInstantSchema.optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBodySchema>;

export const updateSessionBodySchema = z
  .strictObject({
    sessionData: sessionDataSchema.optional(),
    expiresAt: futureInstantSchema.optional(),
  })
  .refine((body) => body.sessionData !== undefined || body.expiresAt !== undefined, 'nothing to update');
export type UpdateSessionBody = z.infer<typeof updateSessionBodySchema>;

export const listSessionsQuerySchema = z.strictObject({
  sportsbook: sportsbookSchema.optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export interface SessionView {
  id: string;
  sportsbook: string;
  consentId: string;
  status: SessionStatus;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}
