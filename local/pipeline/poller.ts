import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/observability.ts';
import { localLambdaContext } from '../lambda-context.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  functionName?: string;
  /** Lambda's SQS trigger delivers at most 10 records a batch here. */
  batchSize?: number;
  waitTimeSeconds?: number;
  /** How long a failed record stays invisible before SQS delivers it again; unset keeps the queue's timeout. */
  retryAfterSeconds?: number;
}

export interface Poller {
  /** Batches invoked so far. */
  readonly batches: number;
  stop(): Promise<void>;
}

/**
 * The local stand-in for Lambda's SQS trigger: receives up to ten messages, invokes the same handler with a real
 * `SQSEvent`, deletes only the records the handler did not report as failures. Failed records come back after
 * their visibility timeout, and the queue's RedrivePolicy (honoured by the emulator) moves them to the DLQ once
 * they were received `maxReceiveCount` times.
 */
export function startPoller(opts: PollerOptions): Poller {
  let running = true;
  let batches = 0;
  const loop = (async () => {
    while (running) {
      try {
        const received = await opts.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: opts.batchSize ?? 10,
            WaitTimeSeconds: opts.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) continue;
        batches += 1;
        await invoke(opts, messages);
      } catch (error) {
        if (running) logger.error('poller iteration failed', { error, queueUrl: opts.queueUrl });
      }
    }
  })();
  return {
    get batches() {
      return batches;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function invoke(opts: PollerOptions, messages: Message[]): Promise<void> {
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, opts.queueArn)) };
  let failedIds: Set<string>;
  try {
    const response = await opts.handler(event, localLambdaContext(opts.functionName ?? 'signal-evaluator'));
    failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  } catch (error) {
    // A handler that throws fails the whole batch, as on Lambda.
    logger.error('handler failed the whole batch', { error });
    failedIds = new Set(messages.map((m) => m.MessageId!));
  }
  const succeeded = messages.filter((m) => !failedIds.has(m.MessageId!));
  const failed = messages.filter((m) => failedIds.has(m.MessageId!));
  if (succeeded.length > 0) {
    const out = await opts.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: opts.queueUrl,
        Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    if (out.Failed?.length) logger.error('could not delete processed messages', { failed: out.Failed });
  }
  if (failed.length > 0 && opts.retryAfterSeconds !== undefined) {
    await opts.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: opts.queueUrl,
        Entries: failed.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle!,
          VisibilityTimeout: opts.retryAfterSeconds,
        })),
      }),
    );
  }
}

function toRecord(m: Message, queueArn: string): SQSRecord {
  const attrs = m.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    };
  }
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes,
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}
