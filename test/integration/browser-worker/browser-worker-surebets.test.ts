import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertGame, upsertMarket, upsertTeam } from '#adapters/pg/reference-data';
import { type SurebetCandidate, surebetCandidateId, surebetCandidateSchema } from '#contracts/signal-candidate';
import { venueSettlementRules } from '#domain/settlement/index';
import { chromiumMissing, finished, startWorkerHarness, type WorkerHarness } from './harness.ts';

/**
 * check_odds publishing surebet candidates (issue 13): real Chromium on both demo books, Postgres and the fauxqs
 * candidates queue the evaluator reads. Figures below are worked from the books' odds in exact integers here, not
 * through the domain's functions.
 */
describe.skipIf(chromiumMissing)('browser worker surebet candidates (real Chromium, demo books, SQS)', () => {
  let h: WorkerHarness;
  let queueUrl: string;

  beforeAll(async () => {
    h = await startWorkerHarness();
    queueUrl = await h.newQueue();
    await h.startWorker({ queueUrl });
  });
  afterAll(() => h?.close());

  const book = (name: 'demo' | 'demo2') => h.books.books.find((b) => b.name === name)!;

  const checkOdds = async (sportsbook: 'demo' | 'demo2', eventId = 'bos-at-den') => {
    const job = await h.job(`user-${randomUUID()}`, {
      type: 'check_odds',
      priority: 5,
      payload: { sportsbook, eventUrl: h.eventUrl(sportsbook, eventId) },
    });
    await h.send(queueUrl, job.message);
    const done = await h.waitFor(job.id, finished);
    expect(done.status).toBe('succeeded');
    return done.result as { gameId: string | null; surebets: (SurebetCandidate & { published: boolean })[] };
  };

  /** Everything on the candidates queue now (the worker sends before it finishes the job), deleted as read. */
  const takeCandidates = async () => {
    const taken: unknown[] = [];
    for (;;) {
      const { Messages = [] } = await h.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: h.candidatesQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return taken;
      for (const message of Messages) {
        taken.push(JSON.parse(message.Body ?? 'null'));
        await h.sqs.send(
          new DeleteMessageCommand({ QueueUrl: h.candidatesQueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
  };

  /** Plus American odds as decimal odds times 100: +105 -> 205. */
  const over100 = (american: number) => BigInt(100 + american);
  const TOTAL = 100_000_000n;
  /** Two plus-odds legs staked for equal payouts, floored to the micro, and what the worse one pays. */
  const twoBooks = (a: number, b: number) => {
    const [na, nb] = [over100(a), over100(b)];
    const stakeA = (TOTAL * nb) / (na + nb);
    const stakeB = (TOTAL * na) / (na + nb);
    const payA = (stakeA * na) / 100n;
    const payB = (stakeB * nb) / 100n;
    return { stakeA: Number(stakeA), stakeB: Number(stakeB), payout: Number(payA < payB ? payA : payB) };
  };

  it('publishes the demo/demo2 surebet once, not again at unchanged odds, and anew when the odds move', async () => {
    expect((await checkOdds('demo')).surebets).toEqual([]);
    expect(await takeCandidates()).toEqual([]);

    // demo: home +110; demo2: away +105 (PLANTED_SUREBET).
    const result = await checkOdds('demo2');
    const [message, ...more] = await takeCandidates();
    expect(more).toEqual([]);
    const candidate = surebetCandidateSchema.parse(message);
    const planted = twoBooks(110, 105);
    expect(candidate).toMatchObject({
      kind: 'surebet',
      gameId: null,
      eventKey: 'nba|2026-11-15T02:00:00.000Z|BOS@DEN',
      market: 'moneyline',
      totalStakeMicros: planted.stakeA + planted.stakeB,
      payoutMicros: planted.payout,
      profitMicros: planted.payout - planted.stakeA - planted.stakeB,
    });
    expect(candidate.legs).toEqual([
      expect.objectContaining({
        venue: 'sportsbook:demo2',
        selection: 'moneyline.away',
        americanOdds: 105,
        stakeMicros: planted.stakeB,
      }),
      expect.objectContaining({
        venue: 'sportsbook:demo',
        selection: 'moneyline.home',
        americanOdds: 110,
        stakeMicros: planted.stakeA,
      }),
    ]);
    expect(candidate.id).toBe(surebetCandidateId(candidate));
    expect(result.surebets.map((s) => [s.id, s.published, s.legs.map((l) => l.stakeMicros)])).toEqual([
      [candidate.id, true, [planted.stakeB, planted.stakeA]],
    ]);

    const again = await checkOdds('demo2');
    expect(again.surebets.map((s) => [s.id, s.published])).toEqual([[candidate.id, false]]);
    expect(await takeCandidates()).toEqual([]);

    book('demo').admin.plantOdds({ eventId: 'bos-at-den', home: 120, away: -140 });
    const moved = await checkOdds('demo');
    const [next, ...others] = await takeCandidates();
    expect(others).toEqual([]);
    const renewed = surebetCandidateSchema.parse(next);
    const figures = twoBooks(120, 105);
    expect(renewed.id).not.toBe(candidate.id);
    expect(renewed.legs.map((l) => [l.venue, l.stakeMicros])).toEqual([
      ['sportsbook:demo2', figures.stakeB],
      ['sportsbook:demo', figures.stakeA],
    ]);
    expect(renewed.payoutMicros).toBe(figures.payout);
    expect(moved.surebets.map((s) => [s.id, s.published])).toEqual([[renewed.id, true]]);
  });

  it("pairs a matched game's Kalshi full-game-winner ask with the book, in whole contracts, fee included", async () => {
    // Our game LAL at GS (ESPN's code; the book prints GSW), 22:30 US-Eastern on 14 November.
    const db = h.db.pool;
    const home = await upsertTeam(db, {
      sport: 'nba',
      abbreviation: 'GS',
      name: 'Golden State Warriors',
      espnTeamId: '9',
    });
    const away = await upsertTeam(db, {
      sport: 'nba',
      abbreviation: 'LAL',
      name: 'Los Angeles Lakers',
      espnTeamId: '13',
    });
    const gameId = await upsertGame(db, {
      sport: 'nba',
      homeTeamId: home,
      awayTeamId: away,
      startsAtMs: Date.parse('2026-11-15T03:30:00.000Z'),
      espnEventId: '401999001',
    });
    const winner = 'nba|2026-11-14|LAL@GS|winner_incl_ot|no_tie';
    const market = async (venue: 'kalshi' | 'polymarket', id: string, team: string, key: string, ask: number) => {
      const marketId = await upsertMarket(db, {
        venue,
        venueMarketId: id,
        gameId,
        outcomeTeamId: team,
        yesMeaning: `${team === home ? 'GS' : 'LAL'} wins`,
        title: id,
        resolutionRule: 'r',
        resolutionKey: key,
        tickSizeMicros: 10_000,
        fee: venue === 'kalshi' ? { venue, multiplier: 1 } : { venue, rate: 0, exponent: 1 },
        settlement: venueSettlementRules[venue],
      });
      await db.query(
        `INSERT INTO market_prices (observed_at, market_id, venue, side, bid_micros, ask_micros)
         VALUES (now(), $1, $2, 'yes', $3, $4)`,
        [marketId, venue, ask - 10_000, ask],
      );
    };
    await market('kalshi', 'KXNBAGAME-26NOV14LALGSW-GSW', home, winner, 450_000);
    // Cheaper, but a first half: never paired. LAL on Polymarket at 60c loses to the book's +105.
    await market('kalshi', 'KXNBA1HWINNER-26NOV14LALGSW-GSW', home, 'nba|2026-11-14|LAL@GS|first_half|no_tie', 300_000);
    await market('polymarket', '0xlal-token', away, winner, 600_000);
    book('demo').admin.plantOdds({ eventId: 'lal-at-gsw', home: -150, away: 105 });

    const result = await checkOdds('demo', 'lal-at-gsw');
    expect(result.gameId).toBe(gameId);
    const [message, ...more] = await takeCandidates();
    expect(more).toEqual([]);
    const candidate = surebetCandidateSchema.parse(message);

    // Kalshi's taker fee on C contracts at 45c: ceil(0.07 x C x 0.45 x 0.55) to the cent = ceil(7 x C x 2475 / 10^4) cents.
    const feeMicros = (contracts: bigint) => ((7n * contracts * 2475n + 9_999n) / 10_000n) * 10_000n;
    const effective = 450_000n + feeMicros(100n) / 100n; // 46.74c a contract, fee included
    expect(effective).toBe(467_400n);
    // Equal payouts against +105 (205/100): the PM leg's share of $100 is eff / (eff + 10^6 x 100/205).
    const denominator = effective * 205n + 100n * 1_000_000n;
    const pmShare = (TOTAL * effective * 205n) / denominator;
    const contracts = pmShare / effective;
    const pmCost = contracts * 450_000n + feeMicros(contracts);
    const bookStake = (TOTAL * 100n * 1_000_000n) / denominator;
    const payout = Math.min(Number(contracts) * 1_000_000, Number((bookStake * 205n) / 100n));
    expect(contracts).toBe(104n);

    expect(candidate).toMatchObject({
      kind: 'surebet',
      gameId,
      eventKey: 'nba|2026-11-15T03:30:00.000Z|LAL@GSW',
      totalStakeMicros: Number(pmCost + bookStake),
      payoutMicros: payout,
      profitMicros: payout - Number(pmCost + bookStake),
    });
    expect(candidate.legs).toEqual([
      expect.objectContaining({ kind: 'sportsbook', venue: 'sportsbook:demo', selection: 'moneyline.away' }),
      expect.objectContaining({
        kind: 'prediction_market',
        venue: 'kalshi',
        venueMarketId: 'KXNBAGAME-26NOV14LALGSW-GSW',
        side: 'yes',
        askMicros: 450_000,
        effectivePriceMicros: Number(effective),
        quantity: Number(contracts) * 100,
        stakeMicros: Number(pmCost),
        fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 },
      }),
    ]);
    expect(candidate.legs[0]?.stakeMicros).toBe(Number(bookStake));
    expect(result.surebets.map((s) => [s.id, s.published])).toEqual([[candidate.id, true]]);
  });
});
