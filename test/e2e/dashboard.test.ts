import '../integration/evaluator/quiet-env.ts';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSettlementStore } from '#adapters/pg/settlement-store';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { formatDollars } from '#domain';
import type { ApiServer } from '../../local/api/server.ts';
import type { RunStatus } from '../../local/dashboard/run-status.ts';
import { localLambdaContext } from '../../local/lambda-context.ts';
import { createInMemoryPriceCache } from '../../shared/adapters/price-cache/in-memory.ts';
import { createLocalSecretsProvider } from '../../shared/adapters/secrets/local-file.ts';
import { settleFinishedGames } from '../../shared/settlement/settle.ts';
import { buildEvaluator, type Emulators, sqsEvent, startEmulators } from '../integration/evaluator/harness.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';
import { arbitrageCandidate, kalshiLeg, modelEdgeCandidate, polymarketLeg } from '../support/sample-candidates.ts';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../support/seed.ts';

/**
 * The dashboard in real Chromium over the local API server on a seeded run: two games, trades on both, one settled.
 * The page must show that run's rows, redraw as the run goes on, and its kill-switch button must stop the evaluator.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = 'test/e2e/__screenshots__/dashboard.png';
const INITIAL_MICROS = 1_000_000_000;

/** What the page exposes on `window` for tests (local/dashboard/page/main.ts). */
interface PageHandle {
  sharplineDashboard: { bankrollData(): number[][]; refreshes(): number };
}

const hasChromium = await access(CHROMIUM).then(
  () => true,
  () => false,
);

let db: TestDatabase;
let emu: Emulators;
let server: ApiServer;
let browser: Browser;
let page: Page;
let dir: string;
let gameA: SampleGame;
let gameB: SampleGame;
let evaluate: ReturnType<typeof buildEvaluator>;
let bookVersion = 0;

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${ms} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function decide(candidates: SignalCandidate[]): Promise<void> {
  const result = await evaluate(sqsEvent(candidates), localLambdaContext('signal-evaluator'));
  expect(result.batchItemFailures).toEqual([]);
}

/** A model-edge candidate on game B's Kalshi market: a fresh book version each time, so a new candidate id. */
function gameBCandidate(): SignalCandidate {
  bookVersion += 1;
  return modelEdgeCandidate({
    gameId: gameB.gameId,
    nowMs: Date.now(),
    bookVersion,
    leg: { venueMarketId: `${kalshiLeg().venueMarketId}B`, askMicros: 500_000 },
  });
}

/** The paper bankroll's history as the database keeps it, as the chart holds it: [at seconds[], balance micros[]]. */
async function bankrollHistory(): Promise<number[][]> {
  const { rows } = await db.pool.query<{ at: Date; balance: number }>(
    `SELECT at, new_balance_micros AS balance FROM bankroll_audit
     WHERE account = 'default' AND mode = 'paper' ORDER BY new_version`,
  );
  return [rows.map((r) => r.at.getTime() / 1000), rows.map((r) => r.balance)];
}

const balance = async () =>
  (await db.pool.query<{ b: number }>(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'paper'`)).rows[0]!.b;

/** Queue depths and DLQ counts read from the emulator, as `npm start` reports them on `GET /local/v1/run`. */
async function queueStatus(): Promise<RunStatus> {
  const depth = async (url: string) => {
    const { Attributes: a = {} } = await emu.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  const queues: NonNullable<RunStatus['queues']> = {};
  for (const [name, queue] of Object.entries(emu.queues)) {
    const [own, dlq] = await Promise.all([depth(queue.url), depth(queue.dlqUrl)]);
    queues[name] = { depth: own.visible, inFlight: own.inFlight, dlq: dlq.visible + dlq.inFlight };
  }
  return { queues };
}

describe.skipIf(!hasChromium)(
  `dashboard in Chromium (${CHROMIUM}; skipped when it is missing: .ci/run installs it with apt)`,
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sharpline-dashboard-'));
      [db, emu] = await Promise.all([createTestDatabase(), startEmulators()]);
      gameA = await seedSampleGame(db.pool);
      gameB = await seedSampleGame(db.pool, { gameId: '0b7e3c55-9a1d-4f2e-8c6b-5d4a3b2c1d0e', suffix: 'B' });
      await fundPaperBankroll(db.pool, INITIAL_MICROS);
      evaluate = buildEvaluator({ pool: db.pool, emulators: emu, limits: { cooldownMs: 0 } });

      const now = Date.now();
      // Game A: two model edges and an arbitrage, then a stale one; settled below with the home team winning.
      await decide([
        modelEdgeCandidate({ nowMs: now, bookVersion: 1 }),
        modelEdgeCandidate({ nowMs: now, bookVersion: 2 }),
        arbitrageCandidate({ nowMs: now, bookVersion: 3 }),
        modelEdgeCandidate({ nowMs: now, bookVersion: 4, priceObservedAtMs: now - 3_600_000 }),
      ]);
      await db.pool.query(
        `INSERT INTO game_states (game_id, observed_at, status, period, home_score, away_score, winner_team_id)
       VALUES ($1, now(), 'final', 4, 112, 104, $2)`,
        [gameA.gameId, gameA.homeTeamId],
      );
      expect((await settleFinishedGames(createPgSettlementStore(db.pool), Date.now())).settled).toBeGreaterThan(0);
      // Game B stays live with an open position.
      await decide([
        gameBCandidate(),
        arbitrageCandidate({
          gameId: gameB.gameId,
          nowMs: Date.now(),
          bookVersion: 100,
          leg: { venueMarketId: `${kalshiLeg().venueMarketId}B` },
          hedge: { venueMarketId: `${polymarketLeg().venueMarketId}B` },
        }),
      ]);

      const { startApiServer } = await import('../../local/api/server.ts');
      server = await startApiServer({
        pool: db.rolePool('api'),
        jwtKeyFile: join(dir, 'jwt.json'),
        deps: {
          sqs: emu.sqs,
          browserJobsQueueUrl: emu.queues.browserJobs.url,
          priceCache: createInMemoryPriceCache(),
          idempotencyTable: undefined,
          secrets: createLocalSecretsProvider(join(dir, 'secrets.json')),
        },
        localRun: queueStatus,
      });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await emu?.stop();
      await db?.drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('shows the run, redraws as it goes on, and its kill switch stops the evaluator', async () => {
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${server.url}/`);
      const refreshes = () => page.evaluate(() => (globalThis as unknown as PageHandle).sharplineDashboard.refreshes());
      await until(refreshes, (n) => n >= 1, 'first refresh');
      expect(await page.getAttribute('#status', 'data-state')).toBe('ok');

      // Bankroll: the chart, loaded on open, is the database's whole history (opening, deposit, every debit and the
      // settlement's credit), and ends at its balance.
      const chartData = () =>
        page.evaluate(() => (globalThis as unknown as PageHandle).sharplineDashboard.bankrollData());
      const first = await chartData();
      const history = await bankrollHistory();
      expect(history[0]!.length).toBeGreaterThan(3);
      expect(first).toEqual(history);
      expect(first[1]!.at(-1)).toBe(await balance());
      expect(await page.textContent('#bankroll-balance')).toBe(formatDollars(await balance()));

      // Signals: the table holds every decision, newest first, as the database has them.
      const { rows: decided } = await db.pool.query<{ decision: string; reason: string }>(
        `SELECT decision, reason FROM trading_signals ORDER BY decided_at DESC, id DESC`,
      );
      const tableSignals = () =>
        page.$$eval('#signals-body tr', (trs) =>
          trs.map((tr) => ({ decision: tr.children[1]!.textContent, reason: tr.children[2]!.textContent })),
        );
      expect(await tableSignals()).toEqual(decided);
      expect(decided.some((s) => s.reason === 'price_stale')).toBe(true);

      // Open positions: game B's, one row each.
      const { rows: open } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM positions WHERE status = 'open'`,
      );
      expect(open[0]!.n).toBeGreaterThan(0);
      expect(await page.$$eval('#positions-body tr', (trs) => trs.map((tr) => tr.children[1]!.textContent))).toEqual(
        Array(open[0]!.n).fill('GSWB @ BOSB'),
      );

      // P&L by game: game A's realized P&L as settled, game B nothing realized yet.
      const { rows: pnl } = await db.pool.query<{ game: string; pnl: number }>(
        `SELECT g.id AS game, coalesce(sum(p.realized_pnl_micros), 0)::bigint AS pnl
         FROM positions p JOIN markets m ON m.id = p.market_id JOIN games g ON g.id = m.game_id GROUP BY g.id`,
      );
      const pnlRows = Object.fromEntries(
        await page.$$eval('#pnl-body tr', (trs) =>
          trs.map((tr) => [tr.children[0]!.textContent, tr.children[4]!.textContent]),
        ),
      );
      const realizedA = Number(pnl.find((r) => r.game === gameA.gameId)!.pnl);
      expect(realizedA).not.toBe(0);
      expect(pnlRows['GSW @ BOS']).toBe(formatDollars(realizedA));
      expect(pnlRows['GSWB @ BOSB']).toBe(formatDollars(0));

      // Queue depths and DLQ counts from the run status; latency is not reported by this run, and says so.
      expect(await page.$$eval('#queues-body tr', (trs) => trs.length)).toBe(Object.keys(emu.queues).length);
      // A clean run: nothing in any dead-letter queue.
      const dlqCounts = await page.$$eval('#dlq-body tr td:last-child', (tds) => tds.map((td) => td.textContent));
      expect(dlqCounts).toEqual(Object.keys(emu.queues).map(() => '0'));
      expect(await page.textContent('#panel-latency .empty')).toBe('no data');

      // The run goes on: a new trade moves the bankroll and the open page draws the new point.
      await decide([gameBCandidate()]);
      const after = await balance();
      expect(after).not.toBe(first[1]!.at(-1));
      const second = await until(chartData, (d) => d[1]!.at(-1) === after, 'chart redrawn with the new balance');
      expect(second).toEqual(await bankrollHistory());
      expect(second[0]!.length).toBeGreaterThan(first[0]!.length);

      // The admin engages the kill switch from the page: the API says engaged, and the evaluator rejects.
      expect(await page.textContent('#kill-switch-button')).toBe('Engage kill switch');
      await page.fill('#kill-switch-reason', 'dashboard drill');
      await page.click('#kill-switch-button');
      await until(
        () => page.textContent('#kill-switch-state'),
        (s) => s === 'ENGAGED',
        'page shows engaged',
      );
      const keys = await (await import('../../local/api/jwt.ts')).loadLocalJwtKeys(join(dir, 'jwt.json'));
      const view = await (
        await fetch(`${server.url}/v1/kill-switch`, {
          headers: { authorization: `Bearer ${await keys.sign({ sub: 'ops', role: 'admin' })}` },
        })
      ).json();
      expect(view).toMatchObject({ engaged: true, reason: 'dashboard drill', updatedBy: 'local-admin' });

      const stopped = gameBCandidate();
      await decide([stopped]);
      const { rows: rejected } = await db.pool.query<{ decision: string; reason: string }>(
        `SELECT decision, reason FROM trading_signals WHERE candidate_id = $1`,
        [stopped.id],
      );
      expect(rejected).toEqual([{ decision: 'rejected', reason: 'kill_switch_engaged' }]);
      await until(
        tableSignals,
        (rows) => rows[0]?.reason === 'kill_switch_engaged',
        'page shows the kill_switch_engaged rejection',
      );
      expect(await page.textContent('#kill-switch-button')).toBe('Release kill switch');

      // And releases it: the evaluator trades again.
      await page.click('#kill-switch-button');
      await until(
        () => page.textContent('#kill-switch-state'),
        (s) => s === 'released',
        'page shows released',
      );
      const resumed = gameBCandidate();
      await decide([resumed]);
      const { rows: again } = await db.pool.query<{ decision: string }>(
        `SELECT decision FROM trading_signals WHERE candidate_id = $1`,
        [resumed.id],
      );
      expect(again).toEqual([{ decision: 'accepted' }]);

      await mkdir('test/e2e/__screenshots__', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(pageErrors).toEqual([]);
    }, 40_000);
  },
);
