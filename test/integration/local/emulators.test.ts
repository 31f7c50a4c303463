import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { queues } from '#config/resources';
import { createIdempotencyTable, startDynamoEmulator } from '../../../local/emulators/dynamodb.ts';
import { createQueues, startSqsEmulator } from '../../../local/emulators/sqs.ts';

describe('SQS emulator', () => {
  let emulator: Awaited<ReturnType<typeof startSqsEmulator>>;
  beforeAll(async () => {
    emulator = await startSqsEmulator();
  });
  afterAll(() => emulator.stop());

  it('creates every configured queue and moves a message to its DLQ after maxReceiveCount receives', async () => {
    const sqs = makeSqsClient(emulator.endpoint);
    const created = await createQueues(sqs, 'test');
    expect(Object.keys(created).sort()).toEqual(Object.keys(queues).sort());
    const q = created.browserJobs;
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"poison":true}' }));

    for (let i = 0; i < queues.browserJobs.maxReceiveCount; i++) {
      const got = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: q.url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 1,
        }),
      );
      expect(got.Messages ?? []).toHaveLength(1);
    }
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0 }));
    expect(after.Messages ?? []).toHaveLength(0);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, WaitTimeSeconds: 1 }));
    expect(dead.Messages?.[0]?.Body).toBe('{"poison":true}');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: q.dlqUrl, ReceiptHandle: dead.Messages![0]!.ReceiptHandle! }));
  });
});

describe('DynamoDB emulator', () => {
  let emulator: Awaited<ReturnType<typeof startDynamoEmulator>>;
  beforeAll(async () => {
    emulator = await startDynamoEmulator();
  });
  afterAll(() => emulator.stop());

  it('honours conditional PutItem, which idempotency records rely on', async () => {
    const ddb = makeDynamoClient(emulator.endpoint);
    await createIdempotencyTable(ddb, 'idem');
    const put = () =>
      ddb.send(
        new PutItemCommand({
          TableName: 'idem',
          Item: { id: { S: 'candidate-1' }, status: { S: 'COMPLETED' } },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    await put();
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const item = await ddb.send(new GetItemCommand({ TableName: 'idem', Key: { id: { S: 'candidate-1' } } }));
    expect(item.Item?.status?.S).toBe('COMPLETED');
  });
});
