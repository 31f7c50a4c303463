import type { SQSClient } from '@aws-sdk/client-sqs';
import { type SendOptions, SQS_BATCH_LIMIT, sendBatches, type UnsentEntry } from '#adapters/aws/sqs';
import type { SignalCandidate } from '#contracts/signal-candidate';

export interface SqsBatcherOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** How long the first queued candidate waits for others to share its batch. */
  lingerMs?: number;
  /** Batches in flight at once; more wait their turn (queue depth shows it). */
  maxInFlight?: number;
  /** Tries per candidate and the first retry's wait (doubled each time), as `sendBatches` takes them. */
  attempts?: number;
  retryDelayMs?: number;
  /** A candidate SQS still refused after its last try (already counted in `dropped`): the caller logs it. */
  onDropped?: (candidate: SignalCandidate, why: UnsentEntry) => void;
}

export interface SqsBatcherStats {
  published: number;
  /** Entries sent again after SQS failed them. */
  retried: number;
  dropped: number;
  /** Queued and not yet handed to SQS. */
  queued: number;
  inFlight: number;
}

export interface SqsBatcher {
  /** Queues a candidate; never blocks the caller (the engine's hot path). */
  enqueue(candidate: SignalCandidate): void;
  /** Sends everything queued and waits for every batch in flight: after it resolves nothing is held. */
  drain(): Promise<void>;
  stats(): SqsBatcherStats;
}

/**
 * Candidates to the candidates queue in SendMessageBatch calls: a full batch of ten goes at once, a partial one after
 * `lingerMs`, so a burst costs a tenth of the calls and a lone candidate waits a few milliseconds at most. Entries
 * SQS fails are retried by the one SQS sender (`sendBatches`); those it never takes are counted and reported.
 */
export function createSqsBatcher(opts: SqsBatcherOptions): SqsBatcher {
  const lingerMs = opts.lingerMs ?? 5;
  const maxInFlight = opts.maxInFlight ?? 4;
  const send: SendOptions = {
    attempts: opts.attempts ?? 5,
    retryDelayMs: opts.retryDelayMs ?? 25,
    onRetry: (entries) => {
      stats.retried += entries.length;
    },
  };
  const queue: SignalCandidate[] = [];
  const inFlight = new Set<Promise<void>>();
  const stats = { published: 0, retried: 0, dropped: 0 };
  let timer: NodeJS.Timeout | undefined;
  let nextId = 0;

  const sendBatch = async (batch: SignalCandidate[]) => {
    const entries = batch.map((candidate) => ({ id: String(nextId++), body: JSON.stringify(candidate) }));
    const unsent = await sendBatches(opts.sqs, opts.queueUrl, entries, send);
    const byId = new Map(entries.map((entry, i) => [entry.id, batch[i] as SignalCandidate]));
    for (const why of unsent) {
      stats.dropped += 1;
      const candidate = byId.get(why.id);
      if (candidate) opts.onDropped?.(candidate, why);
    }
    stats.published += batch.length - unsent.length;
  };

  /** Starts batches while there is room: full ones always, a partial one only when `all` (linger over, or drain). */
  const pump = (all: boolean) => {
    while (inFlight.size < maxInFlight && (queue.length >= SQS_BATCH_LIMIT || (all && queue.length > 0))) {
      const done: Promise<void> = sendBatch(queue.splice(0, SQS_BATCH_LIMIT)).finally(() => {
        inFlight.delete(done);
        pump(timer === undefined);
      });
      inFlight.add(done);
    }
    if (queue.length > 0 && timer === undefined && inFlight.size < maxInFlight) {
      timer = setTimeout(() => {
        timer = undefined;
        pump(true);
      }, lingerMs);
    }
  };

  return {
    enqueue: (candidate) => {
      queue.push(candidate);
      pump(false);
    },
    drain: async () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (queue.length > 0 || inFlight.size > 0) {
        pump(true);
        await Promise.race(inFlight);
      }
    },
    stats: () => ({ ...stats, queued: queue.length, inFlight: inFlight.size }),
  };
}
