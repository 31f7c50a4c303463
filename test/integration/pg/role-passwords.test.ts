import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import { migrate } from '#adapters/pg/migrate';
import { createPool } from '#adapters/pg/pool';
import { type DatabaseComponent, databaseComponents, databaseRoles } from '#config/database-roles';
import { loadConfig, migrateConfig } from '#config/env';
import { createMigrateHandler } from '../../../functions/migrate/resource.ts';
import { localLambdaContext } from '../../../local/lambda-context.ts';
import {
  type FakeSecretsManager,
  fakeSecretArn,
  secretEnvironment,
  startFakeSecretsManager,
  withEnv,
} from '../../support/pg-secrets.ts';
import { createDatabase, uniqueDatabaseName } from '../../support/pg-server.ts';

const create = {
  RequestType: 'Create',
  ServiceToken: 'arn:token',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:stack',
  RequestId: 'r-1',
  LogicalResourceId: 'Migrations',
  ResourceType: 'Custom::SharplineMigrations',
  ResourceProperties: { ServiceToken: 'arn:token', migrationsDigest: 'abc' },
} as CloudFormationCustomResourceEvent;

/**
 * Polls until `count` sessions wait on a lock (the concurrent role creations), or fails at the deadline. `client`
 * must be outside a transaction: inside one, pg_stat_activity answers from a snapshot taken once.
 */
async function waitForLockWaiters(client: pg.Client, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
    );
    if (rows[0]!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${count} migrations reached the role creation`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The AWS path end to end on its own embedded server, whatever `DATABASE_URL` says: it needs a server that checks
 * passwords (the machine's test server may trust every local connection), and a cluster no other run shares, since
 * this sets the roles' passwords.
 */
describe('migrate function: one login per component role', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  let secrets: FakeSecretsManager;
  let masterUrl: string;
  let siblingUrls: string[];
  const passwords = new Map<DatabaseComponent, string>();
  const roleUrl = (component: DatabaseComponent, password = passwords.get(component)!) => {
    const url = new URL(masterUrl);
    url.username = databaseRoles[component];
    url.password = password;
    return url.toString();
  };
  const migrateWith = (roleSecrets: Partial<Record<DatabaseComponent, string>>) =>
    withEnv(
      {
        ...secretEnvironment(secrets, 'master'),
        DATABASE_ROLE_SECRET_ARNS: JSON.stringify(roleSecrets),
        POWERTOOLS_DEV: 'true',
      },
      () => createMigrateHandler(() => loadConfig(migrateConfig))(create, localLambdaContext('migrate')),
    );

  beforeAll(async () => {
    server = await startEmbeddedPostgres({
      dataDir: await mkdtemp(join(tmpdir(), 'sharpline-roles-')),
      persistent: false,
      fast: true,
    });
    masterUrl = await createDatabase(server.url, uniqueDatabaseName('sl_roles'));
    // A fresh server and four databases migrating at once, while another session is creating one of the roles:
    // each migration must wait for that session and then take the role as it finds it.
    siblingUrls = await Promise.all([1, 2, 3].map(() => createDatabase(server.url, uniqueDatabaseName('sl_sibling'))));
    const creator = new pg.Client({ connectionString: server.url });
    const watcher = new pg.Client({ connectionString: server.url });
    await Promise.all([creator.connect(), watcher.connect()]);
    try {
      await creator.query(`BEGIN; CREATE ROLE ${databaseRoles.api} LOGIN`);
      const migrations = Promise.all([masterUrl, ...siblingUrls].map((url) => migrate(url, { quiet: true })));
      await waitForLockWaiters(watcher, 4);
      await creator.query('COMMIT');
      await migrations;
    } finally {
      await Promise.all([creator.end(), watcher.end()]);
    }
    secrets = await startFakeSecretsManager();
    secrets.put('master', masterUrl);
    for (const component of databaseComponents) {
      passwords.set(component, randomBytes(24).toString('base64url'));
      secrets.put(`role-${component}`, roleUrl(component));
    }
    await migrateWith(Object.fromEntries(databaseComponents.map((c) => [c, fakeSecretArn(`role-${c}`)])));
  });
  afterAll(async () => {
    await secrets?.stop();
    await server?.stop();
  });

  it.each(databaseComponents)('%s logs in with its own secret, as its role, with no DDL', async (component) => {
    await withEnv(secretEnvironment(secrets, `role-${component}`), async () => {
      const pool = createPool({ component, max: 1 });
      try {
        const { rows } = await pool.query<{ who: string }>('SELECT session_user AS who');
        expect(rows[0]!.who).toBe(databaseRoles[component]);
        await expect(pool.query('CREATE TABLE intruder (id int)')).rejects.toMatchObject({ code: '42501' });
      } finally {
        await pool.end();
      }
    });
  });

  it('grants in every database that migrated concurrently, the roles created once', async () => {
    for (const url of siblingUrls) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ api: boolean; worker: boolean }>(
          `SELECT has_table_privilege('sharpline_api', 'jobs', 'INSERT') AS api,
                  has_table_privilege('sharpline_browser_worker', 'bankroll', 'SELECT') AS worker`,
        );
        expect(rows[0]).toEqual({ api: true, worker: false });
      } finally {
        await client.end();
      }
    }
  });

  it('refuses a wrong password (the password checks are real)', async () => {
    const client = new pg.Client({ connectionString: roleUrl('browserWorker', 'not-the-password') });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('refuses to run a component on a secret that is not its own role, the master secret included', async () => {
    await withEnv(secretEnvironment(secrets, 'master'), async () => {
      const pool = createPool({ component: 'api', max: 1 });
      try {
        await expect(pool.query('SELECT 1')).rejects.toThrow(/logs in as postgres, not as sharpline_api/);
      } finally {
        await pool.end();
      }
    });
  });

  it('fails the deployment when a role secret names another user', async () => {
    secrets.put('swapped', roleUrl('api'));
    await expect(migrateWith({ browserWorker: fakeSecretArn('swapped') })).rejects.toThrow(
      /browserWorker secret names sharpline_api/,
    );
  });

  it('sets a rotated password on the next run, and the old one stops working', async () => {
    const old = passwords.get('settlement')!;
    passwords.set('settlement', randomBytes(24).toString('base64url'));
    secrets.put('role-settlement-rotated', roleUrl('settlement'));
    await migrateWith({ settlement: fakeSecretArn('role-settlement-rotated') });
    const fresh = new pg.Client({ connectionString: roleUrl('settlement') });
    await fresh.connect();
    await fresh.end();
    const stale = new pg.Client({ connectionString: roleUrl('settlement', old) });
    await expect(stale.connect()).rejects.toMatchObject({ code: '28P01' });
  });
});
