/**
 * What `GET /local/v1/run` answers while an evening runs in this process, and what the dashboard reads from it. Every
 * part is optional: the page shows "no data" for a part the run does not report.
 */
export interface LatencySummary {
  p50: number;
  p99: number;
  count: number;
}

export interface QueueStatus {
  /** The queue's short name (`candidates`, `executionKalshi`, ...). */
  name: string;
  visible: number;
  inFlight: number;
  /** Its dead-letter queue's visible messages. */
  dlq?: { name: string; visible: number };
}

export interface RunStatus {
  progress?: {
    messagesProcessed: number;
    messagesTotal?: number;
    candidates: number;
    accepted: number;
    rejected: number;
    parseFailures?: number;
    done?: boolean;
  };
  queues?: QueueStatus[];
  latencyMs?: { feedToCandidate?: LatencySummary; candidateToDecision?: LatencySummary };
}
