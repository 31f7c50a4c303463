import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, page } from '../../../shared/api/cursor.ts';
import { ApiError } from '../../../shared/api/errors.ts';
import { requestHash } from '../../../shared/api/request-hash.ts';

describe('cursors', () => {
  it('round-trip and reject anything that is not one of ours', () => {
    const cursor = { k: '2026-11-23 11:00:00.123456+00', id: '3f1c7a52-9d7e-4c1b-a3c8-2f0d8e6b9a11' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(undefined)).toBeUndefined();
    for (const bad of ['%%', 'e30', Buffer.from('{"k":1,"id":"x"}').toString('base64url'), 'x'.repeat(600)]) {
      expect(() => decodeCursor(bad)).toThrow(ApiError);
    }
  });

  it('pages limit + 1 rows into a page and the cursor of its last row', () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const toKey = (r: { n: number }) => ({ k: String(r.n), id: `id${r.n}` });
    const more = page(rows, 2, (r) => r.n, toKey);
    expect(more.items).toEqual([1, 2]);
    expect(decodeCursor(more.nextCursor ?? undefined)).toEqual({ k: '2', id: 'id2' });
    expect(page(rows, 3, (r) => r.n, toKey).nextCursor).toBeNull();
  });
});

describe('request hash', () => {
  it('ignores key order at every depth and changes with any value', () => {
    expect(requestHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      requestHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
    const normal = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        // isDeepStrictEqual ignores key order, as the hash must
        expect(requestHash(a) === requestHash(b)).toBe(isDeepStrictEqual(normal(a), normal(b)));
      }),
    );
    expect(requestHash({ priority: 5 })).not.toBe(requestHash({ priority: 6 }));
  });
});
