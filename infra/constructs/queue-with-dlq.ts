import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { resourceName } from '#config/resources';

export interface QueueWithDlqProps {
  envName: string;
  /** Names and redrive count from `shared/config/resources.ts`, the list local mode also creates. */
  spec: { name: string; dlqName: string; maxReceiveCount: number };
  visibilityTimeout: Duration;
}

/** A queue and its dead-letter queue: both encrypted, TLS-only, with the redrive count from the shared config. */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.dlq = new Queue(this, 'Dlq', {
      queueName: resourceName(props.envName, props.spec.dlqName),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Messages are transient; nothing here outlives a redeploy, whatever the env.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: resourceName(props.envName, props.spec.name),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.spec.maxReceiveCount },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
