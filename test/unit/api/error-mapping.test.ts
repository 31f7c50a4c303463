import { describe, expect, it } from 'vitest';
import { toErrorResponse } from '../../../functions/api/middleware.ts';
import { ApiError } from '../../../shared/services/api/errors.ts';

const withCode = (code: string, message = 'secret internals: host db.internal password=hunter2') =>
  Object.assign(new Error(message), { code });

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
    const res = toErrorResponse(withCode(code));
    expect(res.statusCode).toBe(status);
    expect(res.body).not.toContain('hunter2');
    expect(JSON.parse(res.body!).error.code).toEqual(expect.any(String));
  });

  it('treats a pool connect timeout as unavailable', () => {
    expect(toErrorResponse(new Error('timeout exceeded when trying to connect')).statusCode).toBe(503);
    expect(toErrorResponse('not even an error').statusCode).toBe(500);
  });
});
