import '../evaluator/quiet-env.ts';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEligibilityGate, kalshiExchangeStatusCheck } from '#adapters/egress/eligibility';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { createPgExecutionStore } from '#adapters/pg/execution-store';
import { listPositions } from '#adapters/pg/trading-reads';
import { createKalshiSigner } from '#adapters/venues/kalshi/auth';
import { createKalshiOrderClient } from '#adapters/venues/kalshi/orders';
import {
  createPolymarketOrderClient,
  polymarketOrderDigest,
  polymarketOrderFields,
} from '#adapters/venues/polymarket/orders';
import type { ExecutionRequest } from '#contracts/execution-request';
import { polymarketOrderFeeMicros } from '#domain/fees';
import { priceMicros, quantityHundredths } from '#domain/units';
import { FakeKalshi } from '../../../local/fake-venues/kalshi.ts';
import { FakePolymarket } from '../../../local/fake-venues/polymarket.ts';
import { addressOf, bytesToHex, recoverAddress } from '../../../shared/adapters/crypto/eip712.ts';
import { evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { type ExecutionEvent, type ExecutorDeps, executeRequest } from '../../../shared/execution/execute.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { arbitrageCandidate } from '../../support/sample-candidates.ts';
import { seedSampleGame } from '../../support/seed.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

const wallet = bytesToHex(randomBytes(32));
const secret = randomBytes(32).toString('base64');
const credentials = {
  privateKey: wallet,
  apiKey: 'f4f247b7-4ac7-ff29-a152-04fda0a8755a',
  secret,
  passphrase: 'p',
  signatureType: 0,
};
const { privateKey: kalshiKey, publicKey: kalshiPublic } = generateKeyPairSync('rsa', { modulusLength: 2048 });

let db: TestDatabase;
let poly: FakePolymarket;
let kalshi: FakeKalshi;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSampleGame(db.pool);
  await db.pool.query(
    `UPDATE bankroll SET balance_micros = 1000000000, version = version + 1, last_reason = 'deposit', last_ref = 'seed'
      WHERE mode = 'live'`,
  );
  await db.pool.query(`UPDATE kill_switch SET engaged = false, updated_by = 'test'`);
  poly = new FakePolymarket(secret);
  poly.orderIdOf = (order) =>
    bytesToHex(polymarketOrderDigest({ ...(order as ReturnType<typeof polymarketOrderFields>) }, 137));
  await poly.start();
  kalshi = new FakeKalshi(kalshiPublic);
  await kalshi.start();
});

afterAll(async () => {
  await poly?.stop();
  await kalshi?.stop();
  await db?.drop();
});

const alwaysEligible = { isEligible: () => true };

function polymarketDeps(events: ExecutionEvent[]): ExecutorDeps {
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
  };
}

async function kalshiDeps(events: ExecutionEvent[]): Promise<ExecutorDeps> {
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
  };
}

describe('Polymarket CLOB V2 order', () => {
  it('has the fixture request shape, amounts in 6 decimals and a signature that recovers to the signer', () => {
    const order = {
      clientOrderId: 'b7f3c2d1-5e4a-4c9b-8a21-6d0e9f1a3c55-1',
      venueMarketId: (fixture('polymarket_post_order_request.json').order as Record<string, string>).tokenId!,
      side: 'yes' as const,
      quantity: quantityHundredths(2_000),
      limitPriceMicros: priceMicros(710_000),
      createdAtMs: 1794712892391,
      fee: { venue: 'polymarket' as const, rate: 0.03, exponent: 1 },
    };
    const signer = addressOf(wallet);
    const fields = polymarketOrderFields(order, signer, signer, 0);
    const expected = fixture('polymarket_post_order_request.json').order as Record<string, unknown>;
    expect(Object.keys({ ...fields, signature: '' }).sort()).toEqual(Object.keys(expected).sort());
    expect(fields).toMatchObject({
      makerAmount: '14200000',
      takerAmount: '20000000',
      side: 'BUY',
      timestamp: '1794712892391',
    });
    expect(Number.isSafeInteger(fields.salt)).toBe(true);
  });
});

describe('an arbitrage across the two venues', () => {
  async function decideArbitrage(): Promise<ExecutionRequest[]> {
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
      [
        arbitrageCandidate({
          nowMs: now,
          bookVersion: Math.floor(Math.random() * 1e6),
        }),
      ],
    );
    expect(outcome).toMatchObject({ status: 'accepted' });
    expect(sent.map((r) => r.venue).sort()).toEqual(['kalshi', 'polymarket']);
    return sent;
  }

  it('sends Polymarket first, signed and authenticated, then Kalshi sized to its fill; a second leg rejected leaves a reported open hedge', async () => {
    const requests = await decideArbitrage();
    const polyRequest = requests.find((r) => r.venue === 'polymarket')!;
    const kalshiRequest = requests.find((r) => r.venue === 'kalshi')!;
    kalshi.behaviour = { kind: 'reject', code: 'insufficient_balance' };
    const events: ExecutionEvent[] = [];
    // The Kalshi leg arrives first: it waits for the Polymarket leg rather than going alone.
    const second = executeRequest(await kalshiDeps(events), kalshiRequest);
    const first = await executeRequest(polymarketDeps(events), polyRequest);
    expect(first).toEqual({ status: 'done', orderStatus: 'filled' });
    // Unhedged from the first fill on, whatever happens to the second leg's message.
    const { rows: meanwhile } = await db.pool.query('SELECT status FROM open_hedges WHERE signal_id = $1', [
      polyRequest.signalId,
    ]);
    expect(meanwhile.map((r) => r.status)).toEqual(['open']);
    expect(await second).toEqual({ status: 'rejected', reason: 'venue_insufficient_balance' });

    const posted = poly.posts.at(-1)!;
    expect(posted.orderType).toBe('FAK');
    const digest = polymarketOrderDigest(posted.order as ReturnType<typeof polymarketOrderFields>, 137);
    expect(recoverAddress(digest, String(posted.order.signature))).toBe(addressOf(wallet));

    const { rows } = await db.pool.query('SELECT status, unhedged_hundredths FROM open_hedges WHERE signal_id = $1', [
      polyRequest.signalId,
    ]);
    expect(rows).toEqual([{ status: 'open', unhedged_hundredths: polyRequest.count * 100 }]);
    expect(events.filter((e) => e.type === 'open_hedge')).toHaveLength(1);
    // The API's positions read shows it on the live position of the first leg, as the API's own role reads it.
    const positions = await listPositions(db.rolePool('api'), { mode: 'live', status: 'open', limit: 50 });
    expect(positions.map((p) => p.open_hedge_hundredths)).toContain(polyRequest.count * 100);
    // A redelivered Polymarket request finds its order done: nothing posted again.
    const postsBefore = poly.posts.length;
    expect(await executeRequest(polymarketDeps(events), polyRequest)).toEqual({
      status: 'done',
      orderStatus: 'filled',
    });
    expect(poly.posts.length).toBe(postsBefore);
  });

  it('hedges both legs once each when both fill, and closes no hedge it never opened', async () => {
    const requests = await decideArbitrage();
    kalshi.behaviour = { kind: 'fill' };
    const events: ExecutionEvent[] = [];
    const polyRequest = requests.find((r) => r.venue === 'polymarket')!;
    const kalshiRequest = requests.find((r) => r.venue === 'kalshi')!;
    const second = executeRequest(await kalshiDeps(events), kalshiRequest);
    await executeRequest(polymarketDeps(events), polyRequest);
    expect(await second).toEqual({ status: 'done', orderStatus: 'filled' });
    const { rows } = await db.pool.query('SELECT status, unhedged_hundredths FROM open_hedges WHERE signal_id = $1', [
      polyRequest.signalId,
    ]);
    expect(rows).toEqual([{ status: 'closed', unhedged_hundredths: 0 }]);
    expect(kalshi.posts.filter((p) => p.client_order_id === kalshiRequest.clientOrderId)).toHaveLength(1);
  });

  it('charges the fee rate the CLOB answered with, and counts its difference from the market rule as a mismatch', async () => {
    const requests = await decideArbitrage();
    const polyRequest = requests.find((r) => r.venue === 'polymarket')!;
    // The market rule says 2%; the venue answers that it charged 5% (500 bps).
    poly.feeRateBps = 500;
    const events: ExecutionEvent[] = [];
    try {
      expect(await executeRequest(polymarketDeps(events), polyRequest)).toEqual({
        status: 'done',
        orderStatus: 'filled',
      });
    } finally {
      poly.feeRateBps = undefined;
    }
    const { rows } = await db.pool.query(
      `SELECT f.fee_micros::bigint AS fee, f.expected_fee_micros::bigint AS expected, f.price_micros, f.quantity_hundredths
         FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.id = $1`,
      [polyRequest.orderId],
    );
    expect(rows).toHaveLength(1);
    const fill = rows[0]!;
    const limit = Number(
      (await db.pool.query('SELECT limit_price_micros FROM orders WHERE id = $1', [polyRequest.orderId])).rows[0]
        .limit_price_micros,
    );
    const quantity = quantityHundredths(Number(fill.quantity_hundredths));
    const atRate = (rate: number) =>
      polymarketOrderFeeMicros([{ priceMicros: priceMicros(limit), quantity }], { rate, exponent: 1 });
    expect(Number(fill.fee)).toBe(atRate(0.05));
    expect(Number(fill.expected)).toBe(atRate(0.02));
    expect(atRate(0.05)).toBeGreaterThan(atRate(0.02));
    const mismatch = events.find((e) => e.type === 'fills');
    expect(mismatch).toMatchObject({ applied: { feeMismatches: 1, feeDifferenceMicros: atRate(0.05) - atRate(0.02) } });
  });
});
