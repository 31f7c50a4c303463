import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

const SQS_BATCH_LIMIT = 10;

/**
 * Sends JSON bodies in batches of ten. A partly failed batch throws, naming the failures, so the caller's record
 * fails and is retried (receivers are idempotent on the message's own id).
 */
export async function sendJsonMessages(client: SQSClient, queueUrl: string, bodies: readonly unknown[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += SQS_BATCH_LIMIT) {
    const chunk = bodies.slice(start, start + SQS_BATCH_LIMIT);
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
      }),
    );
    const failed = out.Failed ?? [];
    if (failed.length > 0) {
      throw new Error(
        `SQS rejected ${failed.length} of ${chunk.length} messages: ${failed.map((f) => f.Code).join(', ')}`,
      );
    }
  }
}
