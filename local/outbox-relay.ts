import { type OutboxRelayDeps, relayJobOutbox } from '../shared/browser-jobs/outbox-relay.ts';
import { logger } from '../shared/observability.ts';

/** EventBridge runs the relay Lambda every minute; locally nothing else needs the queue, so sooner is fine. */
const DEFAULT_EVERY_MS = 5_000;

export interface LocalOutboxRelay {
  stop(): Promise<void>;
}

/**
 * The local stand-in for the relay's EventBridge schedule: the same `relayJobOutbox` the Lambda runs, on a timer,
 * one run at a time. It sends what the API's own attempt right after a commit could not.
 */
export function startLocalOutboxRelay(deps: OutboxRelayDeps, everyMs = DEFAULT_EVERY_MS): LocalOutboxRelay {
  let current: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    current = current
      .then(() => relayJobOutbox(deps))
      .then(
        (result) => {
          if (result.sent + result.failed > 0) logger.info('outbox relay run', { ...result });
        },
        (error: unknown) => logger.warn('outbox relay run failed', { error }),
      );
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
}
