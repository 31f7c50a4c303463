import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { createJobBodySchema } from '#contracts/api/jobs';
import { reportSurebets } from '../../../shared/evaluator/report-surebets.ts';
import { defaultLimits } from '../../support/risk.ts';
import { surebetSample } from '../../support/sample-candidates.ts';
import { type ApiStack, startApiStack } from './harness.ts';

let stack: ApiStack;
let viewer: string;
const NOW = Date.parse('2026-11-15T01:00:00Z');
const reported = surebetSample({ nowMs: NOW, eventKey: 'nba|2026-11-15T02:00:00.000Z|BOS@DEN' });
const stale = surebetSample({
  nowMs: NOW,
  eventKey: 'nba|2026-11-15T02:00:00.000Z|NYK@MIA',
  priceObservedAtMs: NOW - 60_000,
});

beforeAll(async () => {
  stack = await startApiStack();
  viewer = await stack.token('vera', 'viewer');
  // Decided as the evaluator decides them, on its own role, beside a model-edge signal written as the pipeline does.
  const decided = await reportSurebets(
    { store: createPgSignalStore(stack.db.rolePool('evaluator'), 'paper'), limits: defaultLimits, now: () => NOW },
    [reported, stale],
  );
  expect(decided.map((d) => d.status)).toEqual(['reported', 'rejected']);
  await stack.pool.query(`INSERT INTO signal_candidates (id, payload) VALUES ('cand-edge', '{}')`);
  await stack.pool.query(
    `INSERT INTO trading_signals (candidate_id, decision, reason, size_hundredths, stake_micros, details)
     VALUES ('cand-edge', 'accepted', 'accepted', 100, 530000, '{"kind": "model_edge", "fills": []}')`,
  );
});
afterAll(() => stack?.stop());

async function getItems(path: string) {
  const res = await stack.call('GET', path, { token: viewer });
  expect(res.status, path).toBe(200);
  return (res.body as { items: Record<string, unknown>[] }).items;
}

describe('GET /v1/signals: surebets', () => {
  it('shows a reported surebet with its legs, guaranteed profit and the place_bet payload of each leg', async () => {
    const items = await getItems('/v1/signals?decision=reported');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      candidateId: reported.id,
      decision: 'reported',
      reason: 'surebet_place_bet_required',
      kind: 'surebet',
      mode: 'paper',
      edgeBps: 360,
      sizeHundredths: null,
      stakeMicros: 100_000_000,
      surebet: {
        eventKey: reported.eventKey,
        market: 'moneyline',
        gameId: null,
        totalStakeMicros: 100_000_000,
        claimedProfitMicros: 3_734_938,
        guaranteedPayoutMicros: 103_734_938,
        guaranteedProfitMicros: 3_734_938,
        priceObservedAt: new Date(reported.priceObservedAtMs).toISOString(),
      },
    });
    const legs = (items[0]!.surebet as { legs: Record<string, unknown>[] }).legs;
    expect(legs).toEqual([
      {
        ...reported.legs[0],
        placeBet: { sportsbook: 'demo2', selection: 'moneyline.away', stakeMicros: 50_602_409, minAmericanOdds: 105 },
      },
      {
        ...reported.legs[1],
        placeBet: { sportsbook: 'demo', selection: 'moneyline.home', stakeMicros: 49_397_590, minAmericanOdds: 110 },
      },
    ]);
    // Each leg's payload, with the user's session and the event's page, is a place_bet job the jobs API takes.
    for (const leg of legs) {
      const body = {
        type: 'place_bet',
        payload: {
          ...(leg.placeBet as object),
          sessionId: '2b0c8f3e-5d1a-4e6b-9c7d-0a1b2c3d4e5f',
          eventUrl: 'https://demo.example/event',
        },
      };
      expect(createJobBodySchema.safeParse(body).success).toBe(true);
    }
  });

  it('filters by kind, shows refused surebets without a guaranteed profit, and no surebet on other kinds', async () => {
    const surebets = await getItems('/v1/signals?kind=surebet');
    // Both were decided in one statement (the same decided_at), so their order is the ids' and not asserted.
    const byId = (a: string, b: string) => (a < b ? -1 : 1);
    expect(
      surebets.map((s) => [s.candidateId, s.decision, s.reason]).sort((a, b) => byId(String(a[0]), String(b[0]))),
    ).toEqual(
      [
        [reported.id, 'reported', 'surebet_place_bet_required'],
        [stale.id, 'rejected', 'surebet_stale'],
      ].sort((a, b) => byId(a[0]!, b[0]!)),
    );
    const refused = surebets.find((s) => s.candidateId === stale.id);
    expect(refused!.surebet).toMatchObject({ guaranteedProfitMicros: null, claimedProfitMicros: 3_734_938 });
    expect(await getItems('/v1/signals?kind=model_edge')).toEqual([
      expect.objectContaining({ candidateId: 'cand-edge', kind: 'model_edge', surebet: null }),
    ]);
  });

  it('refuses an unknown kind or decision', async () => {
    for (const path of ['/v1/signals?kind=poker', '/v1/signals?decision=placed']) {
      expect((await stack.call('GET', path, { token: viewer })).status, path).toBe(400);
    }
  });
});
