import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import type { Browser } from 'playwright-core';
import { sendJsonMessages } from '#adapters/aws/sqs';
import type { BrowserWorkerConfig } from '#config/env';
import { createPgBrowserWorkerStore, createPgWorkerRegistry } from '../../shared/adapters/pg/browser-worker-store.ts';
import type { SecretsProvider } from '../../shared/adapters/secrets/provider.ts';
import type { ScreenshotStore, WorkerRegistry } from '../../shared/ports/browser-worker.ts';
import type { SportsbookAdapter } from './adapter.ts';
import { CircuitBreakers } from './breaker.ts';
import { launchBrowser } from './browser.ts';
import { type Consumer, startConsumer } from './consumer.ts';
import { demoAdapter } from './demo-adapter.ts';
import { handleJobMessage, type JobRunnerDeps } from './jobs.ts';
import { localScreenshotStore, s3ScreenshotStore } from './screenshots.ts';

/** Every sportsbook adapter module, by name. */
export const ADAPTERS: Readonly<Record<string, SportsbookAdapter>> = { demo: demoAdapter };

export interface BrowserWorkerParts {
  config: BrowserWorkerConfig;
  pool: pg.Pool;
  sqs: SQSClient;
  secrets: SecretsProvider;
  s3?: S3Client;
  /** Instead of `ADAPTERS` (tests wrap the demo adapter to stop a job at a chosen step). */
  adapters?: Readonly<Record<string, SportsbookAdapter>>;
  now?: () => number;
}

export interface BrowserWorker extends Consumer {
  workerId: string;
  breakers: CircuitBreakers;
}

/**
 * Wires the worker: the browser, the database as the worker's role, the registry, screenshots (S3 with a bucket,
 * a directory without), one breaker per sportsbook, and the queue consumer that runs each job.
 */
export async function startBrowserWorker(parts: BrowserWorkerParts): Promise<BrowserWorker> {
  const { config } = parts;
  const now = parts.now ?? Date.now;
  const adapters = parts.adapters ?? ADAPTERS;
  const registry: WorkerRegistry = createPgWorkerRegistry(parts.pool);
  const { id: workerId } = await registry.register({
    name: config.WORKER_NAME,
    capabilities: ['check_odds', 'place_bet', ...Object.keys(config.SPORTSBOOK_ORIGINS).map((b) => `sportsbook:${b}`)],
    heartbeatTimeoutMs: config.HEARTBEAT_INTERVAL_MS * 3,
  });
  const browser: Browser = await launchBrowser({
    chromiumPath: config.CHROMIUM_PATH,
    proxyUrl: config.EGRESS_PROXY_URL,
    trustedCertSpki: config.TRUSTED_CERT_SPKI,
    allowedHosts: Object.values(config.SPORTSBOOK_ORIGINS).map((origin) => new URL(origin).hostname),
  });
  const screenshots: ScreenshotStore =
    config.SCREENSHOT_BUCKET && parts.s3
      ? s3ScreenshotStore(parts.s3, config.SCREENSHOT_BUCKET)
      : localScreenshotStore(config.SCREENSHOT_DIR);
  const breakers = new CircuitBreakers({
    threshold: config.BREAKER_FAILURE_THRESHOLD,
    cooldownMs: config.BREAKER_COOLDOWN_MS,
  });
  const deps: JobRunnerDeps = {
    store: createPgBrowserWorkerStore(parts.pool),
    screenshots,
    browser,
    secrets: parts.secrets,
    origins: config.SPORTSBOOK_ORIGINS,
    adapterFor: (book) => adapters[config.SPORTSBOOK_ADAPTERS[book] ?? book],
    breakers,
    workerId,
    liveBetting: config.TRADING_MODE === 'live' && config.LIVE_BETTING === 'true',
    stepTimeoutMs: config.STEP_TIMEOUT_MS,
    surebetStakeMicros: config.SUREBET_STAKE_MICROS,
    priceMaxAgeMs: config.PRICE_STALE_AFTER_MS,
    publishCandidates: (candidates) => sendJsonMessages(parts.sqs, config.CANDIDATES_QUEUE_URL, candidates),
    publishedSurebets: new Map(),
    surebetRepublishAfterMs: config.SUREBET_REPUBLISH_AFTER_MS,
    now,
    running: new Set(),
  };
  const consumer = startConsumer({
    sqs: parts.sqs,
    queueUrl: config.BROWSER_JOBS_QUEUE_URL,
    registry,
    workerId,
    concurrency: config.WORKER_CONCURRENCY,
    visibilityTimeoutS: config.JOB_VISIBILITY_TIMEOUT_S,
    waitTimeS: config.SQS_WAIT_TIME_S,
    heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    handle: (body, signal) => handleJobMessage(deps, body, signal),
    breakers: () => breakers.all(now()),
  });
  return {
    ...consumer,
    workerId,
    breakers,
    async stop() {
      await consumer.stop();
      await browser.close().catch(() => undefined);
    },
  };
}
