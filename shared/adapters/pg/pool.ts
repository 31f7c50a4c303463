import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import pg from 'pg';
import { z } from 'zod';
import { type DatabaseComponent, databaseRoles } from '#config/database-roles';
import { type DatabaseConfig, databaseConfig, loadConfig } from '#config/env';
import { logger } from '../../observability.ts';
import { parseSafeInteger } from './rows.ts';

export interface PoolOptions {
  /** Defaults to `DATABASE_URL`; when both are unset, credentials come from the secret `DATABASE_SECRET_ARN`. */
  connectionString?: string;
  /**
   * The component whose Postgres role the pool works as (shared/config/database-roles.ts). With a connection string
   * (local mode, tests) every connection switches to the role as it opens (`-c role=`), so the role's grants, not
   * the owner's, decide what it may do. With a secret (AWS) the secret must be that role's own: anything else
   * (the master secret, another component's) is refused before connecting.
   */
  component?: DatabaseComponent;
  /** Defaults to `DB_POOL_MAX`. Lambda serves one request at a time per instance: keep it small to spare RDS. */
  max?: number;
  statementTimeoutMs?: number;
}

const INT8_OID = 20;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * BIGINT comes back as a checked safe-integer number; every other type keeps node-postgres's default parser.
 * Pools from `createPool` use it; pass it as `types` to any standalone `pg.Client`.
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseSafeInteger
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The JSON an RDS-managed secret holds. */
export type RdsSecret = z.infer<typeof rdsSecretSchema>;
const rdsSecretSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().positive().default(5432),
  username: z.string().min(1),
  password: z.string().min(1),
  dbname: z.string().min(1).default('postgres'),
});

function tlsFor(host: string | undefined, sslSetting: DatabaseConfig['DATABASE_SSL']): pg.ClientConfig['ssl'] {
  const on = sslSetting === undefined ? host !== undefined && !LOCAL_HOSTS.has(host) : sslSetting === 'true';
  // RDS certificates chain to the Amazon RDS CA: Lambda loads it with NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem.
  return on ? { rejectUnauthorized: true } : false;
}

/** An RDS-style secret (cached by Powertools for an hour); `name` says which setting it came from in errors. */
export async function readDatabaseSecret(
  secretArn: string,
  name: string,
  opts: { forceFetch?: boolean } = {},
): Promise<RdsSecret> {
  let raw: unknown;
  try {
    raw = await getSecret(secretArn, { transform: 'json', maxAge: 3600, forceFetch: opts.forceFetch ?? false });
  } catch (error) {
    throw new Error(`could not read database credentials from ${name}`, { cause: error });
  }
  return rdsSecretSchema.parse(raw);
}

/**
 * Connection settings from the RDS secret `DATABASE_SECRET_ARN` (cached by Powertools for an hour).
 * `DATABASE_HOST` overrides the secret's host, so Lambdas reach the database through the RDS Proxy.
 */
export async function connectionConfigFromSecret(
  config: DatabaseConfig,
  opts: { forceFetch?: boolean; component?: DatabaseComponent } = {},
): Promise<pg.ClientConfig> {
  if (!config.DATABASE_SECRET_ARN) throw new Error('DATABASE_SECRET_ARN is not set');
  const secret = await readDatabaseSecret(config.DATABASE_SECRET_ARN, 'DATABASE_SECRET_ARN', opts);
  if (opts.component && secret.username !== databaseRoles[opts.component]) {
    throw new Error(
      `DATABASE_SECRET_ARN logs in as ${secret.username}, not as ${databaseRoles[opts.component]}: give the ${opts.component} its own secret`,
    );
  }
  const host = config.DATABASE_HOST ?? secret.host;
  return {
    host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
    ssl: tlsFor(host, config.DATABASE_SSL ?? 'true'),
  };
}

/** Postgres's "password authentication failed": after a rotation, the cached credentials are the old ones. */
const INVALID_PASSWORD = '28P01';

/**
 * A pool whose host and credentials come from Secrets Manager, fetched once before the first connection.
 * node-postgres needs the host when it builds a client, so every connect waits for the secret first. When the
 * database refuses the password (the secret was rotated since it was cached), the secret is fetched afresh and the
 * connection tried once more.
 */
class SecretCredentialsPool extends pg.Pool {
  #ready: Promise<void> | undefined;

  constructor(
    poolConfig: pg.PoolConfig,
    private readonly config: DatabaseConfig,
    private readonly component: DatabaseComponent | undefined,
  ) {
    super(poolConfig);
  }

  #loadCredentials(forceFetch = false): Promise<void> {
    if (forceFetch) this.#ready = undefined;
    this.#ready ??= connectionConfigFromSecret(this.config, {
      forceFetch,
      ...(this.component ? { component: this.component } : {}),
    }).then(
      (connection) => {
        Object.assign(this.options, connection);
      },
      (error: unknown) => {
        this.#ready = undefined; // a transient Secrets Manager failure must not poison the pool for good
        throw error;
      },
    );
    return this.#ready;
  }

  async #connectWithFreshCredentials(): Promise<pg.PoolClient> {
    await this.#loadCredentials();
    try {
      return await super.connect();
    } catch (error) {
      if ((error as pg.DatabaseError).code !== INVALID_PASSWORD) throw error;
      await this.#loadCredentials(true);
      return super.connect();
    }
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: Parameters<pg.Pool['connect']>[0] & {}): void;
  override connect(callback?: Parameters<pg.Pool['connect']>[0]): Promise<pg.PoolClient> | undefined {
    const connecting = this.#connectWithFreshCredentials();
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean)),
      (error: Error) => callback(error, undefined, () => {}),
    );
    return undefined;
  }
}

/** `config` defaults to the environment's database settings (tests and tools build pools from a URL alone). */
export function createPool(opts: PoolOptions = {}, config: DatabaseConfig = loadConfig(databaseConfig)): pg.Pool {
  const connectionString = opts.connectionString ?? config.DATABASE_URL;
  const base: pg.PoolConfig = {
    max: opts.max ?? config.DB_POOL_MAX,
    statement_timeout: opts.statementTimeoutMs ?? config.DB_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: pgTypes,
  };
  let pool: pg.Pool;
  if (connectionString) {
    const host = new URL(connectionString).hostname;
    pool = new pg.Pool({
      ...base,
      connectionString,
      ssl: tlsFor(host, config.DATABASE_SSL),
      ...(opts.component ? { options: `-c role=${databaseRoles[opts.component]}` } : {}),
    });
  } else if (config.DATABASE_SECRET_ARN) {
    pool = new SecretCredentialsPool(base, config, opts.component);
  } else {
    throw new Error('no database configured: set DATABASE_URL, or DATABASE_SECRET_ARN in AWS');
  }
  // An idle client losing its connection (RDS failover, restart) emits here; unhandled it would crash the process.
  pool.on('error', (error) => {
    // Message and code only: the error object carries the whole client, connection settings included. Not under the
    // key `message`, which Powertools reserves for the log line's own text and drops from the extra fields.
    logger.error('idle Postgres client error', {
      errorMessage: error.message,
      code: (error as pg.DatabaseError).code,
    });
  });
  return pool;
}
