import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { createPool } from '#adapters/pg/pool';
import { evaluatorConfig, loadConfig } from '#config/env';
import { createSignalEvaluator } from './evaluator.ts';

/** The signal evaluator Lambda: config, pool and SDK clients built once per container, at module scope. */
const config = loadConfig(evaluatorConfig);

export const handler = createSignalEvaluator(config, {
  pool: createPool({ component: 'evaluator' }, config),
  sqs: makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION),
  dynamo: makeDynamoClient(config.DYNAMODB_ENDPOINT, config.AWS_REGION),
});
