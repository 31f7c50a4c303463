import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { tables } from '#config/resources';

/**
 * Starts dynalite, an in-process DynamoDB-API emulator, on a free loopback port. It has no TransactWriteItems and
 * no UpdateTimeToLive, so nothing we run locally may need them (Powertools idempotency uses conditional PutItem).
 */
export async function startDynamoEmulator(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** The idempotency table as the CDK app defines it: partition key `id`, on-demand (TTL is AWS-only). */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: tables.idempotency.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: tables.idempotency.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, minDelay: 1, maxWaitTime: 10 }, { TableName: tableName });
}
