import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tables } from '#config/resources';

/**
 * Powertools idempotency records in DynamoDB, through the process's own client, so a local endpoint reaches the
 * emulator. The layer only uses conditional PutItem, GetItem, UpdateItem and DeleteItem: no transactions, no TTL API.
 */
export function makeIdempotencyStore(tableName: string, client: DynamoDBClient) {
  return new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: tables.idempotency.partitionKey,
    expiryAttr: tables.idempotency.ttlAttribute,
    awsSdkV3Client: client,
  });
}

/** Keyed on one field of the function's first argument (a parsed message), kept for a day. */
export function idempotencyConfigFor(keyField: string): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath: keyField,
    expiresAfterSeconds: 24 * 3600,
    throwOnNoIdempotencyKey: true,
  });
}
