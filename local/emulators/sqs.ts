import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { type QueueKey, queues, resourceName } from '#config/resources';

export interface LocalQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

/**
 * Starts fauxqs, an in-process SQS-API emulator with redrive-to-DLQ support, on a free loopback port.
 * The real @aws-sdk/client-sqs talks to it through `endpoint`. Its own `startFauxqs` listens on 0.0.0.0 whatever
 * `host` says, which would let anyone on the network push candidates or read job messages; so we build its app
 * and listen on loopback ourselves.
 */
export async function startSqsEmulator(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const app = buildApp({ logger: false, host: 'localhost' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => app.close() };
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
