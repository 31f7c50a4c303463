import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createConsentBodySchema } from '../../../shared/contracts/api/consents.ts';
import { createJobBodySchema } from '../../../shared/contracts/api/jobs.ts';
import { putKillSwitchBodySchema } from '../../../shared/contracts/api/kill-switch.ts';
import { createSessionBodySchema, updateSessionBodySchema } from '../../../shared/contracts/api/sessions.ts';
import { heartbeatBodySchema, registerWorkerBodySchema } from '../../../shared/contracts/api/workers.ts';
import { type ApiStack, startApiStack, writeCounts } from './harness.ts';

let stack: ApiStack;
const tokens: Record<string, string> = {};
let consentId: string;
let sessionId: string;
let workerId: string;

const uuid = '3f1c7a52-9d7e-4c1b-a3c8-2f0d8e6b9a11';
const forgedCursor = Buffer.from(JSON.stringify({ k: 'not-a-time', id: 'nope' })).toString('base64url');
const huge = `{"scope":"store_session","sportsbook":"draftkings","textVersion":"${'x'.repeat(256 * 1024)}"}`;

beforeAll(async () => {
  stack = await startApiStack();
  for (const role of ['viewer', 'trader', 'admin', 'worker']) tokens[role] = await stack.token(`u-${role}`, role);
  const consent = await stack.call('POST', '/v1/consents', {
    token: tokens.trader,
    body: { scope: 'store_session', sportsbook: 'draftkings', textVersion: 'v1' },
  });
  consentId = (consent.body as { id: string }).id;
  const session = await stack.call('POST', '/v1/sessions', {
    token: tokens.trader,
    body: { sportsbook: 'draftkings', consentId, sessionData: { a: 1 } },
  });
  sessionId = (session.body as { id: string }).id;
  const worker = await stack.call('POST', '/v1/workers/register', {
    token: tokens.worker,
    body: { capabilities: ['check_odds'] },
  });
  workerId = (worker.body as { id: string }).id;
});
afterAll(() => stack?.stop());

interface BadRequest {
  method: string;
  path: () => string;
  role?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
}

const job = { type: 'check_odds', payload: { sportsbook: 'draftkings', eventUrl: 'https://b.test/e' } };
const key = { 'idempotency-key': 'k-1' };
const validSession = () => ({ sportsbook: 'draftkings', consentId, sessionData: {} });

const table: Record<string, BadRequest[]> = {
  'POST /v1/consents': [
    { method: 'POST', path: () => '/v1/consents', raw: '{"scope":', status: 400 },
    { method: 'POST', path: () => '/v1/consents', raw: '', status: 400 },
    { method: 'POST', path: () => '/v1/consents', body: [], status: 400 },
    { method: 'POST', path: () => '/v1/consents', body: null, status: 400 },
    { method: 'POST', path: () => '/v1/consents', body: { scope: 1, sportsbook: 'x', textVersion: 'v' }, status: 400 },
    {
      method: 'POST',
      path: () => '/v1/consents',
      body: { scope: 'store_session', sportsbook: 'Bad Book!', textVersion: 'v' },
      status: 400,
    },
    {
      method: 'POST',
      path: () => '/v1/consents',
      body: { scope: 'store_session', sportsbook: 'dk', textVersion: 'v', extra: 1 },
      status: 400,
    },
    { method: 'POST', path: () => '/v1/consents', raw: huge, status: 413 },
    {
      method: 'POST',
      path: () => '/v1/consents',
      role: 'viewer',
      body: { scope: 'store_session', sportsbook: 'dk', textVersion: 'v' },
      status: 403,
    },
    {
      method: 'POST',
      path: () => '/v1/consents',
      role: 'none',
      body: { scope: 'store_session', sportsbook: 'dk', textVersion: 'v' },
      status: 401,
    },
  ],
  'GET /v1/consents': [
    { method: 'GET', path: () => '/v1/consents?limit=0', status: 400 },
    { method: 'GET', path: () => '/v1/consents?limit=201', status: 400 },
    { method: 'GET', path: () => '/v1/consents?limit=abc', status: 400 },
    { method: 'GET', path: () => '/v1/consents?cursor=%%%', status: 400 },
    { method: 'GET', path: () => `/v1/consents?cursor=${forgedCursor}`, status: 400 },
    { method: 'GET', path: () => '/v1/consents?status=maybe', status: 400 },
    { method: 'GET', path: () => '/v1/consents?colour=blue', status: 400 },
  ],
  'DELETE /v1/consents/{id}': [
    { method: 'DELETE', path: () => '/v1/consents/not-a-uuid', status: 400 },
    { method: 'DELETE', path: () => `/v1/consents/${uuid}`, status: 404 },
  ],
  'POST /v1/sessions': [
    { method: 'POST', path: () => '/v1/sessions', raw: '{', status: 400 },
    { method: 'POST', path: () => '/v1/sessions', body: { ...validSession(), consentId: 'x' }, status: 400 },
    { method: 'POST', path: () => '/v1/sessions', body: { ...validSession(), sessionData: null }, status: 400 },
    {
      method: 'POST',
      path: () => '/v1/sessions',
      body: { ...validSession(), sessionData: 'x'.repeat(65 * 1024) },
      status: 400,
    },
    {
      method: 'POST',
      path: () => '/v1/sessions',
      body: { ...validSession(), expiresAt: '2001-01-01T00:00:00Z' },
      status: 400,
    },
    { method: 'POST', path: () => '/v1/sessions', body: { ...validSession(), expiresAt: 'tomorrow' }, status: 400 },
    { method: 'POST', path: () => '/v1/sessions', body: { ...validSession(), owner: 'bob' }, status: 400 },
    { method: 'POST', path: () => '/v1/sessions', body: { ...validSession(), consentId: uuid }, status: 403 },
  ],
  'GET /v1/sessions': [
    { method: 'GET', path: () => '/v1/sessions?limit=-1', status: 400 },
    { method: 'GET', path: () => '/v1/sessions?status=gone', status: 400 },
    { method: 'GET', path: () => '/v1/sessions/123', status: 400 },
    { method: 'GET', path: () => `/v1/sessions/${uuid}`, status: 404 },
  ],
  'PATCH/DELETE /v1/sessions/{id}': [
    { method: 'PATCH', path: () => `/v1/sessions/${sessionId}`, body: {}, status: 400 },
    { method: 'PATCH', path: () => `/v1/sessions/${sessionId}`, body: { sportsbook: 'other' }, status: 400 },
    { method: 'PATCH', path: () => `/v1/sessions/${sessionId}`, raw: 'nope', status: 400 },
    { method: 'PATCH', path: () => '/v1/sessions/zzz', body: { sessionData: {} }, status: 400 },
    { method: 'DELETE', path: () => '/v1/sessions/zzz', status: 400 },
    { method: 'DELETE', path: () => `/v1/sessions/${uuid}`, status: 404 },
  ],
  'POST /v1/jobs': [
    { method: 'POST', path: () => '/v1/jobs', body: job, status: 400 },
    { method: 'POST', path: () => '/v1/jobs', body: job, headers: { 'idempotency-key': 'has space' }, status: 400 },
    { method: 'POST', path: () => '/v1/jobs', body: { ...job, type: 'withdraw' }, headers: key, status: 400 },
    { method: 'POST', path: () => '/v1/jobs', body: { ...job, priority: 0 }, headers: key, status: 400 },
    { method: 'POST', path: () => '/v1/jobs', body: { ...job, priority: 11 }, headers: key, status: 400 },
    { method: 'POST', path: () => '/v1/jobs', body: { ...job, priority: 1.5 }, headers: key, status: 400 },
    {
      method: 'POST',
      path: () => '/v1/jobs',
      body: { ...job, payload: { ...job.payload, eventUrl: 'http://b.test' } },
      headers: key,
      status: 400,
    },
    {
      method: 'POST',
      path: () => '/v1/jobs',
      body: { ...job, payload: { ...job.payload, stakeMicros: 5 } },
      headers: key,
      status: 400,
    },
    {
      method: 'POST',
      path: () => '/v1/jobs',
      body: { type: 'place_bet', payload: job.payload },
      headers: key,
      status: 400,
    },
    { method: 'POST', path: () => '/v1/jobs', raw: '[1,2', headers: key, status: 400 },
    { method: 'POST', path: () => '/v1/jobs', body: job, headers: key, status: 403 },
  ],
  'GET /v1/jobs': [
    { method: 'GET', path: () => '/v1/jobs?status=done', status: 400 },
    { method: 'GET', path: () => '/v1/jobs?limit=1000', status: 400 },
    { method: 'GET', path: () => '/v1/jobs/1', status: 400 },
    { method: 'GET', path: () => `/v1/jobs/${uuid}`, status: 404 },
    { method: 'POST', path: () => '/v1/jobs/1/cancel', status: 400 },
    { method: 'POST', path: () => `/v1/jobs/${uuid}/cancel`, status: 404 },
  ],
  workers: [
    {
      method: 'POST',
      path: () => '/v1/workers/register',
      role: 'worker',
      body: { capabilities: [] },
      status: 400,
    },
    {
      method: 'POST',
      path: () => '/v1/workers/register',
      role: 'worker',
      body: { name: 'someone-else', capabilities: ['check_odds'] },
      status: 400,
    },
    {
      method: 'POST',
      path: () => '/v1/workers/register',
      role: 'worker',
      body: { capabilities: ['check_odds'], heartbeatTimeoutMs: 1 },
      status: 400,
    },
    { method: 'POST', path: () => '/v1/workers/register', role: 'worker', raw: '{"name":', status: 400 },
    {
      method: 'POST',
      path: () => '/v1/workers/register',
      role: 'trader',
      body: { capabilities: ['check_odds'] },
      status: 403,
    },
    { method: 'POST', path: () => '/v1/workers/nope/heartbeat', role: 'worker', body: {}, status: 400 },
    {
      method: 'POST',
      path: () => `/v1/workers/${workerId}/heartbeat`,
      role: 'worker',
      body: { status: 'asleep' },
      status: 400,
    },
    { method: 'POST', path: () => `/v1/workers/${workerId}/heartbeat`, role: 'worker', body: { cpu: 1 }, status: 400 },
    { method: 'POST', path: () => `/v1/workers/${uuid}/heartbeat`, role: 'worker', body: {}, status: 404 },
    {
      method: 'POST',
      path: () => `/v1/workers/${workerId}/heartbeat`,
      role: 'worker',
      body: { status: 'busy', currentJobId: uuid },
      status: 409,
    },
    { method: 'GET', path: () => '/v1/workers?limit=0', role: 'admin', status: 400 },
    { method: 'GET', path: () => '/v1/workers/abc', role: 'admin', status: 400 },
  ],
  'trading reads': [
    { method: 'GET', path: () => '/v1/signals?limit=201', role: 'viewer', status: 400 },
    { method: 'GET', path: () => '/v1/signals?since=yesterday', role: 'viewer', status: 400 },
    { method: 'GET', path: () => `/v1/signals?cursor=${forgedCursor}`, role: 'viewer', status: 400 },
    { method: 'GET', path: () => '/v1/trades?marketId=abc', role: 'viewer', status: 400 },
    { method: 'GET', path: () => '/v1/positions?status=closed', role: 'viewer', status: 400 },
    { method: 'GET', path: () => '/v1/bankroll?mode=real', role: 'viewer', status: 400 },
    { method: 'GET', path: () => '/v1/games?from=1700000000', role: 'viewer', status: 400 },
    { method: 'GET', path: () => '/v1/markets?venue=nyse', role: 'viewer', status: 400 },
    { method: 'GET', path: () => '/v1/markets', role: 'worker', status: 403 },
    { method: 'GET', path: () => '/v1/markets', role: 'none', status: 401 },
  ],
  'kill switch': [
    { method: 'PUT', path: () => '/v1/kill-switch', role: 'admin', body: { engaged: 'yes', reason: 'r' }, status: 400 },
    { method: 'PUT', path: () => '/v1/kill-switch', role: 'admin', body: { engaged: true, reason: '  ' }, status: 400 },
    { method: 'PUT', path: () => '/v1/kill-switch', role: 'admin', body: { engaged: true }, status: 400 },
    { method: 'PUT', path: () => '/v1/kill-switch', role: 'admin', raw: 'true', status: 400 },
    { method: 'PUT', path: () => '/v1/kill-switch', role: 'trader', body: { engaged: true, reason: 'r' }, status: 403 },
  ],
  'unknown routes': [
    { method: 'GET', path: () => '/v1/nothing', status: 404 },
    { method: 'PUT', path: () => '/v1/consents', status: 404 },
  ],
};

async function send(req: BadRequest) {
  const role = req.role ?? 'trader';
  return stack.call(req.method, req.path(), {
    token: role === 'none' ? undefined : tokens[role],
    body: req.body,
    rawBody: req.raw,
    headers: req.raw === undefined ? req.headers : { 'content-type': 'application/json', ...req.headers },
  });
}

describe('bad input: a 4xx with the error shape, nothing written', () => {
  for (const [route, requests] of Object.entries(table)) {
    it(route, async () => {
      const before = await writeCounts(stack.pool);
      for (const req of requests) {
        const res = await send(req);
        expect({ req: `${req.method} ${req.path()}`, status: res.status }).toEqual({
          req: `${req.method} ${req.path()}`,
          status: req.status,
        });
        expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
      expect(await writeCounts(stack.pool)).toEqual(before);
    });
  }
});

describe('property: random bodies never produce a 5xx and never write', () => {
  const writeRoutes: { method: string; path: () => string; role: string; schema: z.ZodType; headers?: object }[] = [
    { method: 'POST', path: () => '/v1/consents', role: 'trader', schema: createConsentBodySchema },
    { method: 'POST', path: () => '/v1/sessions', role: 'trader', schema: createSessionBodySchema },
    { method: 'PATCH', path: () => `/v1/sessions/${sessionId}`, role: 'trader', schema: updateSessionBodySchema },
    {
      method: 'POST',
      path: () => '/v1/jobs',
      role: 'trader',
      schema: createJobBodySchema,
      headers: { 'idempotency-key': 'prop' },
    },
    { method: 'POST', path: () => '/v1/workers/register', role: 'worker', schema: registerWorkerBodySchema },
    { method: 'POST', path: () => `/v1/workers/${workerId}/heartbeat`, role: 'worker', schema: heartbeatBodySchema },
    { method: 'PUT', path: () => '/v1/kill-switch', role: 'admin', schema: putKillSwitchBodySchema },
  ];
  const isValid = (schema: z.ZodType, raw: string) => {
    try {
      return schema.safeParse(JSON.parse(raw)).success;
    } catch {
      return false;
    }
  };
  // Random JSON is almost never a valid body; the rare one that is (an empty heartbeat) is excluded up front.
  const body = fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })).map((value) => JSON.stringify(value)),
  );

  it('holds for every write route', async () => {
    const before = await writeCounts(stack.pool);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writeRoutes), body, async (route, raw) => {
        fc.pre(!isValid(route.schema, raw));
        const res = await stack.call(route.method, route.path(), {
          token: tokens[route.role],
          rawBody: raw,
          headers: { 'content-type': 'application/json', ...route.headers },
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    expect(await writeCounts(stack.pool)).toEqual(before);
  });
});
