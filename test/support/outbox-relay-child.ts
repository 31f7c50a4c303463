import { makeSqsClient } from '#adapters/aws/clients';
import { createPool } from '#adapters/pg/pool';
import { loadConfig, outboxRelayConfig } from '#config/env';
import { relayJobOutbox } from '../../shared/browser-jobs/outbox-relay.ts';

/**
 * The outbox relay as its own OS process, for the crash test: it runs the real relay and stops dead at
 * `RELAY_CRASH_AT` (`before-send`: entries locked, nothing sent; `after-send`: SQS accepted the batch, the mark not
 * yet committed), announcing the point on stdout so the test can SIGKILL it there.
 */
const crashAt = process.env.RELAY_CRASH_AT;
const queueUrl = process.env.RELAY_QUEUE_URL;
if ((crashAt !== 'before-send' && crashAt !== 'after-send') || !queueUrl) {
  throw new Error('set RELAY_CRASH_AT (before-send | after-send) and RELAY_QUEUE_URL');
}

const halt = (point: string) => {
  process.stdout.write(`${point}\n`);
  setInterval(() => undefined, 60_000);
  return new Promise<never>(() => undefined);
};

const config = loadConfig(outboxRelayConfig, { overrides: { BROWSER_JOBS_QUEUE_URL: queueUrl } });
const sqs = makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION);
sqs.middlewareStack.add(
  (next) => async (args) => {
    if (crashAt === 'before-send') await halt('before-send');
    const out = await next(args);
    if (crashAt === 'after-send') await halt('after-send');
    return out;
  },
  { step: 'initialize', name: 'crashPoint' },
);
await relayJobOutbox({ pool: createPool({ max: 1 }, config), sqs, queueUrl });
throw new Error('the relay finished without reaching its crash point');
