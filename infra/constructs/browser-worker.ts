import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import { type Cluster, type ContainerImage, FargateService } from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { serviceNames } from '#config/metrics';
import type { EnvConfig } from '../config/types.ts';
import { controlTower } from '../lib/control-tower.ts';
import { grantSessionKeyRead, type SessionKeyAccess } from '../lib/session-key-access.ts';
import { type DatabaseAccess, databaseEnvironment, grantDatabase } from '../stacks/database-access.ts';
import type { EgressAccess } from './egress.ts';
import { ServiceTask } from './service-task.ts';

/** `SPORTSBOOK_ORIGINS` as the worker and the API read it (shared/config/env.ts). */
export function sportsbookOriginsVariable(config: EnvConfig): string {
  return Object.entries(config.sportsbooks.origins)
    .map(([name, origin]) => `${name}=${origin}`)
    .join(',');
}

/** How long a job's screenshot is kept. */
export const SCREENSHOT_RETENTION_DAYS = 30;

export interface BrowserWorkerProps {
  config: EnvConfig;
  cluster: Cluster;
  image: ContainerImage;
  browserJobsQueue: IQueue;
  /** Where check_odds sends its surebet candidates: the queue the game shards send to and the evaluator reads. */
  candidatesQueue: IQueue;
  sessionDataKey: SessionKeyAccess;
  database: DatabaseAccess;
  egress: EgressAccess;
}

/**
 * The browser worker: Fargate tasks consuming the browser-jobs queue, scaled on its depth between the configured
 * bounds, reading the session data key, reaching sportsbooks through the egress, sending surebet candidates.
 */
export class BrowserWorker extends Construct {
  readonly service: FargateService;
  /** Each job's final page (`screenshots/<jobId>.png`), referenced from the job; the worker only writes it. */
  readonly screenshots: Bucket;

  constructor(scope: Construct, id: string, props: BrowserWorkerProps) {
    super(scope, id);
    const { config } = props;
    const size = config.compute.browserWorker;
    this.screenshots = new Bucket(this, 'Screenshots', {
      // The AWS-managed aws/s3 key (CT.S3.PR.10); S3 uses it on the writer's behalf, no key grant needed.
      encryption: BucketEncryption.KMS_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Evidence for disputes about a job, not an archive.
      lifecycleRules: [{ expiration: Duration.days(SCREENSHOT_RETENTION_DAYS) }],
      removalPolicy: config.removalPolicy,
    });
    const accessLogs =
      'Only the worker task role writes here and nothing reads it yet; CloudTrail records the role, an access-log bucket would log one writer.';
    Validations.of(this.screenshots).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-S1', reason: accessLogs },
      { id: controlTower.s3AccessLogs, reason: accessLogs },
      {
        id: controlTower.s3Versioning,
        reason: 'Each key is written once (screenshots/<jobId>.png) and expires after 30 days: no versions to keep.',
      },
      {
        id: controlTower.s3ObjectLock,
        reason:
          'Screenshots are short-lived job evidence removed by the lifecycle rule; a lock would fight the expiry.',
      },
      {
        id: controlTower.s3EventNotifications,
        reason: 'Nothing reacts to a new screenshot: the job row records its key when the worker finishes the job.',
      },
    );
    const task = new ServiceTask(this, 'Task', {
      config,
      name: 'browser-worker',
      serviceName: serviceNames.browserWorker,
      size,
      image: props.image,
      environment: {
        BROWSER_JOBS_QUEUE_URL: props.browserJobsQueue.queueUrl,
        CANDIDATES_QUEUE_URL: props.candidatesQueue.queueUrl,
        SESSION_KEY_SECRET_ARN: props.sessionDataKey.secret.secretArn,
        EGRESS_PROXY_URL: props.egress.proxyUrl,
        SCREENSHOT_BUCKET: this.screenshots.bucketName,
        SPORTSBOOK_ORIGINS: sportsbookOriginsVariable(config),
        LIVE_BETTING: String(config.sportsbooks.liveBetting),
        ...databaseEnvironment(props.database, 'browserWorker'),
      },
    });
    props.browserJobsQueue.grantConsumeMessages(task.taskRole);
    props.candidatesQueue.grantSendMessages(task.taskRole);
    // PutObject only, on the worker's own prefix (containers/browser-worker/screenshots.ts): no read, no delete.
    task.taskRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.screenshots.arnForObjects('screenshots/*')] }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.screenshots.node.defaultChild as CfnBucket);
    Validations.of(task).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/screenshots/*]`,
      reason: 'One object per job, keyed by its id: the worker may put objects under the screenshots/ prefix only.',
    });
    grantSessionKeyRead(props.sessionDataKey, task.taskRole);
    grantDatabase(props.database, 'browserWorker', task.taskRole);
    this.service = new FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: task,
      desiredCount: size.minTasks,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.egress.clients, props.database.clients],
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
    const scaling = this.service.autoScaleTaskCount({ minCapacity: size.minTasks, maxCapacity: size.maxTasks });
    scaling.scaleOnMetric('JobsWaiting', {
      metric: props.browserJobsQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 1, change: +1 },
        { lower: 20, change: +2 },
      ],
      cooldown: Duration.minutes(2),
    });
  }
}
