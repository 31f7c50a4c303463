import { parseArgs } from 'node:util';
import { makeSqsClient } from '#adapters/aws/clients';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import { migrate } from '#adapters/pg/migrate';
import { createPool } from '#adapters/pg/pool';
import { apiConfig, loadConfig } from '#config/env';
import { createQueues, startSqsEmulator } from '../emulators/sqs.ts';
import { startLocalOutboxRelay } from '../outbox-relay.ts';
import { startApiServer } from './server.ts';

/**
 * `npm run api -- --port 3000`: the API alone, on `DATABASE_URL` when set, else on the embedded Postgres under
 * `.data/`, migrated before the first request. Without `BROWSER_JOBS_QUEUE_URL` it creates the queues on
 * `SQS_ENDPOINT`, or on an in-process SQS emulator when that is unset too, so accepted jobs have somewhere to go;
 * the outbox relay runs beside it, as its schedule does in AWS.
 */
const { values } = parseArgs({ options: { port: { type: 'string', default: '3000' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}

const config = loadConfig(apiConfig);
const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres();
const databaseUrl = config.DATABASE_URL ?? embedded?.url;
if (!databaseUrl) throw new Error('no database');
await migrate(databaseUrl);

const sqsEmulator = config.BROWSER_JOBS_QUEUE_URL || config.SQS_ENDPOINT ? undefined : await startSqsEmulator();
const sqs = makeSqsClient(sqsEmulator?.endpoint ?? config.SQS_ENDPOINT, config.AWS_REGION);
const browserJobsQueueUrl = config.BROWSER_JOBS_QUEUE_URL ?? (await createQueues(sqs, config.STAGE)).browserJobs.url;
const server = await startApiServer({ port, databaseUrl, config, deps: { sqs, browserJobsQueueUrl } });
// The outbox relay finishes the API's own sends, as the API's role, as its schedule does in AWS.
const pool = createPool({ connectionString: databaseUrl, component: 'api' }, config);
const relay = startLocalOutboxRelay({ pool, sqs, queueUrl: browserJobsQueueUrl });
process.stdout.write(
  `sharpline API listening on ${server.url} (token: npm run -s token -- --sub alice --role admin)\n`,
);

const shutdown = async () => {
  await server.stop();
  await relay.stop();
  await pool.end();
  await sqsEmulator?.stop();
  await embedded?.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
