import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type pg from 'pg';
import { idempotencyConfigFor, makeIdempotencyStore } from '#adapters/aws/idempotency';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import type { EvaluatorConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import {
  type CandidateMessage,
  candidateMessageSchema,
  type SignalCandidate,
  type SurebetCandidate,
  signalCandidateSchema,
  surebetCandidateSchema,
} from '#contracts/signal-candidate';
import { executionSender } from '../../shared/adapters/aws/execution-queues.ts';
import { type Coalescer, createCoalescer } from '../../shared/evaluator/coalescer.ts';
import {
  type CandidateOutcome,
  type EvaluatorDeps,
  evaluateCandidates,
} from '../../shared/evaluator/evaluate-batch.ts';
import { riskLimitsFrom } from '../../shared/evaluator/limits.ts';
import { reportSurebets } from '../../shared/evaluator/report-surebets.ts';
import { logger, metrics, withPowertools } from '../../shared/observability.ts';
import type { DecisionRecord } from '../../shared/ports/signal-store.ts';

export class InvalidCandidateError extends Error {
  constructor(messageId: string, why: string) {
    super(`message ${messageId} is not a valid candidate: ${why}`);
    this.name = 'InvalidCandidateError';
  }
}

/**
 * The batch's two paths: prediction-market candidates are decided together under the risk lock, surebets together
 * on their own (reported, never traded), each path touching the database once.
 */
interface BatchCoalescers {
  signals: Coalescer<SignalCandidate, CandidateOutcome>;
  surebets: Coalescer<SurebetCandidate, DecisionRecord>;
}

/** Ties one record's idempotent call to its batch: whether it reached the decision, and the batch's coalescers. */
interface RecordSlot {
  entered: boolean;
  coalescers: BatchCoalescers;
}

const decisionMetric = {
  accepted: customMetrics.signalsAccepted,
  rejected: customMetrics.signalsRejected,
  reported: customMetrics.signalsReported,
} as const;

function parseRecord(record: SQSRecord): { ok: true; candidate: CandidateMessage } | { ok: false; why: string } {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false, why: 'body is not JSON' };
  }
  const parsed = candidateMessageSchema.safeParse(body);
  if (!parsed.success) {
    // The union's own issue only says no kind fitted: the issues of the kind the body names say why.
    const named =
      (body as { kind?: unknown } | null)?.kind === 'surebet' ? surebetCandidateSchema : signalCandidateSchema;
    const issues = named.safeParse(body).error?.issues ?? parsed.error.issues;
    return { ok: false, why: issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ok: true, candidate: parsed.data };
}

/**
 * The evaluator's per-batch work, built once per process. Each record is parsed (a prediction-market candidate or a
 * surebet), then decided at most once per candidate id (Powertools idempotency on DynamoDB); the candidates that get
 * through are decided together against one Postgres snapshot, the surebets together on their own path. Invalid or
 * undecidable records are batch item failures, so the redrive policy moves them to the DLQ; a database failure fails
 * the records it touched, which SQS delivers again.
 */
export function createEvaluatorHandler(deps: EvaluatorDeps & { persistenceStore: BasePersistenceLayer }) {
  const config = idempotencyConfigFor('id');
  // One per handler, as Powertools advises: it holds the batch in flight, and an instance runs one batch at a time.
  const processor = new BatchProcessor(EventType.SQS);
  const decideOnce = makeIdempotent(
    async (candidate: CandidateMessage, slot: RecordSlot): Promise<DecisionRecord> => {
      slot.entered = true;
      // A surebet is routed before any market lookup: its sportsbook legs have no market of ours.
      const outcome =
        candidate.kind === 'surebet'
          ? await slot.coalescers.surebets.submit(candidate)
          : await slot.coalescers.signals.submit(candidate);
      if (outcome instanceof Error) throw outcome;
      metrics.addMetric(decisionMetric[outcome.status].name, MetricUnit.Count, 1);
      metrics.addMetric(
        customMetrics.candidateToDecisionLatency.name,
        MetricUnit.Milliseconds,
        deps.now() - candidate.createdAtMs,
      );
      return outcome;
    },
    { persistenceStore: deps.persistenceStore, config },
  );

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    config.registerLambdaContext(context);
    const parsed = new Map(event.Records.map((r) => [r.messageId, parseRecord(r)]));
    const valid = [...parsed.values()].flatMap((p) => (p.ok ? [p.candidate] : []));
    const surebetCount = valid.filter((c) => c.kind === 'surebet').length;
    const coalescers: BatchCoalescers = {
      signals: createCoalescer<SignalCandidate, CandidateOutcome>(valid.length - surebetCount, (candidates) =>
        evaluateCandidates(deps, candidates),
      ),
      surebets: createCoalescer<SurebetCandidate, DecisionRecord>(surebetCount, (candidates) =>
        reportSurebets(deps, candidates),
      ),
    };

    const processRecord = async (record: SQSRecord): Promise<DecisionRecord> => {
      const p = parsed.get(record.messageId)!;
      metrics.addMetric(customMetrics.candidatesEvaluated.name, MetricUnit.Count, 1);
      if (!p.ok) {
        metrics.addMetric(customMetrics.candidateParseFailures.name, MetricUnit.Count, 1);
        logger.warn('invalid candidate', { messageId: record.messageId, why: p.why });
        throw new InvalidCandidateError(record.messageId, p.why);
      }
      const slot: RecordSlot = { entered: false, coalescers };
      try {
        return await decideOnce(p.candidate, slot);
      } finally {
        if (!slot.entered) (p.candidate.kind === 'surebet' ? coalescers.surebets : coalescers.signals).skip();
      }
    };

    return processPartialResponse(event, processRecord, processor, { context });
  };
}

export interface EvaluatorClients {
  pool: pg.Pool;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
}

/** The signal evaluator as deployed: its config and clients wired into the handler, in the Powertools chain. */
export function createSignalEvaluator(config: EvaluatorConfig, { pool, sqs, dynamo }: EvaluatorClients) {
  return withPowertools(
    createEvaluatorHandler({
      store: createPgSignalStore(pool, config.TRADING_MODE),
      limits: riskLimitsFrom(config),
      mode: config.TRADING_MODE,
      now: Date.now,
      sendExecutionRequests: executionSender(sqs, {
        kalshi: config.EXECUTION_KALSHI_QUEUE_URL,
        polymarket: config.EXECUTION_POLYMARKET_QUEUE_URL,
      }),
      persistenceStore: makeIdempotencyStore(config.IDEMPOTENCY_TABLE, dynamo),
    }),
  );
}
