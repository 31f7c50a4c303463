import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from '../../../functions/api/middleware.ts';
import { translatePgError } from '../../../shared/adapters/pg/errors.ts';
import { ApiError } from '../../../shared/api/errors.ts';

const secret = 'secret internals: host db.internal password=hunter2';

/** A server error (SQLSTATE) or a socket error (errno code), as node-postgres raises them. */
const withCode = (code: string, message = secret) => {
  if (/^[0-9A-Z]{5}$/.test(code)) return Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });
  return Object.assign(new Error(message), { code });
};

/** What the handler sees: the error as the pg adapter that met it hands it on. */
const fromAdapter = (error: unknown) => toErrorResponse(translatePgError(error));

describe('error mapping (DESIGN.md section 7)', () => {
  it('keeps API errors as they are', () => {
    const res = toErrorResponse(new ApiError(409, 'idempotency_key_reused', 'reused', [{ path: ['x'] }]));
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body!)).toEqual({
      error: { code: 'idempotency_key_reused', message: 'reused', details: [{ path: ['x'] }] },
    });
  });

  it.each([
    ['22P02', 400],
    ['22007', 400],
    ['23505', 409],
    ['ECONNREFUSED', 503],
    ['08006', 503],
    ['57P01', 503],
    ['57014', 503],
    ['XX000', 500],
  ])('maps %s to %i without leaking the internal message', (code, status) => {
    const res = fromAdapter(withCode(code));
    expect(res.statusCode).toBe(status);
    expect(res.body).not.toContain('hunter2');
    expect(JSON.parse(res.body!).error.code).toEqual(expect.any(String));
  });

  it('treats a pool connect timeout as unavailable', () => {
    expect(fromAdapter(new Error('timeout exceeded when trying to connect')).statusCode).toBe(503);
    expect(fromAdapter('not even an error').statusCode).toBe(500);
  });

  it('reads no SQLSTATE itself: an untranslated driver error is internal', () => {
    expect(toErrorResponse(withCode('23505')).statusCode).toBe(500);
    expect(toErrorResponse(withCode('ECONNREFUSED')).statusCode).toBe(500);
  });

  it('passes application errors through translation untouched, whatever their code', () => {
    const apiError = new ApiError(400, '22_looks_like_sqlstate', 'no');
    expect(translatePgError(apiError)).toBe(apiError);
  });
});
