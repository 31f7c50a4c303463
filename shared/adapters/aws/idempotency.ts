import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { tables } from '#config/resources';
import { makeDynamoClient } from './clients.ts';

/**
 * Powertools idempotency records in DynamoDB, through the shared client so `DYNAMODB_ENDPOINT` reaches the local
 * emulator. The layer only uses conditional PutItem, GetItem, UpdateItem and DeleteItem: no transactions, no TTL API.
 */
export function makeIdempotencyStore(tableName = process.env.IDEMPOTENCY_TABLE ?? tables.idempotency.name) {
  return new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: tables.idempotency.partitionKey,
    expiryAttr: tables.idempotency.ttlAttribute,
    awsSdkV3Client: makeDynamoClient(),
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
