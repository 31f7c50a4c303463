import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SecurityGroup, type Vpc } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { serviceNames } from '#config/metrics';
import { type QueueKey, queues } from '#config/resources';
import { lambdaEntries } from '../config/paths.ts';
import type { EnvConfig } from '../config/types.ts';
import { QueueWithDlq } from '../constructs/queue-with-dlq.ts';
import { SharplineFunction } from '../constructs/sharpline-function.ts';
import { type DatabaseAccess, databaseEnvironment, grantDatabase } from './database-access.ts';

export interface PipelineStackProps extends StackProps {
  config: EnvConfig;
  vpc: Vpc;
  database: DatabaseAccess;
  idempotencyTable: ITable;
}

/** AWS's rule for an SQS-triggered Lambda: visibility timeout at least six times the function timeout. */
const VISIBILITY_TO_TIMEOUT = 6;

/** EventBridge's finest rate: a browser-job message the API's own attempt could not send waits at most this long. */
const OUTBOX_RELAY_EVERY = Duration.minutes(1);

/**
 * The signal pipeline: every queue of `shared/config/resources.ts` with its DLQ, the evaluator consuming candidates
 * (partial batch failures), settlement and retention on EventBridge schedules, and the browser-job outbox relay.
 */
export class PipelineStack extends Stack {
  readonly queues: Record<QueueKey, QueueWithDlq>;
  readonly evaluator: SharplineFunction;
  readonly settlement: SharplineFunction;
  readonly retention: SharplineFunction;
  readonly outboxRelay: SharplineFunction;
  /** The live executors, one per venue, each consuming its venue's execution queue. */
  readonly executors: { kalshi: SharplineFunction; polymarket: SharplineFunction };
  /** The executors' own group: the egress proxy lets it in (wired where both stacks meet, infra/lib/build-app.ts). */
  readonly executorsSecurityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, vpc, database } = props;
    const visibilityTimeout = Duration.seconds(config.lambda.timeoutSeconds * VISIBILITY_TO_TIMEOUT);
    const makeQueue = (key: QueueKey, constructId: string) =>
      new QueueWithDlq(this, constructId, { envName: config.envName, spec: queues[key], visibilityTimeout });
    this.queues = {
      candidates: makeQueue('candidates', 'Candidates'),
      executionKalshi: makeQueue('executionKalshi', 'ExecutionKalshi'),
      executionPolymarket: makeQueue('executionPolymarket', 'ExecutionPolymarket'),
      browserJobs: makeQueue('browserJobs', 'BrowserJobs'),
    };

    this.evaluator = new SharplineFunction(this, 'SignalEvaluator', {
      config,
      entry: lambdaEntries.signalEvaluator,
      serviceName: serviceNames.signalEvaluator,
      description: 'Evaluates signal candidates: freshness, kill switch, risk, sizing, decision',
      vpc,
      securityGroups: [database.clients],
      environment: {
        ...databaseEnvironment(database, 'evaluator'),
        IDEMPOTENCY_TABLE: props.idempotencyTable.tableName,
        EXECUTION_KALSHI_QUEUE_URL: this.queues.executionKalshi.queue.queueUrl,
        EXECUTION_POLYMARKET_QUEUE_URL: this.queues.executionPolymarket.queue.queueUrl,
      },
    });
    grantDatabase(database, 'evaluator', this.evaluator);
    // Powertools idempotency reads, writes and clears its own records; nothing else on the table.
    props.idempotencyTable.grant(
      this.evaluator,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
    this.queues.executionKalshi.queue.grantSendMessages(this.evaluator);
    this.queues.executionPolymarket.queue.grantSendMessages(this.evaluator);
    this.evaluator.addEventSource(
      new SqsEventSource(this.queues.candidates.queue, {
        batchSize: config.evaluator.batchSize,
        maxBatchingWindow: Duration.seconds(config.evaluator.maxBatchingWindowSeconds),
        maxConcurrency: config.evaluator.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.settlement = new SharplineFunction(this, 'Settlement', {
      config,
      entry: lambdaEntries.settlement,
      serviceName: serviceNames.settlement,
      description: 'Settles finished games: positions, paper P&L, bankroll',
      vpc,
      securityGroups: [database.clients],
      environment: {
        ...databaseEnvironment(database, 'settlement'),
        SETTLEMENT_OVERDUE_HOURS: String(config.alarms.settlementOverdueHours),
      },
      timeout: Duration.minutes(2),
    });
    grantDatabase(database, 'settlement', this.settlement);
    new Rule(this, 'SettlementSchedule', {
      description: 'Runs settlement',
      schedule: Schedule.rate(Duration.minutes(config.schedules.settlementEveryMinutes)),
      targets: [new LambdaFunction(this.settlement, { retryAttempts: 2 })],
    });

    this.retention = new SharplineFunction(this, 'Retention', {
      config,
      entry: lambdaEntries.retention,
      serviceName: serviceNames.retention,
      description: 'Deletes data past its retention period',
      vpc,
      securityGroups: [database.clients],
      environment: { ...databaseEnvironment(database, 'retention'), RETENTION_DAYS: String(config.retentionDays) },
      timeout: Duration.minutes(10),
    });
    grantDatabase(database, 'retention', this.retention);
    new Rule(this, 'RetentionSchedule', {
      description: 'Runs retention daily',
      schedule: Schedule.cron({ minute: '0', hour: String(config.schedules.retentionHourUtc) }),
      targets: [new LambdaFunction(this.retention, { retryAttempts: 2 })],
    });

    this.executorsSecurityGroup = new SecurityGroup(this, 'ExecutorsSg', {
      vpc,
      description: 'Live executors: venue traffic through the egress proxy only',
    });
    this.executors = this.addExecutors(config, vpc, database, props.idempotencyTable);

    // The API sends each job's message right after its commit; this sends whatever that attempt could not.
    this.outboxRelay = new SharplineFunction(this, 'OutboxRelay', {
      config,
      entry: lambdaEntries.outboxRelay,
      serviceName: serviceNames.outboxRelay,
      description: 'Sends pending browser-job outbox entries to the browser-jobs queue and marks them sent',
      vpc,
      securityGroups: [database.clients],
      // The relay finishes the API's own send: it logs in as the API's role, which alone may touch the outbox.
      environment: {
        ...databaseEnvironment(database, 'api'),
        BROWSER_JOBS_QUEUE_URL: this.queues.browserJobs.queue.queueUrl,
      },
    });
    grantDatabase(database, 'api', this.outboxRelay);
    this.queues.browserJobs.queue.grantSendMessages(this.outboxRelay);
    new Rule(this, 'OutboxRelaySchedule', {
      description: 'Runs the browser-job outbox relay',
      schedule: Schedule.rate(OUTBOX_RELAY_EVERY),
      targets: [new LambdaFunction(this.outboxRelay, { retryAttempts: 0 })],
    });
  }

  /**
   * One executor per venue on its execution queue (partial batch failures, one order at a time per message id), with
   * the credentials it reads: the venue's secret, created empty-valued here and filled by an operator (a venue issues
   * its keys; nothing here can generate one). The egress proxy URL is set where the compute stack is known.
   */
  private addExecutors(
    config: EnvConfig,
    vpc: Vpc,
    database: DatabaseAccess,
    idempotencyTable: ITable,
  ): { kalshi: SharplineFunction; polymarket: SharplineFunction } {
    const venueSecret = (id: string, description: string) => {
      const secret = new Secret(this, id, { description });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason: 'A venue API key is issued by the venue; it is rotated there and put here by runbook, not on a timer.',
      });
      return secret;
    };
    const kalshiKey = venueSecret('KalshiPrivateKey', 'Kalshi API private key (RSA PEM) of KALSHI_API_KEY_ID');
    const polymarketCredentials = venueSecret(
      'PolymarketCredentials',
      'Polymarket wallet key and CLOB L2 API credentials (JSON)',
    );
    const make = (
      id: string,
      entry: string,
      serviceName: string,
      queue: QueueWithDlq,
      environment: Record<string, string>,
      secret: Secret,
    ) => {
      const fn = new SharplineFunction(this, id, {
        config,
        entry,
        serviceName,
        description: `Places ${serviceName} live orders exactly once, through the egress`,
        vpc,
        securityGroups: [database.clients, this.executorsSecurityGroup],
        environment: {
          ...databaseEnvironment(database, 'executor'),
          IDEMPOTENCY_TABLE: idempotencyTable.tableName,
          // An open hedge's retry goes to the other venue's queue, its unwind to this one's.
          EXECUTION_KALSHI_QUEUE_URL: this.queues.executionKalshi.queue.queueUrl,
          EXECUTION_POLYMARKET_QUEUE_URL: this.queues.executionPolymarket.queue.queueUrl,
          ...environment,
        },
      });
      grantDatabase(database, 'executor', fn);
      this.queues.executionKalshi.queue.grantSendMessages(fn);
      this.queues.executionPolymarket.queue.grantSendMessages(fn);
      idempotencyTable.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
      secret.grantRead(fn);
      fn.addEventSource(
        new SqsEventSource(queue.queue, {
          batchSize: config.evaluator.batchSize,
          maxConcurrency: config.evaluator.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
      return fn;
    };
    return {
      kalshi: make(
        'ExecutorKalshi',
        lambdaEntries.executorKalshi,
        serviceNames.executorKalshi,
        this.queues.executionKalshi,
        {
          KALSHI_PRIVATE_KEY_SECRET_ARN: kalshiKey.secretArn,
          ...(config.venues.kalshiApiKeyId ? { KALSHI_API_KEY_ID: config.venues.kalshiApiKeyId } : {}),
          KALSHI_REST_URL: config.venues.kalshiRestUrl,
        },
        kalshiKey,
      ),
      polymarket: make(
        'ExecutorPolymarket',
        lambdaEntries.executorPolymarket,
        serviceNames.executorPolymarket,
        this.queues.executionPolymarket,
        {
          POLYMARKET_CREDENTIALS_SECRET_ARN: polymarketCredentials.secretArn,
          POLYMARKET_CLOB_URL: config.venues.polymarketClobUrl,
        },
        polymarketCredentials,
      ),
    };
  }
}
