import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { DatabaseProxy } from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/** What a Lambda or task needs to reach Postgres through the RDS Proxy, handed from the data stack. */
export interface DatabaseAccess {
  proxy: DatabaseProxy;
  secret: ISecret;
  clients: ISecurityGroup;
}

/** The variables `#adapters/pg/pool` reads: credentials from the secret, host = the proxy, TLS on. */
export function databaseEnvironment(db: DatabaseAccess): Record<string, string> {
  return {
    DATABASE_SECRET_ARN: db.secret.secretArn,
    DATABASE_HOST: db.proxy.endpoint,
    DATABASE_SSL: 'true',
  };
}

export function grantDatabase(db: DatabaseAccess, grantee: IGrantable): void {
  db.secret.grantRead(grantee);
}
