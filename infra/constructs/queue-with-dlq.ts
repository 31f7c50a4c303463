import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { resourceName } from '#config/resources';

export interface QueueWithDlqProps {
  envName: string;
  /** Names and redrive count from `shared/config/resources.ts`, the list local mode also creates. */
  spec: { name: string; dlqName: string; maxReceiveCount: number };
  visibilityTimeout: Duration;
}

/**
 * A queue and its dead-letter queue: both encrypted, TLS-only, with the redrive count from the shared config; the
 * DLQ takes messages from that queue only.
 */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const queueName = resourceName(props.envName, props.spec.name);
    // The source queue by its ARN, built from its name: a reference would make the two queues depend on each other.
    const source = Queue.fromQueueArn(
      this,
      'Source',
      Stack.of(this).formatArn({ service: 'sqs', resource: queueName, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    );
    this.dlq = new Queue(this, 'Dlq', {
      queueName: resourceName(props.envName, props.spec.dlqName),
      // Only its own queue may dead-letter here; it marks this queue as a DLQ for Control Tower (CT.SQS.PR.1).
      redriveAllowPolicy: { redrivePermission: RedrivePermission.BY_QUEUE, sourceQueues: [source] },
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Messages are transient; nothing here outlives a redeploy, whatever the env.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.spec.maxReceiveCount },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
