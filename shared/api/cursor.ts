import { z } from 'zod';
import { ApiError } from './errors.ts';

/**
 * Keyset cursors: the last row's sort key (as Postgres printed it, so it casts back exactly) and its id as tiebreak.
 * Opaque to callers (base64url JSON); a cursor that does not decode is a 400.
 */
const cursorSchema = z.strictObject({ k: z.string().min(1).max(64), id: z.string().min(1).max(64) });
export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new ApiError(400, 'invalid_request', 'invalid cursor', [{ path: ['cursor'], message: 'not a cursor' }]);
  }
}

/** Turns `limit + 1` fetched rows into a page and the cursor of its last row when more follow. */
export function page<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => Cursor,
): { items: Item[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null;
  return { items: pageRows.map(toItem), nextCursor };
}
