import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { DatabaseProxy } from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { DatabaseComponent } from '#config/database-roles';

/**
 * What a Lambda or task needs to reach Postgres through the RDS Proxy, handed from the data stack: one secret per
 * component role (shared/config/database-roles.ts). The master secret is not here: only the migrations have it.
 */
export interface DatabaseAccess {
  proxy: DatabaseProxy;
  secrets: Readonly<Record<DatabaseComponent, ISecret>>;
  clients: ISecurityGroup;
}

/** The variables `#adapters/pg/pool` reads: the component's own credentials, host = the proxy, TLS on. */
export function databaseEnvironment(db: DatabaseAccess, component: DatabaseComponent): Record<string, string> {
  return {
    DATABASE_SECRET_ARN: db.secrets[component].secretArn,
    DATABASE_HOST: db.proxy.endpoint,
    DATABASE_SSL: 'true',
  };
}

/** Read access to the component's own secret, and to no other. */
export function grantDatabase(db: DatabaseAccess, component: DatabaseComponent, grantee: IGrantable): void {
  db.secrets[component].grantRead(grantee);
}
