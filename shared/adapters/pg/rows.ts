import type pg from 'pg';

/**
 * Row helpers. Money, prices and quantities are BIGINT in Postgres (`*_micros`, `*_hundredths`); in TypeScript they
 * are plain numbers, which is exact only up to 2^53. Every BIGINT read goes through `parseSafeInteger`, so a value that
 * would silently lose precision fails loudly instead.
 */
export function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} is outside the safe integer range`);
  return value;
}

/**
 * A BIGINT as read: a number from our pools (INT8 parser above), or the raw string from a client built without it.
 * Either way the result is a checked safe integer.
 */
export function safeInteger(value: number | string): number {
  return typeof value === 'string' ? parseSafeInteger(value) : assertSafeInteger('BIGINT value', value);
}

/** Checks a value we are about to write to a BIGINT column (money, price, quantity). */
export function assertSafeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
  return value;
}

/** The only row of a query that must return exactly one. */
export function singleRow<T>(rows: T[], what: string): T {
  const [row] = rows;
  if (row === undefined || rows.length !== 1) throw new Error(`expected exactly one ${what}, got ${rows.length}`);
  return row;
}

/** Anything that runs a query: the pool (autocommit) or a client the caller holds, possibly inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Epoch milliseconds (how code carries time) from a timestamptz column. */
export function epochMs(value: Date): number {
  return value.getTime();
}
