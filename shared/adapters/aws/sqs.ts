import { setTimeout as delay } from 'node:timers/promises';
import { type BatchResultErrorEntry, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

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

export interface SendOptions {
  /** Tries per message before it counts as not sent (the first included). */
  attempts?: number;
  /** Wait before the first retry; doubled before each next one. */
  retryDelayMs?: number;
}

/** Messages SQS did not take: `unsent` holds each one's position in the caller's list and why. */
export class SqsSendError extends Error {
  constructor(
    queueUrl: string,
    total: number,
    readonly unsent: readonly { index: number; code: string; message: string }[],
  ) {
    const named = unsent.map((u) => `#${u.index} ${u.code}${u.message ? ` (${u.message})` : ''}`).join(', ');
    super(`SQS did not accept ${unsent.length} of ${total} messages for ${queueUrl}: ${named}`);
    this.name = 'SqsSendError';
  }
}

/**
 * Sends message bodies in batches of ten. Entries SQS failed on its side are sent again (with backoff); entries it
 * refused as malformed (a sender fault) are not, since they fail the same way each time. Whatever is still unsent
 * at the end throws an `SqsSendError` naming it, so the caller's work fails and is retried (receivers are
 * idempotent on the message's own id).
 */
export async function sendMessages(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  opts: SendOptions = {},
): Promise<void> {
  const attempts = opts.attempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 50;
  const unsent: BatchResultErrorEntry[] = [];
  for (let start = 0; start < bodies.length; start += SQS_BATCH_LIMIT) {
    let pending = bodies.slice(start, start + SQS_BATCH_LIMIT).map((_, i) => start + i);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const out = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: pending.map((index) => ({ Id: String(index), MessageBody: bodies[index] })),
        }),
      );
      const failed = out.Failed ?? [];
      const retryable = failed.filter((f) => !f.SenderFault);
      unsent.push(...failed.filter((f) => f.SenderFault));
      if (retryable.length > 0 && attempt >= attempts) unsent.push(...retryable);
      pending = attempt >= attempts ? [] : retryable.map((f) => Number(f.Id));
      if (pending.length > 0) await delay(retryDelayMs * 2 ** (attempt - 1));
    }
  }
  if (unsent.length > 0) {
    throw new SqsSendError(
      queueUrl,
      bodies.length,
      unsent
        .map((f) => ({ index: Number(f.Id), code: f.Code ?? 'unknown', message: f.Message ?? '' }))
        .sort((a, b) => a.index - b.index),
    );
  }
}

/** `sendMessages` of values as JSON. */
export function sendJsonMessages(
  client: SQSClient,
  queueUrl: string,
  values: readonly unknown[],
  opts?: SendOptions,
): Promise<void> {
  return sendMessages(
    client,
    queueUrl,
    values.map((v) => JSON.stringify(v)),
    opts,
  );
}
