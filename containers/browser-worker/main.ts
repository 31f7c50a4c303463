import { S3Client } from '@aws-sdk/client-s3';
import { makeSqsClient } from '#adapters/aws/clients';
import { createPool } from '#adapters/pg/pool';
import { browserWorkerConfig, loadConfig } from '#config/env';
import { secretsProviderFromConfig } from '../../shared/adapters/secrets/from-config.ts';
import { logger } from '../../shared/observability.ts';
import { startHealthServer } from './health.ts';
import { startBrowserWorker } from './worker.ts';

/**
 * The browser worker (issue 13): takes jobs from the browser-jobs queue and does them in Chromium.
 *
 * - config ............ shared/config/env.ts `browserWorkerConfig` (origins allowlist, concurrency, heartbeat, mode)
 * - wiring ............ worker.ts (browser, store, registry, screenshots, breakers, consumer)
 * - queue loop ........ consumer.ts (long poll, visibility, delete, heartbeat, SIGTERM drain and release)
 * - one job ........... jobs.ts (take, origin check, check_odds, place_bet, failure classes, screenshot)
 * - the browser ....... browser.ts (one context per job, nothing off the book's origin)
 * - sportsbooks ....... adapter.ts (the interface), demo-adapter.ts (the demo books' pages)
 * - surebets .......... surebets.ts (the domain's `surebet` over the books' latest prices and a matched game's
 *                       PM asks), sent to CANDIDATES_QUEUE_URL by jobs.ts
 * - health ............ health.ts (`GET /health`, the breakers)
 */
const config = loadConfig(browserWorkerConfig);
const pool = createPool({ component: 'browserWorker' });
const worker = await startBrowserWorker({
  config,
  pool,
  sqs: makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION),
  secrets: secretsProviderFromConfig(config),
  ...(config.SCREENSHOT_BUCKET ? { s3: new S3Client({ region: config.AWS_REGION }) } : {}),
});
const health = await startHealthServer(config.HEALTH_PORT, () => worker.health());
logger.info('browser worker started', { workerId: worker.workerId, healthPort: health.port });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('browser worker stopping', { signal });
    void worker
      .stop()
      .then(async () => {
        health.close();
        await pool.end();
        logger.info('browser worker stopped');
      })
      .catch((error: unknown) => {
        logger.error('browser worker stop failed', { error });
        process.exitCode = 1;
      });
  });
}
