import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { createPool } from '#adapters/pg/pool';
import { kalshiExecutorConfig, loadConfig } from '#config/env';
import { createKalshiExecutor } from './executor.ts';

/** The Kalshi executor Lambda: config, pool, SDK client and the egress built once per container, at module scope. */
const config = loadConfig(kalshiExecutorConfig);

export const handler = createKalshiExecutor(config, {
  pool: createPool({ component: 'executor' }, config),
  dynamo: makeDynamoClient(config.DYNAMODB_ENDPOINT, config.AWS_REGION),
  sqs: makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION),
});
