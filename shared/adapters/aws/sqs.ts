import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export const SQS_BATCH_LIMIT = 10;

/**
 * One SendMessageBatch of up to ten JSON bodies, keyed by the caller's ids (alphanumeric, `-`, `_`; at most 80
 * characters): returns the ids SQS rejected with its reason, so the caller can keep the rest.
 */
export async function sendJsonBatch(
  client: SQSClient,
  queueUrl: string,
  entries: ReadonlyArray<{ id: string; body: unknown }>,
): Promise<Map<string, string>> {
  if (entries.length === 0) return new Map();
  const out = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: entries.map((entry) => ({ Id: entry.id, MessageBody: JSON.stringify(entry.body) })),
    }),
  );
  return new Map((out.Failed ?? []).map((f) => [f.Id ?? '', `${f.Code ?? 'Unknown'}: ${f.Message ?? ''}`]));
}

/**
 * Sends JSON bodies in batches of ten. A partly failed batch throws, naming the failures, so the caller's record
 * fails and is retried (receivers are idempotent on the message's own id).
 */
export async function sendJsonMessages(client: SQSClient, queueUrl: string, bodies: readonly unknown[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += SQS_BATCH_LIMIT) {
    const chunk = bodies.slice(start, start + SQS_BATCH_LIMIT);
    const failed = await sendJsonBatch(
      client,
      queueUrl,
      chunk.map((body, i) => ({ id: String(i), body })),
    );
    if (failed.size > 0) {
      throw new Error(
        `SQS rejected ${failed.size} of ${chunk.length} messages: ${[...failed.values()].map((f) => f.split(':')[0]).join(', ')}`,
      );
    }
  }
}
