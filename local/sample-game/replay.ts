import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { upsertMarketPrices } from '#adapters/pg/market-prices';
import { recordGameState, upsertGame, upsertMarket, upsertTeam } from '#adapters/pg/reference-data';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { type OrderBook, winProbability } from '#domain';
import { venueSettlementRules } from '#domain/settlement/index';
import { findCandidates } from '../../shared/services/scanner/find-candidates.ts';
import { marketSides, SAMPLE_RESOLUTION_KEY } from './market-sides.ts';
import type { Scenario, ScenarioTick } from './scenario.ts';

/**
 * Plays the sample game as the game shard would see it, on the wall clock: each tick's state and books are stored,
 * scanned, and the candidates sent to the candidates queue. Game time runs `speedup` times faster than real time;
 * every timestamp is real, so the evaluator judges freshness as it does in production.
 */
export interface ReplayOptions {
  scenario: Scenario;
  pool: pg.Pool;
  sqs: SQSClient;
  candidatesQueueUrl: string;
  speedup: number;
  minEdgeBps: number;
  onTick: (line: TickProgress) => void;
}

export interface TickProgress {
  index: number;
  tick: ScenarioTick;
  homeWinProbability: number | null;
  candidates: SignalCandidate[];
}

export interface ReplayResult {
  gameId: string;
  candidateIds: string[];
  startedAtMs: number;
}

const KALSHI_TAKER_RATE_PPM = 70_000;
const PPM = 1_000_000;

export async function seedScenario(
  pool: pg.Pool,
  scenario: Scenario,
): Promise<{ gameId: string; marketIds: Map<string, string> }> {
  const first = scenario.ticks[0]!.game;
  const teamIds = new Map<string, string>();
  for (const team of [first.home, first.away]) {
    teamIds.set(
      team.abbreviation,
      await upsertTeam(pool, {
        sport: scenario.sport,
        abbreviation: team.abbreviation,
        name: team.name,
        espnTeamId: team.id,
      }),
    );
  }
  const gameId = await upsertGame(pool, {
    sport: scenario.sport,
    homeTeamId: teamIds.get(first.home.abbreviation)!,
    awayTeamId: teamIds.get(first.away.abbreviation)!,
    startsAtMs: Date.parse(first.startsAt),
    espnEventId: first.espnEventId,
  });
  const marketIds = new Map<string, string>();
  marketIds.set(
    scenario.kalshi.ticker,
    await upsertMarket(pool, {
      venue: 'kalshi',
      venueMarketId: scenario.kalshi.ticker,
      gameId,
      outcomeTeamId: teamIds.get(scenario.kalshi.yesTeam)!,
      yesMeaning: `${scenario.kalshi.yesTeam} wins`,
      title: scenario.kalshi.ticker,
      resolutionRule: scenario.kalshi.rules,
      resolutionKey: SAMPLE_RESOLUTION_KEY,
      tickSizeMicros: 10_000,
      takerFeeRatePpm: KALSHI_TAKER_RATE_PPM,
      feeMultiplierPpm: Math.round(scenario.kalshi.feeMultiplier * PPM),
      feeExponent: 1,
      settlement: venueSettlementRules.kalshi,
    }),
  );
  for (const [team, tokenId] of Object.entries(scenario.polymarket.tokenIdByTeam)) {
    marketIds.set(
      tokenId,
      await upsertMarket(pool, {
        venue: 'polymarket',
        venueMarketId: tokenId,
        gameId,
        outcomeTeamId: teamIds.get(team)!,
        yesMeaning: `${team} wins`,
        title: `${scenario.polymarket.conditionId} ${team}`,
        resolutionRule: scenario.polymarket.rules,
        resolutionKey: SAMPLE_RESOLUTION_KEY,
        tickSizeMicros: 10_000,
        takerFeeRatePpm: scenario.polymarket.feeRateBps * 100,
        feeMultiplierPpm: PPM,
        feeExponent: scenario.polymarket.feeExponent,
        settlement: venueSettlementRules.polymarket,
      }),
    );
  }
  return { gameId, marketIds };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function topOfBook(book: OrderBook) {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  return {
    bidMicros: bid?.priceMicros ?? null,
    askMicros: ask?.priceMicros ?? null,
    bidSizeHundredths: bid?.quantity ?? null,
    askSizeHundredths: ask?.quantity ?? null,
  };
}

async function storeTick(
  pool: pg.Pool,
  scenario: Scenario,
  tick: ScenarioTick,
  ids: { gameId: string; marketIds: Map<string, string> },
  observedAtMs: number,
) {
  const { game } = tick;
  const winner = game.home.score > game.away.score ? game.home : game.away;
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM teams WHERE sport = $1 AND abbreviation = $2', [
    scenario.sport,
    winner.abbreviation,
  ]);
  await recordGameState(pool, {
    gameId: ids.gameId,
    observedAtMs,
    status: game.status,
    period: game.period,
    clockRemainingSeconds: Math.round(game.clockSeconds),
    homeScore: game.home.score,
    awayScore: game.away.score,
    winnerTeamId: game.status === 'final' ? (rows[0]?.id ?? null) : null,
  });
  const prices = [];
  if (tick.kalshi) {
    const marketId = ids.marketIds.get(scenario.kalshi.ticker)!;
    for (const side of ['yes', 'no'] as const) {
      prices.push({ observedAtMs, marketId, venue: 'kalshi' as const, side, ...topOfBook(tick.kalshi[side]) });
    }
  }
  for (const [team, book] of Object.entries(tick.polymarket ?? {})) {
    const marketId = ids.marketIds.get(scenario.polymarket.tokenIdByTeam[team] ?? '');
    if (marketId)
      prices.push({ observedAtMs, marketId, venue: 'polymarket' as const, side: 'yes' as const, ...topOfBook(book) });
  }
  await upsertMarketPrices(pool, prices);
}

async function sendCandidates(sqs: SQSClient, queueUrl: string, candidates: SignalCandidate[]): Promise<void> {
  for (let i = 0; i < candidates.length; i += 10) {
    const batch = candidates.slice(i, i + 10);
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((c, j) => ({ Id: String(j), MessageBody: JSON.stringify(c) })),
      }),
    );
    if (sent.Failed?.length)
      throw new Error(`SQS refused ${sent.Failed.length} candidates: ${sent.Failed[0]?.Message}`);
  }
}

export async function replayScenario(opts: ReplayOptions): Promise<ReplayResult> {
  const { scenario, pool } = opts;
  const ids = await seedScenario(pool, scenario);
  const startedAtMs = Date.now();
  const gameStartMs = scenario.ticks[0]!.atMs;
  const candidateIds: string[] = [];
  for (const [index, tick] of scenario.ticks.entries()) {
    const wallMs = startedAtMs + Math.round((tick.atMs - gameStartMs) / opts.speedup);
    await sleep(wallMs - Date.now());
    await storeTick(pool, scenario, tick, ids, wallMs);
    const { game } = tick;
    const live = game.status === 'in_progress';
    const homeWinProbability = live
      ? winProbability(scenario.sport, {
          homeScore: game.home.score,
          awayScore: game.away.score,
          secondsRemaining: game.secondsRemaining,
          pregameHomeWinProbability: scenario.pregameHomeWinProbability,
        })
      : null;
    const candidates = live
      ? findCandidates({
          gameId: ids.gameId,
          sport: scenario.sport,
          homeTeam: game.home.abbreviation,
          awayTeam: game.away.abbreviation,
          homeScore: game.home.score,
          awayScore: game.away.score,
          secondsRemaining: game.secondsRemaining,
          pregameHomeWinProbability: scenario.pregameHomeWinProbability,
          sides: marketSides(scenario, tick, wallMs),
          minEdgeBps: opts.minEdgeBps,
          bookVersion: wallMs,
          stateVersion: wallMs,
          nowMs: Date.now(),
        })
      : [];
    await sendCandidates(opts.sqs, opts.candidatesQueueUrl, candidates);
    candidateIds.push(...candidates.map((c) => c.id));
    opts.onTick({ index, tick, homeWinProbability, candidates });
  }
  return { gameId: ids.gameId, candidateIds, startedAtMs };
}
