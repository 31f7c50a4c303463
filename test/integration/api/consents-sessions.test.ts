import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open } from '../../../shared/adapters/crypto/session-cipher.ts';
import { type ApiStack, startApiStack } from './harness.ts';

let stack: ApiStack;
let alice: string;
let bob: string;
let viewer: string;

beforeAll(async () => {
  stack = await startApiStack();
  [alice, bob, viewer] = await Promise.all([
    stack.token('alice', 'trader'),
    stack.token('bob', 'trader'),
    stack.token('vera', 'viewer'),
  ]);
});
afterAll(() => stack?.stop());

const sessionData = { cookies: [{ name: 'sid', value: 'super-secret-cookie-value-42' }], origin: 'https://book.test' };

async function grant(token: string, scope: string, sportsbook = 'draftkings') {
  const res = await stack.call('POST', '/v1/consents', { token, body: { scope, sportsbook, textVersion: 'v1' } });
  expect(res.status).toBe(201);
  return res.body as { id: string; status: string };
}

describe('consents', () => {
  it('creates, lists (own records only, paginated) and revokes', async () => {
    const first = await grant(alice, 'store_session');
    const second = await grant(alice, 'automate_sportsbook');
    await grant(bob, 'store_session');
    expect(first.status).toBe('active');

    const pageOne = await stack.call('GET', '/v1/consents?limit=1', { token: alice });
    expect(pageOne.status).toBe(200);
    const p1 = pageOne.body as { items: { id: string }[]; nextCursor: string };
    expect(p1.items.map((c) => c.id)).toEqual([first.id]);
    const pageTwo = await stack.call('GET', `/v1/consents?limit=1&cursor=${p1.nextCursor}`, { token: alice });
    const p2 = pageTwo.body as { items: { id: string }[]; nextCursor: string | null };
    expect(p2.items.map((c) => c.id)).toEqual([second.id]);
    expect(p2.nextCursor).toBeNull();

    expect((await stack.call('DELETE', `/v1/consents/${first.id}`, { token: bob })).status).toBe(404);
    const revoked = await stack.call('DELETE', `/v1/consents/${second.id}`, { token: alice });
    expect(revoked.status).toBe(200);
    expect((revoked.body as { status: string }).status).toBe('revoked');
    const active = await stack.call('GET', '/v1/consents?status=active', { token: alice });
    expect((active.body as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([first.id]);
  });

  it('needs a token and at least the trader role', async () => {
    expect((await stack.call('GET', '/v1/consents')).status).toBe(401);
    expect((await stack.call('GET', '/v1/consents', { token: 'not-a-jwt' })).status).toBe(401);
    const res = await stack.call('GET', '/v1/consents', { token: viewer });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
  });
});

describe('sessions', () => {
  it('requires an active store_session consent for the same sportsbook', async () => {
    const automate = await grant(alice, 'automate_sportsbook', 'fanduel');
    const store = await grant(alice, 'store_session', 'fanduel');
    const bobs = await grant(bob, 'store_session', 'fanduel');
    const attempts = [
      { consentId: automate.id, sportsbook: 'fanduel' },
      { consentId: store.id, sportsbook: 'betmgm' },
      { consentId: bobs.id, sportsbook: 'fanduel' },
    ];
    for (const attempt of attempts) {
      const res = await stack.call('POST', '/v1/sessions', { token: alice, body: { ...attempt, sessionData } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'consent_required' } });
    }
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM sportsbook_sessions');
    expect(rows[0].n).toBe(0);
  });

  it('stores session data encrypted, returns metadata only, and hides it from other users', async () => {
    const consent = await grant(alice, 'store_session', 'caesars');
    const created = await stack.call('POST', '/v1/sessions', {
      token: alice,
      body: { sportsbook: 'caesars', consentId: consent.id, sessionData },
    });
    expect(created.status).toBe(201);
    const session = created.body as Record<string, unknown>;
    expect(session).toMatchObject({ sportsbook: 'caesars', consentId: consent.id, status: 'active' });
    expect(JSON.stringify(created.body)).not.toContain('super-secret');
    expect(session).not.toHaveProperty('sessionData');

    const { rows } = await stack.pool.query<{ ciphertext: Buffer; nonce: Buffer; auth_tag: Buffer }>(
      'SELECT ciphertext, nonce, auth_tag FROM sportsbook_sessions WHERE id = $1',
      [session.id],
    );
    const stored = rows[0]!;
    expect(stored.ciphertext.length).toBeGreaterThan(0);
    expect(stored.nonce.length).toBe(12);
    expect(stored.auth_tag.length).toBe(16);
    const box = { ciphertext: stored.ciphertext, iv: stored.nonce, authTag: stored.auth_tag };
    const key = await stack.sessionKey();
    const aad = `sportsbook_session:${session.id}:alice`;
    expect(JSON.parse(open(key, box, aad).toString('utf8'))).toEqual(sessionData);
    expect(() => open(key, box, `sportsbook_session:${session.id}:bob`)).toThrow();
    const everything = Buffer.concat([stored.ciphertext, stored.nonce, stored.auth_tag]);
    expect(everything.includes(Buffer.from('super-secret-cookie-value-42'))).toBe(false);
    expect(everything.includes(Buffer.from('cookies'))).toBe(false);
    const audit = await stack.pool.query('SELECT details::text AS d FROM audit_logs WHERE resource_id = $1', [
      session.id,
    ]);
    expect(audit.rows.map((r) => r.d).join()).not.toContain('super-secret');

    expect((await stack.call('GET', `/v1/sessions/${session.id}`, { token: alice })).status).toBe(200);
    expect((await stack.call('GET', `/v1/sessions/${session.id}`, { token: bob })).status).toBe(404);
    expect(
      (await stack.call('PATCH', `/v1/sessions/${session.id}`, { token: bob, body: { sessionData: {} } })).status,
    ).toBe(404);
    expect((await stack.call('DELETE', `/v1/sessions/${session.id}`, { token: bob })).status).toBe(404);
    const bobsList = await stack.call('GET', '/v1/sessions', { token: bob });
    expect((bobsList.body as { items: unknown[] }).items).toEqual([]);

    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const patched = await stack.call('PATCH', `/v1/sessions/${session.id}`, {
      token: alice,
      body: { sessionData: { cookies: [] }, expiresAt },
    });
    expect(patched.status).toBe(200);
    expect((patched.body as { expiresAt: string }).expiresAt).toBe(expiresAt);
    const after = await stack.pool.query<{ ciphertext: Buffer }>(
      'SELECT ciphertext FROM sportsbook_sessions WHERE id = $1',
      [session.id],
    );
    expect(after.rows[0]!.ciphertext.equals(stored.ciphertext)).toBe(false);

    expect((await stack.call('DELETE', `/v1/sessions/${session.id}`, { token: alice })).status).toBe(204);
    expect((await stack.call('GET', `/v1/sessions/${session.id}`, { token: alice })).status).toBe(404);
  });

  it('revoking the consent revokes every session that relied on it', async () => {
    const consent = await grant(alice, 'store_session', 'betrivers');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await stack.call('POST', '/v1/sessions', {
        token: alice,
        body: { sportsbook: 'betrivers', consentId: consent.id, sessionData: { n: i } },
      });
      ids.push((res.body as { id: string }).id);
    }
    expect((await stack.call('DELETE', `/v1/consents/${consent.id}`, { token: alice })).status).toBe(200);
    for (const id of ids) {
      const res = await stack.call('GET', `/v1/sessions/${id}`, { token: alice });
      expect((res.body as { status: string }).status).toBe('revoked');
      const patch = await stack.call('PATCH', `/v1/sessions/${id}`, { token: alice, body: { sessionData: {} } });
      expect(patch.status).toBe(409);
    }
    const audit = await stack.pool.query<{ details: { revokedSessionIds: string[] } }>(
      `SELECT details FROM audit_logs WHERE action = 'consent.revoke' AND resource_id = $1`,
      [consent.id],
    );
    expect(audit.rows[0]!.details.revokedSessionIds.sort()).toEqual([...ids].sort());
  });

  it('audits every write with actor and request id', async () => {
    const { rows } = await stack.pool.query<{ actor: string; action: string; request_id: string }>(
      `SELECT actor, action, request_id FROM audit_logs WHERE actor = 'alice' ORDER BY id`,
    );
    const actions = rows.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['consent.grant', 'consent.revoke', 'session.store', 'session.update', 'session.delete']),
    );
    for (const row of rows) expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
