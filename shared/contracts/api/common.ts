import { z } from 'zod';

/** Shapes every API route shares: path ids, pagination, the error body (DESIGN.md section 7). */
export const uuidSchema = z.uuid();
export const idParamsSchema = z.strictObject({ id: uuidSchema });

export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export const limitSchema = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);
export const cursorSchema = z.string().min(1).max(512).optional();

/** A sportsbook slug as users name it (`draftkings`, `fanduel`). */
export const sportsbookSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" or "_"');

export interface ListResponse<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string; details: readonly unknown[] };
}
