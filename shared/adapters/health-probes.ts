import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import type { DependencyProbe } from '../ports/dependency-probe.ts';
import type { PriceCache } from '../ports/price-cache.ts';

export function databaseProbe(pool: pg.Pool): DependencyProbe {
  return {
    name: 'database',
    critical: true,
    check: async () => {
      await pool.query('SELECT 1');
      return undefined;
    },
  };
}

/** The price cache this process is configured with: a PING to Redis, or the in-memory cache saying so. */
export function cacheProbe(cache: PriceCache): DependencyProbe {
  return { name: 'cache', critical: false, check: () => cache.ping() };
}

export function queueProbe(sqs: SQSClient, queueUrl: string | undefined): DependencyProbe {
  return {
    name: 'queues',
    critical: false,
    check: async () => {
      if (!queueUrl) throw Object.assign(new Error('BROWSER_JOBS_QUEUE_URL unset'), { code: 'not_configured' });
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
      return undefined;
    },
  };
}

export function idempotencyTableProbe(dynamo: DynamoDBClient, tableName: string | undefined): DependencyProbe {
  return {
    name: 'idempotencyTable',
    critical: false,
    check: async () => {
      if (!tableName) return 'not configured (IDEMPOTENCY_TABLE unset)';
      const described = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
      if (described.Table?.TableStatus !== 'ACTIVE') throw new Error(`table is ${described.Table?.TableStatus}`);
      return undefined;
    },
  };
}
