/**
 * What the dashboard reads from `GET /local/v1/run`, the facts `npm start` holds about its own run and the API
 * (Postgres) does not: queue depths, DLQ counts, latencies, progress. Every part is optional and checked before use:
 * the page shows "no data" for a part the run does not report.
 */
export interface Percentiles {
  count: number;
  p50: number | null;
  p99: number | null;
}

export interface QueueCounts {
  /** Visible messages. */
  depth: number;
  inFlight: number;
  /** Messages in its dead-letter queue. */
  dlq: number;
}

export interface RunStatus {
  phase?: string;
  /** What is being run ("simulated evening: seed 7, 8 games (nba, nfl)"). */
  feed?: string;
  /** 0..1 of the feed done. */
  progress?: number;
  /** Feed lines the shard has handled. */
  messages?: number;
  parseFailuresPer1000?: number;
  candidates?: Partial<Record<string, number>>;
  /** Candidates sent to the queue. */
  published?: number;
  /** By the queue's key in `shared/config/resources.ts` (`candidates`, `executionKalshi`, ...). */
  queues?: Partial<Record<string, QueueCounts>>;
  latencyMs?: { feedToCandidate?: Percentiles; candidateToDecision?: Percentiles };
}
