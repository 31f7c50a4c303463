import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * SDK clients, built once per process from its config. With an endpoint (`SQS_ENDPOINT` / `DYNAMODB_ENDPOINT`: local
 * mode and tests) the real SDK talks to that endpoint with static dummy credentials; otherwise it uses the Lambda's
 * role. The region only matters in AWS, where Lambda sets `AWS_REGION`.
 */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_REGION = 'us-east-1';

export function makeSqsClient(endpoint: string | undefined, region = LOCAL_REGION): SQSClient {
  return endpoint ? new SQSClient({ region, endpoint, credentials: localCredentials }) : new SQSClient({ region });
}

export function makeDynamoClient(endpoint: string | undefined, region = LOCAL_REGION): DynamoDBClient {
  return endpoint
    ? new DynamoDBClient({ region, endpoint, credentials: localCredentials })
    : new DynamoDBClient({ region });
}
