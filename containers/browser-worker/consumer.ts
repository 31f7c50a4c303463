import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { logger, metrics } from '../../shared/observability.ts';
import type { WorkerRegistry } from '../../shared/ports/browser-worker.ts';
import type { BreakerView } from './breaker.ts';
import type { Disposition } from './jobs.ts';

export interface ConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  registry: WorkerRegistry;
  workerId: string;
  concurrency: number;
  visibilityTimeoutS: number;
  waitTimeS: number;
  heartbeatIntervalMs: number;
  /** How long SIGTERM waits for running jobs before releasing them. */
  shutdownGraceMs: number;
  handle(body: string, signal: AbortSignal): Promise<Disposition>;
  breakers(): Record<string, BreakerView>;
}

export interface WorkerHealth {
  state: 'running' | 'draining' | 'stopped';
  workerId: string;
  runningJobs: string[];
  lastHeartbeatOk: boolean;
  breakers: Record<string, BreakerView>;
}

export interface Consumer {
  health(): WorkerHealth;
  /** SIGTERM: no new jobs; running ones finish within the grace or are released (visible at once); deregisters. */
  stop(): Promise<void>;
}

/**
 * The browser-jobs queue, `concurrency` jobs at a time: long-polls one message per lane, keeps it invisible while
 * its job runs, deletes it when the job is done or dropped, and heartbeats the registry with what it holds.
 */
export function startConsumer(opts: ConsumerOptions): Consumer {
  let state: WorkerHealth['state'] = 'running';
  let lastHeartbeatOk = true;
  const running = new Map<string, { jobId?: string; abort: AbortController }>();

  const beat = async () => {
    const jobs = [...running.values()].flatMap((entry) => (entry.jobId ? [entry.jobId] : []));
    try {
      await opts.registry.heartbeat({
        id: opts.workerId,
        status: running.size > 0 ? 'busy' : 'idle',
        currentJobId: jobs[0] ?? null,
      });
      lastHeartbeatOk = true;
    } catch (error) {
      lastHeartbeatOk = false;
      logger.warn('heartbeat failed', { error });
    }
  };
  let beating: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    beating = beat();
  }, opts.heartbeatIntervalMs);

  const visibility = (message: Message, seconds: number) =>
    opts.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: opts.queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: seconds,
      }),
    );

  async function process(message: Message): Promise<void> {
    const abort = new AbortController();
    const key = message.MessageId ?? String(running.size);
    const entry: { jobId?: string; abort: AbortController } = { abort };
    try {
      entry.jobId = (JSON.parse(message.Body ?? '') as { jobId?: string }).jobId;
    } catch {
      // An unreadable body fails in the handler, which is where it is reported.
    }
    running.set(key, entry);
    // Extends the message's invisibility while the job runs, so no other worker receives it meanwhile.
    const extend = setInterval(
      () => void visibility(message, opts.visibilityTimeoutS).catch(() => undefined),
      (opts.visibilityTimeoutS * 1000) / 3,
    );
    try {
      const disposition = await opts.handle(message.Body ?? '', abort.signal);
      if (disposition.action === 'delete') {
        await opts.sqs.send(
          new DeleteMessageCommand({ QueueUrl: opts.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        if (disposition.outcome) metrics.addMetric(`BrowserJob_${disposition.outcome.status}`, 'Count', 1);
      } else if (disposition.action === 'retry') {
        await visibility(message, Math.min(43_200, Math.ceil(disposition.afterMs / 1000)));
      } else {
        await visibility(message, 0);
      }
    } catch (error) {
      // Not deleted: the message comes back after its visibility timeout and the redrive policy counts it.
      logger.error('browser-jobs message failed', { error, messageId: message.MessageId });
    } finally {
      clearInterval(extend);
      running.delete(key);
    }
  }

  /**
   * A receive is never aborted: a long poll cut off mid-wait may still be handed a message (SQS, and the emulator,
   * deliver to the request), which would then sit invisible until its timeout. A message received while draining is
   * released at once instead.
   */
  async function lane(): Promise<void> {
    while (state === 'running') {
      let messages: Message[] = [];
      try {
        const received = await opts.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: opts.waitTimeS,
            VisibilityTimeout: opts.visibilityTimeoutS,
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        logger.warn('receive failed', { error });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      for (const message of messages) {
        if (state === 'running') await process(message);
        else await visibility(message, 0).catch(() => undefined);
      }
    }
  }

  const lanes = Array.from({ length: opts.concurrency }, () => lane());
  beating = beat();

  return {
    health: () => ({
      state,
      workerId: opts.workerId,
      runningJobs: [...running.values()].flatMap((entry) => (entry.jobId ? [entry.jobId] : [])),
      lastHeartbeatOk,
      breakers: opts.breakers(),
    }),
    async stop() {
      if (state !== 'running') return;
      state = 'draining';
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, opts.shutdownGraceMs);
      });
      await Promise.race([Promise.allSettled(lanes), grace]);
      clearTimeout(graceTimer);
      for (const entry of running.values()) entry.abort.abort();
      await Promise.allSettled(lanes);
      clearInterval(heartbeat);
      // A beat still in flight would mark the worker alive again after the deregistration.
      await beating;
      await opts.registry
        .deregister(opts.workerId)
        .catch((error: unknown) => logger.warn('deregister failed', { error }));
      state = 'stopped';
    },
  };
}
