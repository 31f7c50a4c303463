import { setTimeout as delay } from 'node:timers/promises';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export const SQS_BATCH_LIMIT = 10;

/** One message: `id` is the caller's key (alphanumeric, `-`, `_`; at most 80 characters; unique in one call). */
export interface SqsEntry {
  id: string;
  body: string;
}

/** An entry SQS did not take after its last try, and why. */
export interface UnsentEntry {
  id: string;
  code: string;
  message: string;
  /** SQS called it the sender's fault (malformed): sending it again would fail the same way. */
  senderFault: boolean;
}

export interface SendOptions {
  /** Tries per message before it counts as not sent (the first included). */
  attempts?: number;
  /** Wait before the first retry; doubled before each next one. */
  retryDelayMs?: number;
  /** Told before each retry of a batch's failed entries (metrics). */
  onRetry?: (entries: readonly UnsentEntry[], attempt: number) => void;
}

/**
 * THE SQS batch sender: sends entries ten to a SendMessageBatch. Entries SQS failed on its side (throttling, internal
 * errors) and whole batches whose call threw (network) are sent again with backoff, up to `attempts` tries; entries
 * it refused as malformed are not, since they fail the same way each time. Returns what is still unsent, in the
 * caller's order; never throws for an SQS failure. A retried entry may arrive twice (a call that threw may have been
 * taken): receivers are idempotent on the message's own id.
 */
export async function sendBatches(
  client: SQSClient,
  queueUrl: string,
  entries: readonly SqsEntry[],
  opts: SendOptions = {},
): Promise<UnsentEntry[]> {
  const attempts = opts.attempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 50;
  const unsent: UnsentEntry[] = [];
  for (let start = 0; start < entries.length; start += SQS_BATCH_LIMIT) {
    let pending = entries.slice(start, start + SQS_BATCH_LIMIT);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const failed = await sendOneBatch(client, queueUrl, pending);
      unsent.push(...failed.filter((f) => f.senderFault));
      const retryable = failed.filter((f) => !f.senderFault);
      if (attempt >= attempts) {
        unsent.push(...retryable);
        break;
      }
      const retry = new Set(retryable.map((f) => f.id));
      pending = pending.filter((entry) => retry.has(entry.id));
      if (pending.length === 0) break;
      opts.onRetry?.(retryable, attempt);
      await delay(retryDelayMs * 2 ** (attempt - 1));
    }
  }
  const order = new Map(entries.map((entry, index) => [entry.id, index]));
  return unsent.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

async function sendOneBatch(client: SQSClient, queueUrl: string, batch: readonly SqsEntry[]): Promise<UnsentEntry[]> {
  try {
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((entry) => ({ Id: entry.id, MessageBody: entry.body })),
      }),
    );
    return (out.Failed ?? []).map((f) => ({
      id: f.Id ?? '',
      code: f.Code ?? 'unknown',
      message: f.Message ?? '',
      senderFault: f.SenderFault === true,
    }));
  } catch (error) {
    const code = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return batch.map((entry) => ({ id: entry.id, code, message, senderFault: false }));
  }
}

/** Messages SQS did not take: `unsent` holds each one's position in the caller's list and why. */
export class SqsSendError extends Error {
  readonly unsent: readonly { index: number; code: string; message: string }[];

  constructor(queueUrl: string, total: number, unsent: readonly { index: number; code: string; message: string }[]) {
    const named = unsent.map((u) => `#${u.index} ${u.code}${u.message ? ` (${u.message})` : ''}`).join(', ');
    super(`SQS did not accept ${unsent.length} of ${total} messages for ${queueUrl}: ${named}`);
    this.name = 'SqsSendError';
    this.unsent = unsent;
  }
}

/**
 * `sendBatches` of bodies keyed by their position, for callers whose work must fail when a message is not sent:
 * whatever is still unsent at the end throws an `SqsSendError` naming it, so the caller's work is retried.
 */
export async function sendMessages(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  opts: SendOptions = {},
): Promise<void> {
  const unsent = await sendBatches(
    client,
    queueUrl,
    bodies.map((body, index) => ({ id: String(index), body })),
    opts,
  );
  if (unsent.length > 0) {
    throw new SqsSendError(
      queueUrl,
      bodies.length,
      unsent.map((u) => ({ index: Number(u.id), code: u.code, message: u.message })),
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
