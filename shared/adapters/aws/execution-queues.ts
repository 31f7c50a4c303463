import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sendJsonMessages } from '#adapters/aws/sqs';
import type { ExecutionRequest } from '#contracts/execution-request';
import { venues } from '#domain/names';
import type { ExecutionSender } from '../../ports/signal-store.ts';

export type ExecutionQueueUrls = Record<ExecutionRequest['venue'], string | undefined>;

/** Sends each request to its venue's execution queue; a venue without a queue is a configuration error. */
export function executionSender(sqs: SQSClient, urls: ExecutionQueueUrls): ExecutionSender {
  return async (requests) => {
    for (const venue of venues) {
      const forVenue = requests.filter((r) => r.venue === venue);
      if (forVenue.length === 0) continue;
      const url = urls[venue];
      if (!url) throw new Error(`live mode needs EXECUTION_${venue.toUpperCase()}_QUEUE_URL`);
      await sendJsonMessages(sqs, url, forVenue);
    }
  };
}

/** Sends one message to `queueUrl` after `delaySeconds` (at most 900), with numeric message attributes. */
export async function sendDelayed(
  sqs: SQSClient,
  queueUrl: string,
  message: { body: string; delaySeconds: number; attributes: Record<string, number> },
): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.body,
      DelaySeconds: Math.min(900, Math.max(0, Math.floor(message.delaySeconds))),
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          { DataType: 'Number', StringValue: String(value) },
        ]),
      ),
    }),
  );
}
