import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { type QueueKey, queues, resourceName } from '#config/resources';

export interface LocalQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

/**
 * Starts fauxqs, an in-process SQS-API emulator with redrive-to-DLQ support, on a free loopback port.
 * The real @aws-sdk/client-sqs talks to it through `endpoint`.
 */
export async function startSqsEmulator(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = await startFauxqs({ port: 0, logger: false, host: 'localhost' });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}

/** Creates every queue of `shared/config/resources.ts` with its DLQ and redrive policy, as the CDK app does. */
export async function createQueues(client: SQSClient, env: string): Promise<Record<QueueKey, LocalQueue>> {
  const entries = await Promise.all(
    (Object.keys(queues) as QueueKey[]).map(async (key) => [key, await createQueueWithDlq(client, env, key)] as const),
  );
  return Object.fromEntries(entries) as Record<QueueKey, LocalQueue>;
}

async function createQueueWithDlq(client: SQSClient, env: string, key: QueueKey): Promise<LocalQueue> {
  const spec = queues[key];
  const dlq = await createQueue(client, resourceName(env, spec.dlqName), {});
  const main = await createQueue(client, resourceName(env, spec.name), {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: String(spec.maxReceiveCount) }),
  });
  return { url: main.url, arn: main.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (!url) throw new Error(`SQS emulator returned no URL for queue ${name}`);
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS emulator returned no ARN for queue ${name}`);
  return { url, arn };
}
