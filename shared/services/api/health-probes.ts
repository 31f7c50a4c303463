import { connect } from 'node:net';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import type { DependencyProbe } from './health.ts';

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

/**
 * Redis answers `PING` with `+PONG`; one inline command over a socket is all a liveness probe needs, so the API does
 * not carry a Redis client. Without `REDIS_URL` the pipeline uses its in-memory price cache, reported as such.
 */
export function cacheProbe(redisUrl: string | undefined): DependencyProbe {
  return {
    name: 'cache',
    critical: false,
    check: () => (redisUrl ? pingRedis(new URL(redisUrl)) : Promise.resolve('in-memory cache (REDIS_URL unset)')),
  };
}

function pingRedis(url: URL): Promise<undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error('redis ping timed out')));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (!reply.includes('\r\n')) return;
      socket.end();
      // an auth-protected Redis answers -NOAUTH: it is up, which is all this probe asks
      if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) resolve(undefined);
      else reject(new Error('unexpected redis reply'));
    });
    socket.on('error', reject);
  });
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
