import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { createPool } from '#adapters/pg/pool';
import { loadConfig, polymarketExecutorConfig } from '#config/env';
import { createPolymarketExecutor } from './executor.ts';

/** The Polymarket executor Lambda: config, pool, SDK client and the egress built once per container, at module scope. */
const config = loadConfig(polymarketExecutorConfig);

export const handler = createPolymarketExecutor(config, {
  pool: createPool({ component: 'executor' }, config),
  dynamo: makeDynamoClient(config.DYNAMODB_ENDPOINT, config.AWS_REGION),
  sqs: makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION),
});
