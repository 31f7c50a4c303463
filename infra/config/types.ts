import type { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const envNames = ['dev', 'staging', 'prod'] as const;
export type EnvName = (typeof envNames)[number];

/** `POWERTOOLS_LOG_LEVEL` of a process. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN';

/** Where a service's image comes from until its `containers/<name>/Dockerfile` lands. */
export interface EcrImage {
  repository: string;
  tag: string;
}

/** Everything that differs between environments: one object per env, passed down to every stack as props. */
export interface EnvConfig {
  envName: EnvName;
  account: string;
  region: string;
  /** Named explicitly so synth needs no AZ lookup (offline, no credentials). */
  availabilityZones: string[];
  /** Stores, keys and logs: DESTROY only in dev, RETAIN elsewhere. */
  removalPolicy: RemovalPolicy;
  /** Every log group's retention; under a year is acknowledged per log group as a cost choice (CT.CLOUDWATCH.PR.2). */
  logRetention: RetentionDays;
  network: { cidr: string; natGateways: number };
  database: {
    instanceType: string;
    allocatedStorageGb: number;
    maxAllocatedStorageGb: number;
    multiAz: boolean;
    backupRetentionDays: number;
    deletionProtection: boolean;
    /** SNAPSHOT outside dev: a final snapshot if the instance is ever replaced or deleted. */
    removalPolicy: RemovalPolicy;
  };
  cache: { nodeType: string; nodes: number; multiAz: boolean };
  lambda: { memoryMb: number; timeoutSeconds: number; logLevel: LogLevel };
  evaluator: { batchSize: number; maxBatchingWindowSeconds: number; maxConcurrency: number };
  schedules: { settlementEveryMinutes: number; retentionHourUtc: number };
  /** Days of market prices and finished records kept in Postgres (`RETENTION_DAYS`). */
  retentionDays: number;
  tradingMode: 'paper' | 'live';
  /** The venues' order hosts the executors use; dev and staging trade against Kalshi's demo environment. */
  venues: { kalshiRestUrl: string; kalshiApiKeyId?: string; polymarketClobUrl: string };
  /**
   * The sportsbooks browser jobs may name, each with the one origin the worker may open there (the API refuses a job
   * off it, the worker never navigates elsewhere). Bets are confirmed only with `liveBetting` and a live tradingMode.
   */
  sportsbooks: { origins: Record<string, string>; liveBetting: boolean };
  auth: { jwtIssuer: string; jwtAudience: string[] };
  api: { throttleRatePerSecond: number; throttleBurst: number };
  compute: {
    /** The ECS tasks' own log level (game shards, browser worker), set apart from the Lambdas'. */
    logLevel: LogLevel;
    shardCount: number;
    shard: { cpu: number; memoryMiB: number };
    browserWorker: { cpu: number; memoryMiB: number; minTasks: number; maxTasks: number };
    egress: {
      /** arm64 instance types the egress hosts may launch as, in order of preference (at least two). */
      instanceTypes: string[];
      tasks: number;
      image: string;
      /** Secrets Manager secret (set before deploy) with the VPN credentials, as gluetun env var names. */
      vpnSecretName: string;
      /** gluetun provider; `custom` takes the WireGuard peer from the secret. */
      vpnServiceProvider: string;
    };
  };
  images: { gameShard: EcrImage; browserWorker: EcrImage };
  alarms: {
    email?: string;
    apiP99LatencyMs: number;
    lambdaErrorsPer5Min: number;
    parseFailurePercent: number;
    priceStaleMs: number;
    heartbeatMissingMinutes: number;
    drawdownLimitBps: number;
    /** Hours after its game ended that a still-open position alarms (`SETTLEMENT_OVERDUE_HOURS`). */
    settlementOverdueHours: number;
  };
}
