import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { EnvConfig, EnvName } from './types.ts';

/** The pinned tunnel image: a maintained public image, never `latest`. */
const GLUETUN_IMAGE = 'qmcgaw/gluetun:v3.40.0';

const dev: EnvConfig = {
  envName: 'dev',
  account: '111111111111',
  region: 'us-east-1',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  removalPolicy: RemovalPolicy.DESTROY,
  logRetention: RetentionDays.ONE_WEEK,
  network: { cidr: '10.10.0.0/16', natGateways: 1 },
  database: {
    instanceType: 't4g.micro',
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 50,
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
    removalPolicy: RemovalPolicy.DESTROY,
  },
  cache: { nodeType: 'cache.t4g.micro', nodes: 1, multiAz: false },
  lambda: { memoryMb: 512, timeoutSeconds: 30, logLevel: 'DEBUG' },
  evaluator: { batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 2 },
  schedules: { settlementEveryMinutes: 5, retentionHourUtc: 4 },
  retentionDays: 7,
  tradingMode: 'paper',
  venues: {
    kalshiRestUrl: 'https://demo-api.kalshi.co/trade-api/v2',
    polymarketClobUrl: 'https://clob.polymarket.com',
  },
  // No sportsbook is configured until its adapter and origin are reviewed: every browser job is refused until then.
  sportsbooks: { origins: {}, liveBetting: false },
  auth: { jwtIssuer: 'https://auth.dev.sharpline.example/', jwtAudience: ['sharpline-dev-api'] },
  api: { throttleRatePerSecond: 20, throttleBurst: 40 },
  compute: {
    logLevel: 'DEBUG',
    shardCount: 1,
    shard: { cpu: 256, memoryMiB: 512 },
    browserWorker: { cpu: 1024, memoryMiB: 2048, minTasks: 0, maxTasks: 1 },
    egress: {
      // Graviton3, not burstable: a tunnel busy all day never runs out of CPU credits, and Nitro encrypts the
      // traffic between instances (CT.AUTOSCALING.PR.11).
      instanceTypes: ['c7g.medium', 'm7g.medium'],
      tasks: 1,
      image: GLUETUN_IMAGE,
      vpnSecretName: 'sharpline/dev/vpn-egress',
      vpnServiceProvider: 'custom',
    },
  },
  images: {
    gameShard: { repository: 'sharpline/game-shard', tag: 'dev' },
    browserWorker: { repository: 'sharpline/browser-worker', tag: 'dev' },
  },
  alarms: {
    apiP99LatencyMs: 2_000,
    lambdaErrorsPer5Min: 5,
    parseFailurePercent: 5,
    priceStaleMs: 60_000,
    heartbeatMissingMinutes: 10,
    drawdownLimitBps: 2_000,
    settlementOverdueHours: 6,
  },
};

const staging: EnvConfig = {
  ...dev,
  envName: 'staging',
  account: '222222222222',
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  removalPolicy: RemovalPolicy.RETAIN,
  logRetention: RetentionDays.ONE_MONTH,
  network: { cidr: '10.20.0.0/16', natGateways: 1 },
  database: {
    ...dev.database,
    instanceType: 't4g.small',
    backupRetentionDays: 7,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.SNAPSHOT,
  },
  lambda: { ...dev.lambda, logLevel: 'INFO' },
  evaluator: { batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 5 },
  retentionDays: 30,
  auth: { jwtIssuer: 'https://auth.staging.sharpline.example/', jwtAudience: ['sharpline-staging-api'] },
  compute: {
    ...dev.compute,
    logLevel: 'INFO',
    shardCount: 2,
    browserWorker: { ...dev.compute.browserWorker, maxTasks: 2 },
  },
  images: {
    gameShard: { repository: 'sharpline/game-shard', tag: 'staging' },
    browserWorker: { repository: 'sharpline/browser-worker', tag: 'staging' },
  },
  alarms: { ...dev.alarms, apiP99LatencyMs: 1_500, lambdaErrorsPer5Min: 3 },
};

const prod: EnvConfig = {
  envName: 'prod',
  account: '333333333333',
  region: 'us-east-1',
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  removalPolicy: RemovalPolicy.RETAIN,
  // A year of logs for the env that trades: the Control Tower minimum (CT.CLOUDWATCH.PR.2).
  logRetention: RetentionDays.ONE_YEAR,
  network: { cidr: '10.30.0.0/16', natGateways: 3 },
  database: {
    instanceType: 'm7g.large',
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 500,
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.SNAPSHOT,
  },
  cache: { nodeType: 'cache.m7g.large', nodes: 2, multiAz: true },
  lambda: { memoryMb: 1024, timeoutSeconds: 30, logLevel: 'INFO' },
  // Decisions are serialized on the risk lock: the README's sweep shows no loss up to 16 evaluators and no gain past 4,
  // so more would only hold connections and queue.
  evaluator: { batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 16 },
  schedules: { settlementEveryMinutes: 1, retentionHourUtc: 4 },
  retentionDays: 90,
  tradingMode: 'paper',
  venues: {
    kalshiRestUrl: 'https://api.elections.kalshi.com/trade-api/v2',
    polymarketClobUrl: 'https://clob.polymarket.com',
  },
  // No sportsbook is configured until its adapter and origin are reviewed: every browser job is refused until then.
  sportsbooks: { origins: {}, liveBetting: false },
  auth: { jwtIssuer: 'https://auth.sharpline.example/', jwtAudience: ['sharpline-api'] },
  api: { throttleRatePerSecond: 200, throttleBurst: 400 },
  compute: {
    logLevel: 'INFO',
    shardCount: 4,
    shard: { cpu: 512, memoryMiB: 1024 },
    browserWorker: { cpu: 1024, memoryMiB: 2048, minTasks: 1, maxTasks: 6 },
    egress: { ...dev.compute.egress, tasks: 2, vpnSecretName: 'sharpline/prod/vpn-egress' },
  },
  images: {
    gameShard: { repository: 'sharpline/game-shard', tag: 'prod' },
    browserWorker: { repository: 'sharpline/browser-worker', tag: 'prod' },
  },
  alarms: {
    apiP99LatencyMs: 1_000,
    lambdaErrorsPer5Min: 1,
    parseFailurePercent: 5,
    priceStaleMs: 30_000,
    heartbeatMissingMinutes: 5,
    drawdownLimitBps: 1_000,
    settlementOverdueHours: 6,
  },
};

export const envConfigs: Record<EnvName, EnvConfig> = { dev, staging, prod };
