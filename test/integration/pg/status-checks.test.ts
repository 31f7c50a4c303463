import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobStatus } from '#domain/status/jobs';
import { sessionStatus } from '#domain/status/sessions';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ max: 2 });
});
afterAll(() => db?.drop());

/** The quoted names inside a column's `status IN (...)` CHECK, as the migrations left it. */
async function checkedStatuses(table: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status = ANY%'`,
    [table],
  );
  expect(rows).toHaveLength(1);
  return [...(rows[0]?.def ?? '').matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1] ?? '').sort();
}

describe('status tables and the database CHECKs', () => {
  it('name the same job statuses', async () => {
    expect(await checkedStatuses('jobs')).toEqual([...jobStatus.statuses].sort());
  });
  it('name the same session statuses', async () => {
    expect(await checkedStatuses('sportsbook_sessions')).toEqual([...sessionStatus.statuses].sort());
  });
});
