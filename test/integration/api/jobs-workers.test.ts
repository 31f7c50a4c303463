import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, startApiStack } from './harness.ts';

let stack: ApiStack;
let alice: string;
let bob: string;
let worker: string;
let otherWorker: string;
let admin: string;

beforeAll(async () => {
  stack = await startApiStack();
  [alice, bob, worker, otherWorker, admin] = await Promise.all([
    stack.token('alice', 'trader'),
    stack.token('bob', 'trader'),
    stack.token('worker-1', 'worker'),
    stack.token('worker-2', 'worker'),
    stack.token('root', 'admin'),
  ]);
  for (const scope of ['automate_sportsbook', 'store_session']) {
    const res = await stack.call('POST', '/v1/consents', {
      token: alice,
      body: { scope, sportsbook: 'draftkings', textVersion: 'v1' },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => stack?.stop());

const checkOdds = { type: 'check_odds', payload: { sportsbook: 'draftkings', eventUrl: 'https://book.test/e/1' } };

async function submit(token: string, key: string, body: unknown) {
  return stack.call('POST', '/v1/jobs', { token, body, headers: { 'idempotency-key': key } });
}

async function drainJobMessages(expected: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  const deadline = Date.now() + 10_000;
  while (seen.length < expected && Date.now() < deadline) seen.push(...(await stack.receiveJobMessages()));
  return seen;
}

describe('jobs', () => {
  it('accepts a job once per Idempotency-Key, enqueues it, replays the first response and rejects a new body', async () => {
    const first = await submit(alice, 'key-1', checkOdds);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ type: 'check_odds', status: 'queued', priority: 5 });
    const job = first.body as { id: string };

    const again = await submit(alice, 'key-1', { ...checkOdds, priority: 5 });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const different = await submit(alice, 'key-1', { ...checkOdds, priority: 9 });
    expect(different.status).toBe(409);
    expect(different.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });

    const messages = await drainJobMessages(1);
    expect(messages).toEqual([
      { type: 'browser_job', v: 1, jobId: job.id, userId: 'alice', job: { ...checkOdds, priority: 5 } },
    ]);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM jobs WHERE user_id = 'alice'`);
    expect(rows[0].n).toBe(1);
  });

  it('accepts one job when the same key arrives concurrently', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, () => submit(alice, 'race-1', checkOdds)));
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(202));
    const jobIds = new Set(responses.map((r) => (r.body as { id: string }).id));
    expect(jobIds.size).toBe(1);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM jobs WHERE idempotency_key = 'race-1'`);
    expect(rows[0].n).toBe(1);
    const messages = (await drainJobMessages(1)) as { jobId: string }[];
    expect(messages.map((m) => m.jobId)).toEqual([...jobIds]);
  });

  it('gates jobs on consent and on a usable session of the same user', async () => {
    const noConsent = await submit(bob, 'b-1', checkOdds);
    expect(noConsent.status).toBe(403);
    expect(noConsent.body).toMatchObject({ error: { code: 'consent_required' } });

    const consents = await stack.call('GET', '/v1/consents?status=active', { token: alice });
    const store = (consents.body as { items: { id: string; scope: string }[] }).items.find(
      (c) => c.scope === 'store_session',
    )!;
    const session = await stack.call('POST', '/v1/sessions', {
      token: alice,
      body: { sportsbook: 'draftkings', consentId: store.id, sessionData: { cookies: [] } },
    });
    const sessionId = (session.body as { id: string }).id;
    const bet = {
      type: 'place_bet',
      payload: {
        sportsbook: 'draftkings',
        sessionId,
        eventUrl: 'https://book.test/e/1',
        selection: 'BOS ML',
        stakeMicros: 10_000_000,
        minAmericanOdds: -150,
      },
      priority: 8,
    };
    const queued = await submit(alice, 'bet-1', bet);
    expect(queued.status).toBe(202);
    expect(await drainJobMessages(1)).toHaveLength(1);

    expect((await stack.call('DELETE', `/v1/consents/${store.id}`, { token: alice })).status).toBe(200);
    // The bet queued on that consent is cancelled with it: a worker that picks the message up finds it cancelled.
    const jobId = (queued.body as { id: string }).id;
    const job = await stack.call('GET', `/v1/jobs/${jobId}`, { token: alice });
    expect(job.body).toMatchObject({ id: jobId, status: 'cancelled' });
    const afterRevoke = await submit(alice, 'bet-2', bet);
    expect(afterRevoke.status).toBe(409);
    expect(afterRevoke.body).toMatchObject({ error: { code: 'session_not_active' } });
  });

  it('reads, lists with filters and cancels only the caller’s jobs', async () => {
    // Jobs of its own: withdrawing a consent above cancelled the ones queued before.
    for (const key of ['list-1', 'list-2']) expect((await submit(alice, key, checkOdds)).status).toBe(202);
    const list = await stack.call('GET', '/v1/jobs?status=queued&limit=1', { token: alice });
    expect(list.status).toBe(200);
    const page = list.body as { items: { id: string }[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const id = page.items[0]!.id;

    expect((await stack.call('GET', `/v1/jobs/${id}`, { token: bob })).status).toBe(404);
    expect((await stack.call('POST', `/v1/jobs/${id}/cancel`, { token: bob })).status).toBe(404);
    const cancelled = await stack.call('POST', `/v1/jobs/${id}/cancel`, { token: alice });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled' });
    const twice = await stack.call('POST', `/v1/jobs/${id}/cancel`, { token: alice });
    expect(twice.status).toBe(409);
    const cancelledList = (await stack.call('GET', '/v1/jobs?status=cancelled', { token: alice })).body as {
      items: { id: string; status: string }[];
    };
    expect(cancelledList.items.map((j) => j.id)).toContain(id);
    expect(cancelledList.items.every((j) => j.status === 'cancelled')).toBe(true);
  });
});

describe('workers', () => {
  const register = (token: string, body: unknown) => stack.call('POST', '/v1/workers/register', { token, body });
  const beat = (token: string, id: string, body: unknown) =>
    stack.call('POST', `/v1/workers/${id}/heartbeat`, { token, body });
  const heartbeatAudits = async (id: string) =>
    (
      await stack.pool.query<{ details: unknown }>(
        `SELECT details FROM audit_logs WHERE action = 'worker.heartbeat' AND resource_id = $1 ORDER BY id`,
        [id],
      )
    ).rows.map((r) => r.details);
  const insertJob = async (status: string, workerId: string | null) =>
    (
      await stack.pool.query<{ id: string }>(
        `INSERT INTO jobs (user_id, type, payload, status, worker_id) VALUES ('alice', 'check_odds', '{}', $1, $2)
         RETURNING id`,
        [status, workerId],
      )
    ).rows[0]!.id;

  it('registers, beats, and reads as offline once the heartbeat is older than its timeout', async () => {
    expect((await register(alice, { capabilities: ['check_odds'] })).status).toBe(403);
    const registered = await register(worker, { capabilities: ['check_odds'], heartbeatTimeoutMs: 5_000 });
    expect(registered.status).toBe(201);
    const id = (registered.body as { id: string }).id;
    expect(registered.body).toMatchObject({ name: 'worker-1', status: 'idle', heartbeatTimeoutMs: 5_000 });

    const busy = await beat(worker, id, { status: 'busy' });
    expect(busy.status).toBe(200);
    expect(busy.body).toMatchObject({ status: 'busy' });
    expect((await beat(otherWorker, id, {})).status).toBe(404);

    await stack.pool.query(`UPDATE workers SET last_heartbeat_at = now() - interval '6 seconds' WHERE id = $1`, [id]);
    const stale = await stack.call('GET', `/v1/workers/${id}`, { token: admin });
    expect(stale.body).toMatchObject({ id, status: 'offline' });
    const offline = await stack.call('GET', '/v1/workers?status=offline', { token: admin });
    expect((offline.body as { items: { id: string }[] }).items.map((w) => w.id)).toEqual([id]);
    expect((await stack.call('GET', '/v1/workers', { token: alice })).status).toBe(403);
  });

  it("takes its name from the token: no identity registers another's, and the owner takes back a squatted name", async () => {
    expect((await register(otherWorker, { name: 'worker-3', capabilities: ['check_odds'] })).status).toBe(400);
    const mine = await register(otherWorker, { capabilities: ['check_odds'] });
    expect(mine.body).toMatchObject({ name: 'worker-2' });

    // A row named for worker-3 that someone else made (before names came from tokens).
    const squatted = await stack.pool.query<{ id: string }>(
      `INSERT INTO workers (name, capabilities, registered_by, last_heartbeat_at)
       VALUES ('worker-3', '{check_odds}', 'worker-2', now()) RETURNING id`,
    );
    const squattedId = squatted.rows[0]!.id;
    const owner = await stack.token('worker-3', 'worker');
    const taken = await register(owner, { capabilities: ['place_bet'] });
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({ id: squattedId, name: 'worker-3', capabilities: ['place_bet'] });
    expect((await beat(otherWorker, squattedId, {})).status).toBe(404);
    expect((await beat(owner, squattedId, {})).status).toBe(200);
  });

  it('names in a heartbeat only a job the worker holds, and audits a beat only when it changes the report', async () => {
    const holderToken = await stack.token('worker-4', 'worker');
    const holder = ((await register(holderToken, { capabilities: ['check_odds'] })).body as { id: string }).id;
    const otherId = ((await register(otherWorker, { capabilities: ['check_odds'] })).body as { id: string }).id;
    const queued = await insertJob('queued', null);
    const held = await insertJob('running', holder);
    const heldByOther = await insertJob('running', otherId);
    const finished = await insertJob('succeeded', holder);
    const auditsBefore = await heartbeatAudits(holder);

    for (const jobId of [queued, heldByOther, finished, '00000000-0000-4000-8000-000000000000']) {
      const refused = await beat(holderToken, holder, { status: 'busy', currentJobId: jobId });
      expect(refused.status, `job ${jobId}`).toBe(409);
      expect(refused.body).toMatchObject({ error: { code: 'job_not_held' } });
    }
    const { rows } = await stack.pool.query('SELECT status, current_job_id FROM workers WHERE id = $1', [holder]);
    expect(rows).toEqual([{ status: 'idle', current_job_id: null }]);
    expect(await heartbeatAudits(holder)).toEqual(auditsBefore);

    for (const currentJobId of [held, held, held.toUpperCase()]) {
      const ok = await beat(holderToken, holder, { status: 'busy', currentJobId });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'busy', currentJobId: held });
    }
    for (let i = 0; i < 2; i++) expect((await beat(holderToken, holder, {})).status).toBe(200);
    expect(await heartbeatAudits(holder)).toEqual([
      ...auditsBefore,
      { status: 'busy', currentJobId: held },
      { status: 'idle', currentJobId: null },
    ]);
  });
});

describe('kill switch', () => {
  it('is admin-only, writes the kill_switch row the evaluator reads, and is audited', async () => {
    expect((await stack.call('GET', '/v1/kill-switch', { token: alice })).status).toBe(403);
    const put = await stack.call('PUT', '/v1/kill-switch', {
      token: admin,
      body: { engaged: true, reason: 'venue outage' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ engaged: true, reason: 'venue outage', updatedBy: 'root' });
    const { rows } = await stack.pool.query('SELECT engaged, reason, updated_by FROM kill_switch');
    expect(rows).toEqual([{ engaged: true, reason: 'venue outage', updated_by: 'root' }]);
    expect((await stack.call('GET', '/v1/kill-switch', { token: admin })).body).toMatchObject({ engaged: true });
    const audit = await stack.pool.query(
      `SELECT actor, request_id FROM audit_logs WHERE action = 'kill_switch.engage'`,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].actor).toBe('root');
  });
});
