import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type pg from 'pg';
import { createInMemoryPriceCache } from '../../../shared/adapters/price-cache/in-memory.ts';
import { getSessionDataKey } from '../../../shared/adapters/secrets/session-keys.ts';
import type { TestDatabase } from '../../support/pg.ts';

/**
 * One real stack per test file: its own migrated database, an SQS emulator with the real queues, and the local API
 * server speaking HTTP. Powertools runs in dev mode (no EMF to stdout): every module that builds the logger or metrics
 * is imported dynamically, after the variable is set.
 */
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

export interface ApiStack {
  url: string;
  db: TestDatabase;
  pool: pg.Pool;
  sqs: SQSClient;
  sqsEndpoint: string;
  queueUrl: string;
  /** The key file the local server verifies tokens with (to sign tokens with any claims). */
  jwtKeyFile: string;
  token(sub: string, role: string): Promise<string>;
  /** The same handler on the same deps as the server, invoked directly, as in AWS behind the JWT authorizer. */
  invoke(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  receiveJobMessages(): Promise<unknown[]>;
  /** The session data key the server encrypts with, to prove what is stored decrypts to what was sent. */
  sessionKey(): Promise<Buffer>;
  stop(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  body: unknown;
  headers: Headers;
}

/** An API Gateway HTTP API (payload 2.0) event as the deployed JWT authorizer hands it to the Lambda. */
export function httpApiEvent(
  method: string,
  path: string,
  opts: { claims?: Record<string, string>; body?: string; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const requestContext = {
    accountId: '123456789012',
    apiId: 'api',
    domainName: 'api.example.com',
    domainPrefix: 'api',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
    requestId: 'req-1',
    routeKey: '$default',
    stage: '$default',
    time: '23/Nov/2026:11:00:00 +0000',
    timeEpoch: 1_795_431_600_000,
    ...(opts.claims ? { authorizer: { jwt: { claims: opts.claims, scopes: [] } } } : {}),
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext,
    isBase64Encoded: opts.base64 ?? false,
    ...(opts.body === undefined ? {} : { body: opts.body }),
  } as APIGatewayProxyEventV2;
}

export async function startApiStack(): Promise<ApiStack> {
  const dir = await mkdtemp(join(tmpdir(), 'sharpline-api-'));
  const [
    { startApiServer },
    { loadLocalJwtKeys },
    { startSqsEmulator, createQueues },
    clients,
    secrets,
    pg,
    { createApiHandler },
    { apiDepsFromConfig },
    { apiConfig, loadConfig },
    { localLambdaContext },
  ] = await Promise.all([
    import('../../../local/api/server.ts'),
    import('../../../local/api/jwt.ts'),
    import('../../../local/emulators/sqs.ts'),
    import('#adapters/aws/clients'),
    import('../../../shared/adapters/secrets/local-file.ts'),
    import('../../support/pg.ts'),
    import('../../../functions/api/app.ts'),
    import('../../../functions/api/deps.ts'),
    import('#config/env'),
    import('../../../local/lambda-context.ts'),
  ]);
  const db = await pg.createTestDatabase();
  const emulator = await startSqsEmulator();
  const sqs = clients.makeSqsClient(emulator.endpoint);
  const queues = await createQueues(sqs, 'test');
  const jwtKeyFile = join(dir, 'jwt.json');
  const keys = await loadLocalJwtKeys(jwtKeyFile);
  const secretsProvider = secrets.createLocalSecretsProvider(join(dir, 'secrets.json'));
  const overrides = {
    sqs,
    browserJobsQueueUrl: queues.browserJobs.url,
    priceCache: createInMemoryPriceCache(),
    idempotencyTable: undefined,
  };
  const deps = { ...overrides, secrets: secretsProvider };
  const server = await startApiServer({ pool: db.rolePool('api'), jwtKeyFile, deps });
  const handler = createApiHandler(
    apiDepsFromConfig(loadConfig(apiConfig), db.rolePool('api'), secretsProvider, overrides),
    { timeoutEarlyInMillis: 0 },
  );

  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Buffer | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // non-JSON bodies are returned as text for the assertion to show
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    url: server.url,
    db,
    pool: db.pool,
    sqs,
    sqsEndpoint: emulator.endpoint,
    queueUrl: queues.browserJobs.url,
    jwtKeyFile,
    token: (sub, role) => keys.sign({ sub, role }),
    invoke: (event) => handler(event, localLambdaContext('sharpline-api-test')),
    call,
    receiveJobMessages: async () => {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues.browserJobs.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? 'null'));
    },
    sessionKey: () => getSessionDataKey(secretsProvider),
    stop: async () => {
      await server.stop();
      await emulator.stop();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Row counts of every table the API writes, to prove a rejected request wrote nothing. */
export async function writeCounts(pool: pg.Pool): Promise<Record<string, number | string>> {
  const { rows } = await pool.query<Record<string, number | string>>(
    `SELECT (SELECT count(*) FROM user_consents)::int AS consents,
            (SELECT count(*) FROM sportsbook_sessions)::int AS sessions,
            (SELECT count(*) FROM jobs)::int AS jobs,
            (SELECT count(*) FROM workers)::int AS workers,
            (SELECT count(*) FROM audit_logs)::int AS audit_logs,
            (SELECT count(*) FROM deletion_audit)::int AS deletion_audit,
            (SELECT updated_at::text FROM kill_switch) AS kill_switch_updated`,
  );
  return rows[0]!;
}
