import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBankrollChange } from '#adapters/pg/bankroll';
import { type ApiStack, startApiStack, writeCounts } from './harness.ts';

/**
 * GET /v1/bankroll/history over the audit trail the bankroll's trigger writes: the server reads it as the API's own
 * database role (the harness hands the server `rolePool('api')`), so the route works only with migration 0720's grant.
 */
let stack: ApiStack;
let viewer: string;

interface HistoryItem {
  account: string;
  mode: string;
  balanceMicros: number;
  deltaMicros: number;
  version: number;
  reason: string;
  ref: string | null;
  at: string;
}

/** The paper bankroll's audit rows as the database holds them, oldest first. */
async function auditRows(): Promise<HistoryItem[]> {
  const { rows } = await stack.pool.query<{
    balance: number;
    delta: number;
    version: number;
    reason: string;
    ref: string | null;
    at: Date;
  }>(
    `SELECT new_balance_micros AS balance, delta_micros AS delta, new_version AS version, reason, ref, at
     FROM bankroll_audit WHERE account = 'default' AND mode = 'paper' ORDER BY id`,
  );
  return rows.map((r) => ({
    account: 'default',
    mode: 'paper',
    balanceMicros: r.balance,
    deltaMicros: r.delta,
    version: r.version,
    reason: r.reason,
    ref: r.ref,
    at: r.at.toISOString(),
  }));
}

async function history(query: string): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
  const res = await stack.call('GET', `/v1/bankroll/history?${query}`, { token: viewer });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: HistoryItem[]; nextCursor: string | null };
}

beforeAll(async () => {
  stack = await startApiStack();
  viewer = await stack.token('vera', 'viewer');
  // The changes the pipeline makes: a deposit, stakes and fees debited, a settlement credited.
  const changes: Array<[number, string, string]> = [
    [1_000_000_000, 'deposit', 'dep-1'],
    [-5_300_000, 'stake', 'order-1'],
    [-70_000, 'fee', 'order-1'],
    [-2_100_000, 'stake', 'order-2'],
    [10_000_000, 'settlement', 'pos-1'],
  ];
  for (const [deltaMicros, reason, ref] of changes) {
    await applyBankrollChange(stack.pool, { mode: 'paper', deltaMicros, reason, ref });
  }
  await applyBankrollChange(stack.pool, { mode: 'live', deltaMicros: 7_000_000, reason: 'deposit', ref: 'dep-live' });
  // One change a second, so `since` has exact instants to cut at.
  await stack.pool.query(
    `UPDATE bankroll_audit a SET at = '2026-11-20T01:00:00Z'::timestamptz + n.rank * interval '1 second'
     FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rank FROM bankroll_audit) n WHERE n.id = a.id`,
  );
});
afterAll(() => stack?.stop());

describe('GET /v1/bankroll/history', () => {
  it('returns every audit row of the mode, oldest first, with the balance after each change', async () => {
    const expected = await auditRows();
    expect(expected.map((r) => r.reason)).toEqual(['opening', 'deposit', 'stake', 'fee', 'stake', 'settlement']);
    const { items, nextCursor } = await history('mode=paper');
    expect(items).toEqual(expected);
    expect(nextCursor).toBeNull();
    expect(items.at(-1)?.balanceMicros).toBe(1_000_000_000 - 5_300_000 - 70_000 - 2_100_000 + 10_000_000);
    expect((await history('mode=live')).items.map((i) => [i.reason, i.balanceMicros])).toEqual([
      ['opening', 0],
      ['deposit', 7_000_000],
    ]);
  });

  it('pages with limit and cursor, and loses or repeats nothing', async () => {
    const seen: HistoryItem[] = [];
    let query = 'mode=paper&limit=2';
    let pages = 0;
    for (;;) {
      const page = await history(query);
      seen.push(...page.items);
      pages += 1;
      if (!page.nextCursor) break;
      query = `mode=paper&limit=2&cursor=${page.nextCursor}`;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(await auditRows());
  });

  it('takes since as an ISO instant or as epoch milliseconds, inclusive', async () => {
    const all = await auditRows();
    const cut = all[3]!.at;
    expect((await history(`mode=paper&since=${encodeURIComponent(cut)}`)).items).toEqual(all.slice(3));
    expect((await history(`mode=paper&since=${Date.parse(cut)}`)).items).toEqual(all.slice(3));
    expect((await history(`mode=paper&since=${Date.parse(cut) + 1}`)).items).toEqual(all.slice(4));
    expect((await history('mode=paper&since=2099-01-01T00:00:00Z')).items).toEqual([]);
  });

  it('refuses bad input with a 400 and writes nothing', async () => {
    const before = await writeCounts(stack.pool);
    const audit = await auditRows();
    for (const query of [
      '',
      'mode=real',
      'mode=paper&since=yesterday',
      'mode=paper&since=-5',
      'mode=paper&since=1.5',
      'mode=paper&since=2026-11-20T01:00:00',
      'mode=paper&limit=0',
      'mode=paper&limit=201',
      'mode=paper&cursor=not-a-cursor',
      'mode=paper&balance=1',
    ]) {
      const res = await stack.call('GET', `/v1/bankroll/history?${query}`, { token: viewer });
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect((await stack.call('GET', '/v1/bankroll/history?mode=paper')).status).toBe(401);
    expect(await writeCounts(stack.pool)).toEqual(before);
    expect(await auditRows()).toEqual(audit);
  });
});
