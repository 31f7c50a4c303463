import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * SDK clients built once per process. When `SQS_ENDPOINT` / `DYNAMODB_ENDPOINT` are set (local mode and tests),
 * the real SDK talks to that endpoint with static dummy credentials; otherwise it uses the Lambda's role.
 */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = process.env.AWS_REGION ?? 'us-east-1';

export function makeSqsClient(endpoint = process.env.SQS_ENDPOINT): SQSClient {
  return endpoint ? new SQSClient({ region, endpoint, credentials: localCredentials }) : new SQSClient({ region });
}

export function makeDynamoClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBClient {
  return endpoint
    ? new DynamoDBClient({ region, endpoint, credentials: localCredentials })
    : new DynamoDBClient({ region });
}
