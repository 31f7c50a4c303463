import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEgressProxy, startLocalEgressProxy } from '../../local/egress-proxy.ts';
import type { LocalLiveSummary } from '../../local/evening/live.ts';
import { FakeKalshi } from '../../local/fake-venues/kalshi.ts';
import { FakePolymarket } from '../../local/fake-venues/polymarket.ts';
import { bytesToHex } from '../../shared/adapters/crypto/eip712.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';

const run = promisify(execFile);
const KEY_ID = 'e2e-kalshi-key';

let dir: string;
let feed: string;
let kalshi: FakeKalshi;
let polymarket: FakePolymarket;
let proxy: LocalEgressProxy;
let venueEnv: Record<string, string>;
const dbs: TestDatabase[] = [];

/**
 * The simulator's Gamma markets say a 0.01 tick while its Polymarket books step by 0.001, so the evaluator refuses
 * every arbitrage as `price_off_tick` (a simulator bug, reported). The feed here says 0.001, as the books do.
 */
async function simulatedFeed(): Promise<string> {
  const out = join(dir, 'feed.jsonl');
  await run('npm', ['run', '-s', 'simulate', '--', '--games', '2', '--seed', '7', '--messages', '4000', '--out', out]);
  const text = await readFile(out, 'utf8');
  await writeFile(out, text.replaceAll('orderPriceMinTickSize\\":0.01,', 'orderPriceMinTickSize\\":0.001,'));
  return out;
}

/** `npm start -- --live --once --feed FILE` on a database and data folder of its own, against `egress`. */
async function startLive(egress: string) {
  const db = await createTestDatabase();
  dbs.push(db);
  const dataDir = await mkdtemp(join(dir, 'run-'));
  const reportFile = join(dataDir, 'report.json');
  const { stdout } = await run(
    'npm',
    ['start', '--', '--once', '--live', '--feed', feed, '--port', '0', '--data-dir', dataDir, '--report', reportFile],
    {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        SQS_ENDPOINT: '',
        DYNAMODB_ENDPOINT: '',
        REDIS_URL: '',
        ...venueEnv,
        EGRESS_PROXY_URLS: egress,
        // Model edges come first in this evening; without room left they would crowd out its two arbitrages.
        SIGNAL_COOLDOWN_MS: '0',
        KELLY_FRACTION: '0.01',
        MAX_EXPOSURE_PER_MARKET_MICROS: '4000000000',
        MAX_EXPOSURE_PER_GAME_MICROS: '8000000000',
        MAX_TOTAL_EXPOSURE_MICROS: '9000000000',
      },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as { live: LocalLiveSummary; total: unknown };
  return { db, stdout, report };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sharpline-live-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secret = randomBytes(32).toString('base64');
  kalshi = new FakeKalshi(publicKey);
  polymarket = new FakePolymarket(secret);
  proxy = await startLocalEgressProxy();
  await Promise.all([kalshi.start(), polymarket.start()]);
  const pemFile = join(dir, 'kalshi.pem');
  const credentialsFile = join(dir, 'polymarket.json');
  await writeFile(pemFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await writeFile(
    credentialsFile,
    JSON.stringify({ privateKey: bytesToHex(randomBytes(32)), apiKey: 'e2e', secret, passphrase: 'e2e' }),
  );
  // The venues given as a demo environment would be: by URL, with credentials from files.
  venueEnv = {
    KALSHI_REST_URL: kalshi.baseUrl,
    LOCAL_KALSHI_API_KEY_ID: KEY_ID,
    KALSHI_PRIVATE_KEY_FILE: pemFile,
    POLYMARKET_CLOB_URL: polymarket.baseUrl,
    POLYMARKET_GEOBLOCK_URL: polymarket.geoblockUrl,
    POLYMARKET_CREDENTIALS_FILE: credentialsFile,
  };
  feed = await simulatedFeed();
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await kalshi?.stop();
  await polymarket?.stop();
  for (const db of dbs) await db.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Local mode with `TRADING_MODE=live` (issue 14's "done when"): the real entry point in a child process, the
 * executors' own handlers on the execution queues, venue traffic through a local egress proxy to fake venues speaking
 * the venues' REST formats (signatures checked). The fakes and the proxy live in this process so their counts can be
 * read.
 */
describe('npm start -- --live against the fake venues through the egress proxy', () => {
  it('places both legs of each accepted arbitrage once, through the proxy; fills land in positions and the live bankroll', async () => {
    const { db, stdout, report } = await startLive(proxy.url);
    expect(stdout).toContain('live trading: Kalshi at');

    const { rows: arbitrages } = await db.pool.query<{ signal_id: string }>(
      `SELECT s.id AS signal_id FROM trading_signals s JOIN signal_candidates c ON c.id = s.candidate_id
        WHERE s.decision = 'accepted' AND c.payload->>'kind' = 'arbitrage'`,
    );
    expect(arbitrages.length).toBeGreaterThan(0);
    for (const { signal_id } of arbitrages) {
      const { rows: legs } = await db.pool.query<{
        venue: string;
        status: string;
        client_order_id: string;
        venue_order_id: string;
        count_hundredths: number;
        filled_hundredths: number;
      }>(
        `SELECT venue, status, client_order_id, venue_order_id, count_hundredths, filled_hundredths
           FROM orders WHERE signal_id = $1 AND mode = 'live' ORDER BY venue`,
        [signal_id],
      );
      expect(legs.map((l) => [l.venue, l.status])).toEqual([
        ['kalshi', 'filled'],
        ['polymarket', 'filled'],
      ]);
      const [k, p] = legs as [(typeof legs)[0], (typeof legs)[0]];
      expect(kalshi.posts.filter((b) => b.client_order_id === k.client_order_id)).toHaveLength(1);
      expect(polymarket.posts.filter((b) => polymarket.orderIdOf(b.order) === p.venue_order_id)).toHaveLength(1);
      // Equal counts: the arbitrage is hedged, and its hedge row closed.
      expect(k.filled_hundredths).toBe(p.filled_hundredths);
      const { rows: hedges } = await db.pool.query('SELECT status FROM open_hedges WHERE signal_id = $1', [signal_id]);
      expect(hedges.map((h) => h.status)).toEqual(['closed']);
    }

    // Every order the venues took is one live order of ours: nothing placed twice.
    const { rows: byVenue } = await db.pool.query<{ venue: string; n: number }>(
      `SELECT venue, count(*)::int AS n FROM orders WHERE mode = 'live' AND status = 'filled' GROUP BY 1 ORDER BY 1`,
    );
    expect(byVenue).toEqual([
      { venue: 'kalshi', n: kalshi.orders.size },
      { venue: 'polymarket', n: polymarket.orders.size },
    ]);
    expect(kalshi.posts).toHaveLength(kalshi.orders.size);
    expect(polymarket.posts).toHaveLength(polymarket.orders.size);

    // All venue traffic, the eligibility checks included, came through the proxy.
    expect(kalshi.requests.get('GET /trade-api/v2/exchange/status')).toBeGreaterThan(0);
    expect(polymarket.requests.get('GET /api/geoblock')).toBeGreaterThan(0);
    for (const port of [...kalshi.remotePorts, ...polymarket.remotePorts]) {
      expect(proxy.counts.upstreamPorts.has(port)).toBe(true);
    }
    expect(proxy.counts.connects.get(new URL(kalshi.baseUrl).host)).toBeGreaterThan(0);
    expect(proxy.counts.connects.get(new URL(polymarket.baseUrl).host)).toBeGreaterThan(0);
    expect(kalshi.verifiedSignatures.length).toBeGreaterThan(0);

    // Fills move positions and the live bankroll by exactly their cost plus the venue's fee.
    const { rows: money } = await db.pool.query<{ fills: string; audit: string; positions: string; balance: string }>(
      `SELECT (SELECT -sum(cost_micros + fee_micros) FROM fills)::bigint AS fills,
              (SELECT sum(delta_micros) FROM bankroll_audit WHERE mode = 'live' AND reason = 'live_fill')::bigint AS audit,
              (SELECT -sum(cost_micros + fees_micros) FROM positions WHERE mode = 'live')::bigint AS positions,
              (SELECT balance_micros FROM bankroll WHERE mode = 'live')
                - (SELECT sum(delta_micros) FROM bankroll_audit WHERE mode = 'live')::bigint AS balance`,
    );
    const m = money[0]!;
    expect(Number(m.fills)).toBeLessThan(0);
    expect(Number(m.audit)).toBe(Number(m.fills));
    expect(Number(m.positions)).toBe(Number(m.fills));
    expect(Number(m.balance)).toBe(0);
    expect(report.live.fills).toBe(kalshi.orders.size + polymarket.orders.size);
  }, 60_000);

  it('with the egress down, live execution stops as venue_ineligible and nothing reaches a venue', async () => {
    await proxy.stop();
    const dead = proxy.url;
    const before = { kalshi: kalshi.posts.length, polymarket: polymarket.posts.length };
    const { db, report } = await startLive(dead);
    const { rows } = await db.pool.query<{ status: string; reason: string | null; n: number }>(
      `SELECT status, reject_reason AS reason, count(*)::int AS n FROM orders WHERE mode = 'live' GROUP BY 1, 2`,
    );
    // Each order is refused before it is sent; an arbitrage's second leg is skipped since its first was refused.
    expect(rows.map((r) => [r.status, r.reason]).sort()).toEqual(
      rows.some((r) => r.reason === 'first_leg_unfilled')
        ? [
            ['rejected', 'first_leg_unfilled'],
            ['rejected', 'venue_ineligible'],
          ]
        : [['rejected', 'venue_ineligible']],
    );
    const { rows: skipped } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders o WHERE o.reject_reason = 'first_leg_unfilled' AND NOT EXISTS (
         SELECT 1 FROM orders f WHERE f.signal_id = o.signal_id AND f.id <> o.id AND f.reject_reason = 'venue_ineligible')`,
    );
    expect(skipped[0]!.n).toBe(0);
    expect({ kalshi: kalshi.posts.length, polymarket: polymarket.posts.length }).toEqual(before);
    // The rest of the pipeline goes on: every candidate got its decision.
    expect((report.total as { undecided: number }).undecided).toBe(0);
  }, 60_000);
});
