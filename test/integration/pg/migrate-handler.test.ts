import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, migrateConfig } from '#config/env';
import { createMigrateHandler, MIGRATIONS_RESOURCE_ID } from '../../../functions/migrate/resource.ts';
import { createEmptyTestDatabase, type TestDatabase } from '../../support/pg.ts';
import {
  type FakeSecretsManager,
  secretEnvironment,
  startFakeSecretsManager,
  withEnv,
} from '../../support/pg-secrets.ts';

const context = {
  functionName: 'migrate',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:migrate',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/migrate',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 60_000,
} as Context;

function event(requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:token',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:stack',
    RequestId: `r-${requestType}`,
    LogicalResourceId: 'Migrations',
    ResourceType: 'Custom::SharplineMigrations',
    ResourceProperties: { ServiceToken: 'arn:token', migrationsDigest: 'abc' },
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: MIGRATIONS_RESOURCE_ID,
      OldResourceProperties: { ServiceToken: 'arn:token', migrationsDigest: 'old' },
    };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: MIGRATIONS_RESOURCE_ID };
}

const handler = createMigrateHandler(() => loadConfig(migrateConfig));

describe('migrations custom resource handler', () => {
  let db: TestDatabase;
  let secrets: FakeSecretsManager;
  const run = (type: 'Create' | 'Update' | 'Delete') =>
    // No role secrets: setting the roles' passwords is proven on a password-checking server (role-passwords.test.ts).
    withEnv({ ...secretEnvironment(secrets), DATABASE_ROLE_SECRET_ARNS: '{}', POWERTOOLS_DEV: 'true' }, () =>
      handler(event(type), context),
    );
  const applied = async () =>
    (await db.pool.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations')).rows[0]?.n;

  beforeAll(async () => {
    db = await createEmptyTestDatabase({ max: 1 });
    secrets = await startFakeSecretsManager();
    secrets.put('db', db.url);
  });
  afterAll(async () => {
    await secrets?.stop();
    await db?.drop();
  });

  it('Create migrates the database named by the secret; Update is a no-op once up to date', async () => {
    expect(await run('Create')).toEqual({ PhysicalResourceId: MIGRATIONS_RESOURCE_ID });
    const count = await applied();
    expect(count).toBeGreaterThan(0);
    expect(await run('Update')).toEqual({ PhysicalResourceId: MIGRATIONS_RESOURCE_ID });
    expect(await applied()).toBe(count);
  });

  it('fails the deployment when the migrations cannot run', async () => {
    const nowhere = new URL(db.url);
    nowhere.pathname = '/no_such_database';
    secrets.put('missing-db', nowhere.toString());
    await expect(
      withEnv(
        { ...secretEnvironment(secrets, 'missing-db'), DATABASE_ROLE_SECRET_ARNS: '{}', POWERTOOLS_DEV: 'true' },
        () => handler(event('Update'), context),
      ),
    ).rejects.toMatchObject({ code: '3D000' });
  });

  it('Delete leaves the schema and its data in place', async () => {
    await db.pool.query(`INSERT INTO audit_logs (actor, action, resource_type) VALUES ('t', 'keep', 'test')`);
    expect(await run('Delete')).toEqual({ PhysicalResourceId: MIGRATIONS_RESOURCE_ID });
    const { rows } = await db.pool.query(`SELECT action FROM audit_logs`);
    expect(rows).toEqual([{ action: 'keep' }]);
  });
});
