import { fileURLToPath } from 'node:url';
import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { applyBankrollChange, getBankroll } from '#adapters/pg/bankroll';
import { createPool } from '#adapters/pg/pool';
import { apiConfig, evaluatorConfig, gameShardConfig, loadConfig, settlementConfig } from '#config/env';
import { contractsOf, formatDollars as dollars, formatCents, kellyFraction } from '#domain';
import { createSettlementHandler } from '../functions/settlement/settlement.ts';
import { createSignalEvaluator } from '../functions/signal-evaluator/evaluator.ts';
import { priceCacheFromConfig } from '../shared/adapters/price-cache/from-config.ts';
import { startApiServer } from './api/server.ts';
import { localLambdaContext } from './lambda-context.ts';
import { startLocalOutboxRelay } from './outbox-relay.ts';
import { startPoller } from './pipeline/poller.ts';
import { countDecided, readRunReport } from './report.ts';
import { replayScenario, type TickProgress } from './sample-game/replay.ts';
import { loadScenario } from './sample-game/scenario.ts';
import { startLocalStack } from './stack.ts';

export interface RunOptions {
  port: number;
  speedup: number;
  serve: boolean;
}

const INITIAL_PAPER_BANKROLL_MICROS = 10_000_000_000;
const DECISION_DEADLINE_MS = 60_000;

/** The pipeline behind `npm start`; returns whether every candidate got its decision. */
export async function runLocalPipeline({ port, speedup, serve }: RunOptions): Promise<boolean> {
  const t0 = Date.now();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const step = (line: string) => say(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}`);

  say('sharpline: local pipeline on the embedded default');
  const stack = await startLocalStack(step);
  step(`stack up: ${stack.parts.join(', ')}`);
  // Each component's own config, from the environment with the stack's parts in place of what it names.
  const config = loadConfig(evaluatorConfig, {
    // Game time runs `speedup` times faster, so the cooldown shrinks with it unless it was set explicitly.
    defaults: { SIGNAL_COOLDOWN_MS: String(Math.round(60_000 / speedup)) },
    overrides: stack.env,
  });
  // Each component as its own database role, as in AWS; the owner's pool funds the bankroll and reads the report.
  const pool = createPool({ connectionString: stack.databaseUrl });
  const apiPool = createPool({ connectionString: stack.databaseUrl, component: 'api' });
  const shardPool = createPool({ connectionString: stack.databaseUrl, component: 'gameShard' });
  const evaluatorPool = createPool({ connectionString: stack.databaseUrl, component: 'evaluator' });
  const settlementPool = createPool({ connectionString: stack.databaseUrl, component: 'settlement' });

  const funded = await getBankroll(pool, { mode: 'paper' }).catch(() => undefined);
  if (!funded || funded.balanceMicros === 0) {
    await applyBankrollChange(pool, {
      mode: 'paper',
      deltaMicros: INITIAL_PAPER_BANKROLL_MICROS,
      reason: 'deposit',
      ref: 'local-initial-deposit',
    });
  }
  const bankrollBefore = await getBankroll(pool, { mode: 'paper' });
  step(`paper bankroll ${dollars(bankrollBefore.balanceMicros)}`);

  const apiSettings = loadConfig(apiConfig, { overrides: stack.env });
  const api = await startApiServer({ port, pool: apiPool, config: apiSettings }).catch(() =>
    startApiServer({ port: 0, pool: apiPool, config: apiSettings }),
  );
  step(`HTTP API on ${api.url}  (token: npm run -s token -- --sub alice --role admin)`);

  const sqs = makeSqsClient(stack.sqsEndpoint);
  const relay = startLocalOutboxRelay({ pool: apiPool, sqs, queueUrl: stack.queues.browserJobs.url });
  const dynamo = makeDynamoClient(config.DYNAMODB_ENDPOINT);
  const evaluator = createSignalEvaluator(config, { pool: evaluatorPool, sqs, dynamo });
  const settlement = createSettlementHandler({
    pool: settlementPool,
    config: loadConfig(settlementConfig, { overrides: stack.env }),
  });
  const poller = startPoller({
    sqs,
    queueUrl: stack.queues.candidates.url,
    queueArn: stack.queues.candidates.arn,
    handler: evaluator,
    retryAfterSeconds: 1,
  });

  const scenario = loadScenario(fileURLToPath(new URL('./sample-game/boston-at-denver.json', import.meta.url)));
  step(`replaying: ${scenario.description.split('.')[0]} (game time x${speedup})`);

  function describeTick({ tick, homeWinProbability, candidates }: TickProgress): string {
    const { game } = tick;
    const clock = `Q${game.period} ${Math.floor(game.clockSeconds / 60)}:${String(game.clockSeconds % 60).padStart(2, '0')}`;
    const score = `${game.away.abbreviation} ${game.away.score} @ ${game.home.abbreviation} ${game.home.score}`;
    if (game.status === 'final') return `FINAL ${score}`;
    const cents = (micros?: number) => (micros === undefined ? '  - ' : formatCents(micros, 0));
    const kalshi = cents(tick.kalshi?.yes.asks[0]?.priceMicros);
    const poly = cents(tick.polymarket?.[scenario.kalshi.yesTeam]?.asks[0]?.priceMicros);
    const found = candidates.map((c) => `${c.kind === 'arbitrage' ? 'ARB' : 'edge'} ${c.leg.venue} ${c.edgeBps}bp`);
    return `${clock.padEnd(9)} ${score.padEnd(18)} model P(${game.home.abbreviation})=${homeWinProbability?.toFixed(3)}  ask ${game.home.abbreviation}: kalshi ${kalshi} polymarket ${poly}  -> ${found.length ? found.join(', ') : 'no candidate'}`;
  }

  const priceCache = priceCacheFromConfig(loadConfig(gameShardConfig, { overrides: stack.env }));
  const run = await replayScenario({
    scenario,
    pool: shardPool,
    sqs,
    candidatesQueueUrl: stack.queues.candidates.url,
    priceCache,
    speedup,
    minEdgeBps: config.MIN_EDGE_BPS,
    onTick: (progress) => {
      step(describeTick(progress));
      const best = progress.candidates.find((c) => c.kind === 'model_edge');
      if (best) {
        const kelly = kellyFraction(best.modelProbability, best.leg.askMicros);
        step(
          `          full Kelly at ${formatCents(best.leg.askMicros)}: ${(kelly * 100).toFixed(1)}% of bankroll; fractional (${config.KELLY_FRACTION}): ${(kelly * config.KELLY_FRACTION * 100).toFixed(1)}%`,
        );
      }
    },
  });

  step(`waiting for the evaluator to decide ${run.candidateIds.length} candidates`);
  const deadline = Date.now() + DECISION_DEADLINE_MS;
  let decided = await countDecided(pool, run.candidateIds);
  while (decided < run.candidateIds.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    decided = await countDecided(pool, run.candidateIds);
  }
  await poller.stop();
  step(`${decided}/${run.candidateIds.length} decided in ${poller.batches} SQS batches`);

  const settled = await settlement({}, localLambdaContext('settlement'));
  step(`settlement: ${settled.settled} positions settled, payout ${dollars(settled.payoutMicros)}`);

  const report = await readRunReport(pool, run);
  const bankrollAfter = await getBankroll(pool, { mode: 'paper' });
  say('\n=== report ===');
  say('decisions:');
  for (const d of report.decisions) say(`  ${d.decision.padEnd(9)} ${String(d.count).padStart(3)}  ${d.reason}`);
  say('paper trades:');
  for (const t of report.trades) {
    const avg = t.quantityHundredths ? Math.round(t.costMicros / contractsOf(t.quantityHundredths)) : 0;
    say(
      `  ${t.venue.padEnd(10)} ${t.side.toUpperCase().padEnd(3)} (${t.yesMeaning.padEnd(8)}) ${contractsOf(t.quantityHundredths).toFixed(2).padStart(9)} contracts  avg ${formatCents(avg, 2)}  cost ${dollars(t.costMicros)}  fees ${dollars(t.feeMicros)}`,
    );
  }
  say(
    `settled positions: ${report.settlement.positions}, realized P&L ${dollars(report.settlement.realizedPnlMicros)}`,
  );
  say(
    `paper bankroll: ${dollars(bankrollBefore.balanceMicros)} -> ${dollars(bankrollAfter.balanceMicros)} (${dollars(bankrollAfter.balanceMicros - bankrollBefore.balanceMicros)})`,
  );
  say(`took ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  if (serve) {
    say(`\nAPI still serving on ${api.url}; Ctrl-C stops it.`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await api.stop();
  await relay.stop();
  await priceCache.close();
  sqs.destroy();
  dynamo.destroy();
  await Promise.all([pool, apiPool, shardPool, evaluatorPool, settlementPool].map((p) => p.end()));
  await stack.stop();
  return decided === run.candidateIds.length;
}
