import pg from 'pg';
import { ConflictError, InvalidInputError, StoreUnavailableError } from '../../ports/errors.ts';
import type { Queryable } from './rows.ts';

/** SQLSTATE classes that mean "the database is unreachable or going away", not "the request was wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);
/** node-postgres's own words for a pool that could not connect and a connection that dropped. */
const UNAVAILABLE_MESSAGE = /timeout exceeded when trying to connect|Connection terminated/i;
const UNIQUE_VIOLATION = '23505';

/** A SQLSTATE from the server, or a socket's error code: never the `code` of an application error passing through. */
function errorCode(error: unknown): string | undefined {
  if (error instanceof pg.DatabaseError) return error.code;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code) ? code : undefined;
}

/**
 * A Postgres or connection failure as the application error it means; anything else comes back as it is. The new
 * error's message names no host or value: callers may show it.
 */
export function translatePgError(error: unknown): unknown {
  const code = errorCode(error);
  // Data exceptions (class 22) can only come from input that slipped past validation.
  if (code?.startsWith('22')) return new InvalidInputError('invalid input', { cause: error });
  if (code === UNIQUE_VIOLATION) {
    return new ConflictError('the record conflicts with an existing one', { cause: error });
  }
  const message = error instanceof Error ? error.message : '';
  if ((code && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) || UNAVAILABLE_MESSAGE.test(message)) {
    return new StoreUnavailableError('the database is unavailable', { cause: error });
  }
  return error;
}

/** `db.query`, with its failures translated by `translatePgError`. */
export async function runQuery<R extends pg.QueryResultRow = Record<string, unknown>>(
  db: Queryable,
  text: string,
  values?: unknown[],
): Promise<pg.QueryResult<R>> {
  try {
    return await db.query<R>(text, values);
  } catch (error) {
    throw translatePgError(error);
  }
}
