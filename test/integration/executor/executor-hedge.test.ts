import '../evaluator/quiet-env.ts';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEligibilityGate, kalshiExchangeStatusCheck } from '#adapters/egress/eligibility';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { createPgExecutionStore } from '#adapters/pg/execution-store';
import { createPgSettlementStore } from '#adapters/pg/settlement-store';
import { listPositions } from '#adapters/pg/trading-reads';
import { createKalshiSigner } from '#adapters/venues/kalshi/auth';
import { createKalshiOrderClient } from '#adapters/venues/kalshi/orders';
import { createPolymarketOrderClient } from '#adapters/venues/polymarket/orders';
import type { ExecutionRequest } from '#contracts/execution-request';
import { DEFAULT_HEDGE_POLICY, hedgeClientOrderId } from '#domain/execution/hedge';
import { kalshiOrderFeeMicros, polymarketOrderFeeMicros } from '#domain/fees';
import { costMicros, priceMicros, quantityHundredths } from '#domain/units';
import { FakeKalshi } from '../../../local/fake-venues/kalshi.ts';
import { FakePolymarket } from '../../../local/fake-venues/polymarket.ts';
import { bytesToHex } from '../../../shared/adapters/crypto/eip712.ts';
import { evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { type ExecutionEvent, type ExecutorDeps, executeRequest } from '../../../shared/execution/execute.ts';
import { type ExecutionStore, OutcomeUnknownError } from '../../../shared/ports/execution.ts';
import { settleFinishedGames } from '../../../shared/settlement/settle.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { arbitrageCandidate } from '../../support/sample-candidates.ts';
import { type SampleGame, seedSampleGame } from '../../support/seed.ts';

const secret = randomBytes(32).toString('base64');
const credentials = {
  privateKey: bytesToHex(randomBytes(32)),
  apiKey: 'f4f247b7-4ac7-ff29-a152-04fda0a8755a',
  secret,
  passphrase: 'p',
  signatureType: 0,
};
const { privateKey: kalshiKey, publicKey: kalshiPublic } = generateKeyPairSync('rsa', { modulusLength: 2048 });

let db: TestDatabase;
let game: SampleGame;
let poly: FakePolymarket;
let kalshi: FakeKalshi;

beforeAll(async () => {
  db = await createTestDatabase();
  game = await seedSampleGame(db.pool);
  await db.pool.query(
    `UPDATE bankroll SET balance_micros = 1000000000, version = version + 1, last_reason = 'deposit', last_ref = 'seed'
      WHERE mode = 'live'`,
  );
  await db.pool.query(`UPDATE kill_switch SET engaged = false, updated_by = 'test'`);
  poly = new FakePolymarket(secret);
  await poly.start();
  kalshi = new FakeKalshi(kalshiPublic);
  await kalshi.start();
});

afterAll(async () => {
  await poly?.stop();
  await kalshi?.stop();
  await db?.drop();
});

beforeEach(async () => {
  poly.matchAll = true;
  await db.pool.query(`UPDATE games SET status = 'in_progress' WHERE id = $1`, [game.gameId]);
});

/** What the executors enqueued for hedges' follow-up orders, as the queues would carry it. */
let queued: ExecutionRequest[] = [];
beforeEach(() => {
  queued = [];
});

const alwaysEligible = { isEligible: () => true };

function polymarketDeps(events: ExecutionEvent[], overrides: Partial<ExecutorDeps> = {}): ExecutorDeps {
  return {
    store: createPgExecutionStore(db.rolePool('executor')),
    client: createPolymarketOrderClient({
      baseUrl: poly.baseUrl,
      egress: { fetch: globalThis.fetch },
      credentials: () => credentials,
      now: Date.now,
    }),
    gates: { tradingMode: 'live', gate: alwaysEligible, credentialsPresent: true },
    limits: defaultLimits,
    now: Date.now,
    pause: () => new Promise((resolve) => setImmediate(resolve)),
    observe: (e) => events.push(e),
    sendFollowUps: async (requests) => {
      queued.push(...requests);
    },
    ...overrides,
  };
}

async function kalshiDeps(events: ExecutionEvent[], overrides: Partial<ExecutorDeps> = {}): Promise<ExecutorDeps> {
  const gate = createEligibilityGate({
    venues: { kalshi: kalshiExchangeStatusCheck({ fetch: globalThis.fetch, baseUrl: kalshi.baseUrl }) },
  });
  await gate.check('kalshi');
  return {
    ...polymarketDeps(events),
    client: createKalshiOrderClient({
      baseUrl: kalshi.baseUrl,
      egress: { fetch: globalThis.fetch },
      signer: createKalshiSigner({ keyId: 'k', privateKey: kalshiKey, now: Date.now }),
    }),
    gates: { tradingMode: 'live', gate, credentialsPresent: true },
    ...overrides,
  };
}

async function decideArbitrage(): Promise<{ first: ExecutionRequest; second: ExecutionRequest }> {
  const sent: ExecutionRequest[] = [];
  const now = Date.now();
  const [outcome] = await evaluateCandidates(
    {
      store: createPgSignalStore(db.pool, 'live'),
      limits: { ...defaultLimits, cooldownMs: 0 },
      mode: 'live',
      now: () => now,
      sendExecutionRequests: async (r) => {
        sent.push(...r);
      },
    },
    [arbitrageCandidate({ nowMs: now, bookVersion: Math.floor(Math.random() * 1e6) })],
  );
  expect(outcome).toMatchObject({ status: 'accepted' });
  return { first: sent.find((r) => r.venue === 'polymarket')!, second: sent.find((r) => r.venue === 'kalshi')! };
}

/**
 * The first leg fills on Polymarket, the second is refused by Kalshi: the arbitrage is left with an open hedge. Both
 * executors run under the same hedge policy: either may be the one that acts on the hedge.
 */
async function leaveOpenHedge(
  events: ExecutionEvent[],
  overrides: Partial<ExecutorDeps> = {},
  beforeLegs: () => Promise<void> = async () => undefined,
): Promise<{ first: ExecutionRequest; second: ExecutionRequest }> {
  const legs = await decideArbitrage();
  await beforeLegs();
  kalshi.behaviour = { kind: 'reject', code: 'insufficient_balance' };
  const second = executeRequest(await kalshiDeps(events, overrides), legs.second);
  expect(await executeRequest(polymarketDeps(events, overrides), legs.first)).toEqual({
    status: 'done',
    orderStatus: 'filled',
  });
  expect(await second).toEqual({ status: 'rejected', reason: 'venue_insufficient_balance' });
  return legs;
}

/** The distinct client order ids enqueued: both legs' executors may send the same follow-up. */
const queuedIds = () => [...new Set(queued.map((r) => r.clientOrderId))];

async function hedgeRow(signalId: string) {
  const { rows } = await db.pool.query(
    'SELECT status, unhedged_hundredths, attempts, resolution FROM open_hedges WHERE signal_id = $1',
    [signalId],
  );
  return rows[0];
}

async function liveBankroll(): Promise<number> {
  const { rows } = await db.pool.query<{ balance_micros: number }>(
    `SELECT balance_micros FROM bankroll WHERE account = 'default' AND mode = 'live'`,
  );
  return rows[0]!.balance_micros;
}

async function polymarketPosition() {
  const { rows } = await db.pool.query<{ quantity_hundredths: number; realized_pnl_micros: number | null }>(
    `SELECT quantity_hundredths, realized_pnl_micros FROM positions
      WHERE mode = 'live' AND market_id = $1 AND side = 'no' AND status = 'open'`,
    [game.polymarketMarketId],
  );
  return rows[0]!;
}

/** A top-of-book observation of the Polymarket side held, as the shard samples it into Postgres. */
async function observePolymarketBid(bidMicros: number | null): Promise<void> {
  await db.pool.query(
    `INSERT INTO market_prices (observed_at, market_id, venue, side, bid_micros, ask_micros)
     VALUES (clock_timestamp(), $1, 'polymarket', 'no', $2, 600000)`,
    [game.polymarketMarketId, bidMicros],
  );
}

/**
 * Leaves the market with no live exposure, as a test's own starting point: earlier tests' positions are settled at
 * no P&L and their follow-ups never sent are refused, so the limits do not turn this test's arbitrage down.
 */
async function clearLiveExposure(): Promise<void> {
  await db.pool.query(
    `UPDATE orders SET status = 'rejected', reject_reason = 'test_reset'
      WHERE mode = 'live' AND status IN ('pending', 'sent', 'partially_filled')`,
  );
  await db.pool.query(
    `UPDATE positions SET status = 'settled', realized_pnl_micros = 0, settled_at = now()
      WHERE mode = 'live' AND status = 'open'`,
  );
}

/**
 * Two executors' stores over the same database whose `loadHedge` each wait until both have read the hedge: the two
 * act on the same snapshot, as two executors acting on one hedge at once may.
 */
function inStep(): [ExecutionStore, ExecutionStore] {
  let loaded = 0;
  let release: () => void = () => undefined;
  const both = new Promise<void>((resolve) => {
    release = resolve;
  });
  const store = (): ExecutionStore => {
    const real = createPgExecutionStore(db.rolePool('executor'));
    return {
      ...real,
      async loadHedge(signalId) {
        const hedge = await real.loadHedge(signalId);
        loaded += 1;
        if (loaded === 2) release();
        await both;
        return hedge;
      },
    };
  };
  return [store(), store()];
}

describe('an open hedge acted on by rule', () => {
  it('retries the second leg once per attempt (a redelivered trigger finds the same order), and its fill closes the hedge', async () => {
    const events: ExecutionEvent[] = [];
    const { first, second } = await leaveOpenHedge(events);
    const retryId = hedgeClientOrderId(first.signalId, 'retry', 2);
    expect(queuedIds()).toEqual([retryId]);
    expect(await hedgeRow(first.signalId)).toMatchObject({ status: 'open', attempts: 1, resolution: 'still_open' });
    // The second leg's message comes again: its order is done with, and the retry already written is sent again.
    const sentBefore = queued.length;
    expect(await executeRequest(await kalshiDeps(events), second)).toEqual({ status: 'done', orderStatus: 'rejected' });
    expect(queued.length).toBe(sentBefore + 1);
    expect(queuedIds()).toEqual([retryId]);

    kalshi.behaviour = { kind: 'fill' };
    const before = await liveBankroll();
    const retry = queued[0]!;
    for (const request of [...queued]) {
      expect(await executeRequest(await kalshiDeps(events), request)).toEqual({
        status: 'done',
        orderStatus: 'filled',
      });
    }
    expect(kalshi.posts.filter((p) => p.client_order_id === retryId)).toHaveLength(1);
    expect(kalshi.posts.find((p) => p.client_order_id === retryId)).toMatchObject({ action: 'buy', side: 'yes' });
    expect(await hedgeRow(first.signalId)).toEqual({
      status: 'closed',
      unhedged_hundredths: 0,
      attempts: 1,
      resolution: 'retried_filled',
    });
    // The retry covers what the first leg filled, at a price that keeps the pair from losing.
    expect(retry.count).toBe(first.count);
    const fee = kalshiOrderFeeMicros([
      { priceMicros: retry.limitPriceMicros, quantity: quantityHundredths(retry.count * 100) },
    ]);
    expect(before - (await liveBankroll())).toBe(retry.count * retry.limitPriceMicros + fee);
    expect(retry.limitPriceMicros).toBeGreaterThanOrEqual(second.limitPriceMicros);
    // Nothing more is enqueued for a closed hedge.
    expect(queuedIds()).toEqual([retryId]);
  });

  it('sells the first leg back at its best bid once no retry is left: the position shrinks, the proceeds less the fee come in', async () => {
    const events: ExecutionEvent[] = [];
    await observePolymarketBid(420_000);
    const { first } = await leaveOpenHedge(events, { hedgePolicy: { ...DEFAULT_HEDGE_POLICY, maxAttempts: 1 } });
    const unwindId = hedgeClientOrderId(first.signalId, 'unwind', 1);
    expect(queuedIds()).toEqual([unwindId]);
    const unwind = queued[0]!;
    expect(unwind).toMatchObject({ venue: 'polymarket', count: first.count, limitPriceMicros: 420_000 });

    const before = await liveBankroll();
    const held = await polymarketPosition();
    for (const copy of [unwind, unwind]) {
      expect(await executeRequest(polymarketDeps(events), copy)).toEqual({ status: 'done', orderStatus: 'filled' });
    }
    const sells = poly.posts.filter((p) => p.order.side === 'SELL');
    expect(sells).toHaveLength(1);
    const quantity = quantityHundredths(first.count * 100);
    const proceeds = costMicros(priceMicros(420_000), quantity, 'down');
    const fee = polymarketOrderFeeMicros([{ priceMicros: priceMicros(420_000), quantity }], {
      rate: 0.02,
      exponent: 1,
    });
    expect((await liveBankroll()) - before).toBe(proceeds - fee);
    const after = await polymarketPosition();
    expect(held.quantity_hundredths - after.quantity_hundredths).toBe(quantity);
    expect(after.realized_pnl_micros).not.toBeNull();
    expect(await hedgeRow(first.signalId)).toEqual({
      status: 'closed',
      unhedged_hundredths: 0,
      attempts: 1,
      resolution: 'unwound',
    });
    // The API's positions read (as the API's role) carries no open hedge for it any more, and says how it ended.
    const positions = await listPositions(db.rolePool('api'), { mode: 'live', status: 'open', limit: 50 });
    expect(positions.every((p) => p.open_hedge_hundredths === 0)).toBe(true);
    const position = positions.find((p) => p.market_id === game.polymarketMarketId)!;
    expect(position.hedges).toContainEqual({
      signalId: first.signalId,
      status: 'closed',
      unhedgedHundredths: 0,
      attempts: 1,
      resolution: 'unwound',
    });
  });

  it('unwinds at once once the retry window has passed', async () => {
    const events: ExecutionEvent[] = [];
    await observePolymarketBid(410_000);
    const { first } = await leaveOpenHedge(events, { hedgePolicy: { ...DEFAULT_HEDGE_POLICY, retryWindowMs: -1 } });
    expect(queuedIds()).toEqual([hedgeClientOrderId(first.signalId, 'unwind', 1)]);
    expect(queued[0]).toMatchObject({ venue: 'polymarket', limitPriceMicros: 410_000 });
  });

  it('unwinds at once when no retry price keeps the pair from losing after fees', async () => {
    const events: ExecutionEvent[] = [];
    await observePolymarketBid(400_000);
    // The first leg's venue charged 30% (3000 bps): with that fee on it, no second-leg price up to 2 cents over the
    // limit leaves the pair >= 0, so the rule sells it back though attempts and time remain.
    poly.feeRateBps = 3_000;
    let first: ExecutionRequest;
    try {
      ({ first } = await leaveOpenHedge(events));
    } finally {
      poly.feeRateBps = undefined;
    }
    expect(queuedIds()).toEqual([hedgeClientOrderId(first.signalId, 'unwind', 1)]);
    expect(queued[0]).toMatchObject({ venue: 'polymarket', limitPriceMicros: 400_000 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'open_hedge', reason: 'unwind' }));
  });

  it('keeps a hedge on a game no longer traded open and reported, with no order placed', async () => {
    const events: ExecutionEvent[] = [];
    const legs = await leaveOpenHedge(events, {}, async () => {
      await db.pool.query(`UPDATE games SET status = 'final' WHERE id = $1`, [game.gameId]);
    });
    expect(queued).toEqual([]);
    expect(await hedgeRow(legs.first.signalId)).toMatchObject({
      status: 'open',
      resolution: 'still_open',
      attempts: 0,
    });
    const reported = events.filter((e) => e.type === 'open_hedge');
    expect(reported.length).toBeGreaterThanOrEqual(1);
    expect(reported).toContainEqual(
      expect.objectContaining({ reason: 'game_not_tradable', unhedgedHundredths: legs.first.count * 100 }),
    );
  });

  it('keeps a hedge open and reported when no retry is left and the first venue shows no bid', async () => {
    const events: ExecutionEvent[] = [];
    await observePolymarketBid(null);
    const { first } = await leaveOpenHedge(events, { hedgePolicy: { ...DEFAULT_HEDGE_POLICY, maxAttempts: 1 } });
    expect(queued).toEqual([]);
    expect(await hedgeRow(first.signalId)).toMatchObject({ status: 'open', resolution: 'still_open' });
    expect(events.filter((e) => e.type === 'open_hedge')).toContainEqual(expect.objectContaining({ reason: 'no_bid' }));
    const positions = await listPositions(db.rolePool('api'), { mode: 'live', status: 'open', limit: 50 });
    const held = positions.find((p) => p.market_id === game.polymarketMarketId)!;
    expect(held.open_hedge_hundredths).toBeGreaterThanOrEqual(first.count * 100);
    expect(held.hedges).toContainEqual({
      signalId: first.signalId,
      status: 'open',
      unhedgedHundredths: first.count * 100,
      attempts: 0,
      resolution: 'still_open',
    });
  });
  it('sends one follow-up when two executors decide at once on either side of the retry window (never a retry and an unwind)', async () => {
    const events: ExecutionEvent[] = [];
    await clearLiveExposure();
    await observePolymarketBid(430_000);
    // No queue while the legs run: the hedge is left open with no follow-up yet.
    const legs = await leaveOpenHedge(events, { sendFollowUps: undefined });
    expect(queued).toEqual([]);
    // Both legs' messages come again at once; one executor's clock is still inside the retry window, the other's
    // just past it: one decides a retry of the second leg, the other an unwind of the first.
    const [kalshiStore, polymarketStore] = inStep();
    await Promise.all([
      executeRequest(await kalshiDeps(events, { store: kalshiStore }), legs.second),
      executeRequest(polymarketDeps(events, { store: polymarketStore, now: () => Date.now() + 31_000 }), legs.first),
    ]);
    // Both sent, the retry could buy the second leg while the unwind sells the first: a naked position either way.
    expect(queuedIds()).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT client_order_id FROM orders WHERE hedge_of = $1', [
      legs.first.signalId,
    ]);
    expect(rows).toHaveLength(1);
    expect(await hedgeRow(legs.first.signalId)).toMatchObject({ status: 'open', attempts: 1 });
  });
  it('settles no position while a sale of its contracts may be at the venue, so an unwind booked late is not paid out too', async () => {
    const events: ExecutionEvent[] = [];
    await clearLiveExposure();
    await observePolymarketBid(420_000);
    const { first } = await leaveOpenHedge(events, { hedgePolicy: { ...DEFAULT_HEDGE_POLICY, maxAttempts: 1 } });
    const unwind = queued.find((r) => r.clientOrderId === hedgeClientOrderId(first.signalId, 'unwind', 1))!;
    const before = await liveBankroll();
    // The sale reaches Polymarket and fills there, but its answer is lost on the way back: outcome unknown.
    const answerLost = {
      fetch: async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        const response = await globalThis.fetch(input, init);
        if (init?.method === 'POST') throw new TypeError('fetch failed: other side closed');
        return response;
      },
    };
    const client = createPolymarketOrderClient({
      baseUrl: poly.baseUrl,
      egress: answerLost,
      credentials: () => credentials,
      now: Date.now,
    });
    await expect(executeRequest(polymarketDeps(events, { client }), unwind)).rejects.toThrow(OutcomeUnknownError);
    // The game ends, NO (the side held) winning, and settlement runs before the sale is looked up.
    await db.pool.query(
      `INSERT INTO game_states (game_id, observed_at, status, period, home_score, away_score, winner_team_id)
       VALUES ($1, now(), 'final', 4, 100, 110, $2)`,
      [game.gameId, game.awayTeamId],
    );
    await db.pool.query(`UPDATE games SET status = 'final' WHERE id = $1`, [game.gameId]);
    await settleFinishedGames(createPgSettlementStore(db.rolePool('settlement')), Date.now());
    // The unwind's message comes again: the sale is found at the venue and booked against the position it sold.
    expect(await executeRequest(polymarketDeps(events), unwind)).toEqual({ status: 'done', orderStatus: 'filled' });
    await settleFinishedGames(createPgSettlementStore(db.rolePool('settlement')), Date.now());
    // Sold back in full: the proceeds less the fee came in, and no $1 payout for the contracts no longer held.
    const quantity = quantityHundredths(first.count * 100);
    const proceeds = costMicros(priceMicros(420_000), quantity, 'down');
    const fee = polymarketOrderFeeMicros([{ priceMicros: priceMicros(420_000), quantity }], {
      rate: 0.02,
      exponent: 1,
    });
    expect((await liveBankroll()) - before).toBe(proceeds - fee);
    const { rows } = await db.pool.query(
      `SELECT status, quantity_hundredths FROM positions WHERE mode = 'live' AND market_id = $1 AND side = 'no'
        ORDER BY opened_at DESC LIMIT 1`,
      [game.polymarketMarketId],
    );
    expect(rows[0]).toEqual({ status: 'settled', quantity_hundredths: 0 });
  });
});

const DAY_MS = 86_400_000;
/** The UTC day's start, as the evaluator's window and the executor's send-time check compute it. */
const dayStartOf = (ms: number) => ms - (ms % DAY_MS);

/** The live P&L realized since `sinceMs`, as the evaluator's snapshot and the executor's check read it. */
async function realizedSince(sinceMs: number, role: 'executor' | 'evaluator' = 'executor'): Promise<number> {
  const { rows } = await db
    .rolePool(role)
    .query<{ micros: number }>(`SELECT risk_realized_pnl_since('live', $1) AS micros`, [sinceMs]);
  return rows[0]!.micros;
}

const realizedToday = () => realizedSince(dayStartOf(Date.now()));

/** The open live Polymarket position's size and what it cost. */
async function polymarketBasis() {
  const { rows } = await db.pool.query<{
    id: string;
    quantity_hundredths: number;
    cost_micros: number;
    fees_micros: number;
  }>(
    `SELECT id, quantity_hundredths, cost_micros, fees_micros FROM positions
      WHERE mode = 'live' AND market_id = $1 AND side = 'no' AND status = 'open'`,
    [game.polymarketMarketId],
  );
  return rows[0]!;
}

/** No live exposure and the game's markets open again (an earlier test settled them). */
async function reopenGame(): Promise<void> {
  await clearLiveExposure();
  await db.pool.query(
    `UPDATE markets SET status = 'open', settled_yes_payout_micros = NULL, settled_outcome = NULL WHERE game_id = $1`,
    [game.gameId],
  );
}

/** An arbitrage decided by the evaluator (as its role) under a daily loss limit of `dailyLossLimitMicros`. */
async function decideUnder(dailyLossLimitMicros: number) {
  const sent: ExecutionRequest[] = [];
  const now = Date.now();
  const [outcome] = await evaluateCandidates(
    {
      store: createPgSignalStore(db.rolePool('evaluator'), 'live'),
      limits: { ...defaultLimits, cooldownMs: 0, dailyLossLimitMicros },
      mode: 'live',
      now: () => now,
      sendExecutionRequests: async (r) => {
        sent.push(...r);
      },
    },
    [arbitrageCandidate({ nowMs: now, bookVersion: Math.floor(Math.random() * 1e6) })],
  );
  return { outcome, sent };
}

/** What selling `quantity` at the bid nets: proceeds rounded down less Polymarket's fee. */
function saleCreditMicros(bidMicros: number, quantity: number): number {
  const q = quantityHundredths(quantity);
  const fee = polymarketOrderFeeMicros([{ priceMicros: priceMicros(bidMicros), quantity: q }], {
    rate: 0.02,
    exponent: 1,
  });
  return costMicros(priceMicros(bidMicros), q, 'down') - fee;
}

const unwindPolicy = { hedgePolicy: { ...DEFAULT_HEDGE_POLICY, maxAttempts: 1 } };

describe('the daily loss limit counts what an unwind realizes on its fill day', () => {
  it("an unwind's loss today makes the evaluator and the executor refuse new risk at the limit, not a micro under", async () => {
    const events: ExecutionEvent[] = [];
    await reopenGame();
    await observePolymarketBid(420_000);
    const { first } = await leaveOpenHedge(events, unwindPolicy);
    const unwind = queued.find((r) => r.clientOrderId === hedgeClientOrderId(first.signalId, 'unwind', 1))!;
    const held = await polymarketBasis();
    expect(held.quantity_hundredths).toBe(first.count * 100);
    const before = await realizedToday();
    expect(await executeRequest(polymarketDeps(events), unwind)).toEqual({ status: 'done', orderStatus: 'filled' });

    // Sold whole: it realizes the net proceeds less everything the position cost, today, hours before settlement.
    const loss = saleCreditMicros(420_000, held.quantity_hundredths) - held.cost_micros - held.fees_micros;
    expect(loss).toBeLessThan(0);
    const today = await realizedToday();
    expect(today - before).toBe(loss);
    expect(await realizedSince(dayStartOf(Date.now()), 'evaluator')).toBe(today);
    expect(today).toBeLessThan(0);

    const atLimit = -today;
    expect((await decideUnder(atLimit)).outcome).toMatchObject({ status: 'rejected', reason: 'daily_loss_limit' });
    const accepted = await decideUnder(atLimit + 1);
    expect(accepted.outcome).toMatchObject({ status: 'accepted' });
    const refusedLeg = accepted.sent.find((r) => r.venue === 'polymarket')!;

    // The executors check the same day's total at send time.
    expect(
      await executeRequest(
        polymarketDeps(events, { limits: { ...defaultLimits, dailyLossLimitMicros: atLimit } }),
        refusedLeg,
      ),
    ).toEqual({ status: 'rejected', reason: 'risk_daily_loss_limit' });
    const next = await decideUnder(atLimit + 1);
    expect(next.outcome).toMatchObject({ status: 'accepted' });
    expect(
      await executeRequest(
        polymarketDeps(events, { limits: { ...defaultLimits, dailyLossLimitMicros: atLimit + 1 } }),
        next.sent.find((r) => r.venue === 'polymarket')!,
      ),
    ).toEqual({ status: 'done', orderStatus: 'filled' });
  });

  it('a partial unwind and then settlement of the rest count each part once: the sale on its fill, the rest when settled', async () => {
    const events: ExecutionEvent[] = [];
    await reopenGame();
    await observePolymarketBid(420_000);
    const one = await leaveOpenHedge(events, unwindPolicy);
    const two = await leaveOpenHedge(events, unwindPolicy);
    const unwind = queued.find((r) => r.clientOrderId === hedgeClientOrderId(one.first.signalId, 'unwind', 1))!;
    // Only the first hedge is unwound; the second's unwind is never sent (settlement waits for no sale).
    await db.pool.query(
      `UPDATE orders SET status = 'rejected', reject_reason = 'test_reset' WHERE hedge_of = $1 AND status = 'pending'`,
      [two.first.signalId],
    );
    const held = await polymarketBasis();
    const sold = one.first.count * 100;
    expect(held.quantity_hundredths).toBe(sold + two.first.count * 100);
    const start = await realizedToday();
    expect(await executeRequest(polymarketDeps(events), unwind)).toEqual({ status: 'done', orderStatus: 'filled' });

    // The contracts sold take their share of cost and fees, rounded down (domain/execution/sale.ts).
    const releasedCost = Math.floor((held.cost_micros * sold) / held.quantity_hundredths);
    const releasedFees = Math.floor((held.fees_micros * sold) / held.quantity_hundredths);
    const salePart = saleCreditMicros(420_000, sold) - releasedCost - releasedFees;
    expect((await realizedToday()) - start).toBe(salePart);
    const { rows: ledger } = await db.pool.query(
      `SELECT r.position_id, r.mode, r.realized_pnl_micros
         FROM sale_realized_pnl r JOIN fills f ON f.id = r.fill_id JOIN orders o ON o.id = f.order_id
        WHERE o.client_order_id = $1`,
      [unwind.clientOrderId],
    );
    expect(ledger).toEqual([{ position_id: held.id, mode: 'live', realized_pnl_micros: salePart }]);

    // The game ends, NO (the side held) winning: the rest is paid $1 a contract.
    await db.pool.query(
      `INSERT INTO game_states (game_id, observed_at, status, period, home_score, away_score, winner_team_id)
       VALUES ($1, now(), 'final', 4, 100, 110, $2)`,
      [game.gameId, game.awayTeamId],
    );
    await db.pool.query(`UPDATE games SET status = 'final' WHERE id = $1`, [game.gameId]);
    await settleFinishedGames(createPgSettlementStore(db.rolePool('settlement')), Date.now());
    const rest = held.quantity_hundredths - sold;
    const settlementPart = rest * 10_000 - (held.cost_micros - releasedCost) - (held.fees_micros - releasedFees);
    const { rows } = await db.pool.query(
      'SELECT status, quantity_hundredths, realized_pnl_micros FROM positions WHERE id = $1',
      [held.id],
    );
    expect(rows[0]).toEqual({
      status: 'settled',
      quantity_hundredths: rest,
      realized_pnl_micros: salePart + settlementPart,
    });
    expect((await realizedToday()) - start).toBe(salePart + settlementPart);
  });

  it('a sale filled before the UTC day began counts on its own day, not today', async () => {
    const events: ExecutionEvent[] = [];
    await reopenGame();
    await observePolymarketBid(420_000);
    const { first } = await leaveOpenHedge(events, unwindPolicy);
    const unwind = queued.find((r) => r.clientOrderId === hedgeClientOrderId(first.signalId, 'unwind', 1))!;
    const held = await polymarketBasis();
    const before = await realizedToday();
    expect(await executeRequest(polymarketDeps(events), unwind)).toEqual({ status: 'done', orderStatus: 'filled' });
    const loss = saleCreditMicros(420_000, held.quantity_hundredths) - held.cost_micros - held.fees_micros;
    expect((await realizedToday()) - before).toBe(loss);

    // As if the venue had filled it at the day's first instant, then a millisecond before.
    const dayStart = dayStartOf(Date.now());
    const moveFill = (atMs: number) =>
      db.pool.query(
        `WITH f AS (UPDATE fills SET filled_at = to_timestamp($2 / 1000.0)
                     WHERE order_id = (SELECT id FROM orders WHERE client_order_id = $1) RETURNING id)
         UPDATE sale_realized_pnl r SET realized_at = to_timestamp($2 / 1000.0) FROM f WHERE r.fill_id = f.id`,
        [unwind.clientOrderId, atMs],
      );
    await moveFill(dayStart);
    expect((await realizedToday()) - before).toBe(loss);
    await moveFill(dayStart - 1);
    expect(await realizedToday()).toBe(before);
    // Yesterday's total has it.
    expect(await realizedSince(dayStart - DAY_MS)).toBe(before + loss);
    // The limit its loss would have reached today lets the next candidate through.
    expect((await decideUnder(-(before + loss))).outcome).toMatchObject({ status: 'accepted' });
  });
});
