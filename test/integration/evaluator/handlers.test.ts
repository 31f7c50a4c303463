import './quiet-env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatorConfig, loadConfig, settlementConfig } from '#config/env';
import { createSettlementHandler } from '../../../functions/settlement/settlement.ts';
import { createSignalEvaluator } from '../../../functions/signal-evaluator/evaluator.ts';
import { localLambdaContext } from '../../../local/lambda-context.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../../support/seed.ts';
import { count, type Emulators, sqsEvent, startEmulators } from './harness.ts';

let db: TestDatabase;
let emu: Emulators;
let game: SampleGame;

beforeAll(async () => {
  [db, emu] = await Promise.all([createTestDatabase(), startEmulators()]);
  game = await seedSampleGame(db.pool);
  await fundPaperBankroll(db.pool, 1_000_000_000);
});

afterAll(async () => {
  await emu?.stop();
  await db?.drop();
});

/** What the Lambda's environment carries, parsed by the process's own schema as its handler module does. */
const lambdaEnv = () => ({ DATABASE_URL: db.url, IDEMPOTENCY_TABLE: emu.idempotencyTable });

describe('deployed handlers (config, middy + Powertools wiring)', () => {
  it('the signal evaluator decides a batch and reports the invalid record as a batch item failure', async () => {
    const handler = createSignalEvaluator(loadConfig(evaluatorConfig, { env: lambdaEnv() }), {
      pool: db.rolePool('evaluator'),
      sqs: emu.sqs,
      dynamo: emu.dynamo,
    });
    const candidate = modelEdgeCandidate({ nowMs: Date.now() });
    const event = sqsEvent([candidate, '{"type":"signal_candidate"']);
    const res = await handler(event, localLambdaContext('signal-evaluator'));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] });
    expect(await count(db.pool, `SELECT count(*) FROM trading_signals WHERE candidate_id = $1`, [candidate.id])).toBe(
      1,
    );
  });

  it('the settlement handler settles a finished game', async () => {
    await db.pool.query(
      `INSERT INTO game_states (game_id, observed_at, status, winner_team_id) VALUES ($1, now(), 'final', $2)`,
      [game.gameId, game.awayTeamId],
    );
    const handler = createSettlementHandler({
      pool: db.rolePool('settlement'),
      config: loadConfig(settlementConfig, { env: lambdaEnv() }),
    });
    const result = await handler({}, localLambdaContext('settlement'));
    expect(result).toMatchObject({ settled: 1, payoutMicros: 0 });
    expect(await count(db.pool, `SELECT count(*) FROM positions WHERE status = 'open'`)).toBe(0);
  });
});
