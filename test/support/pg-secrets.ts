import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecretsManager {
  endpoint: string;
  /** Stores an RDS-style secret under `name` pointing at the database of `databaseUrl`. */
  put(name: string, databaseUrl: string): void;
  /** GetSecretValue calls answered so far. */
  requests(): number;
  stop(): Promise<void>;
}

const ARN_PREFIX = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:';

/** The ARN the fake answers for the secret `put` under `name`. */
export function fakeSecretArn(name: string): string {
  return `${ARN_PREFIX}${name}`;
}

function rdsSecret(databaseUrl: string): string {
  const target = new URL(databaseUrl);
  return JSON.stringify({
    host: 'primary.invalid', // unresolvable on purpose: tests prove DATABASE_HOST overrides it
    port: Number(target.port || 5432),
    username: decodeURIComponent(target.username),
    password: decodeURIComponent(target.password) || 'unused-by-trust-auth',
    dbname: target.pathname.slice(1),
  });
}

/**
 * A stand-in for Secrets Manager's JSON API (GetSecretValue only). The SDK client behind Powertools keeps its
 * endpoint for the life of the process, so one server per test file serves every secret the file needs.
 */
export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, string>();
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests += 1;
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId: string };
      const secret = secrets.get(SecretId.replace(ARN_PREFIX, ''));
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (!secret) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `no secret ${SecretId}` }));
        return;
      }
      res.end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: secret }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put: (name, databaseUrl) => {
      secrets.set(name, rdsSecret(databaseUrl));
    },
    requests: () => requests,
    stop: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The environment a Lambda sees in AWS, pointed at the fake Secrets Manager and the local database host. */
export function secretEnvironment(secrets: FakeSecretsManager, secretName = 'db'): Record<string, string | undefined> {
  return {
    DATABASE_URL: undefined,
    // Powertools caches a secret by name for the process: a test wanting a different secret needs another name.
    DATABASE_SECRET_ARN: fakeSecretArn(secretName),
    DATABASE_HOST: '127.0.0.1',
    DATABASE_SSL: 'false',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  };
}

/** Runs `work` with some environment variables replaced (undefined = unset), restoring them after. */
export async function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}
