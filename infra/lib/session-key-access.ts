import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/** The sportsbook session data key: a secret encrypted under its own KMS key, both in the data stack. */
export interface SessionKeyAccess {
  secret: ISecret;
  kmsKey: IKey;
}

/**
 * Read access through the grantee's own policy. `secret.grantRead` would also name the grantee in the data
 * stack's key policy, a reference back into the consuming stack that makes the stacks cyclic; the key policy
 * already delegates to IAM in this account, so the identity policy is enough.
 */
export function grantSessionKeyRead(access: SessionKeyAccess, grantee: IGrantable): void {
  Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resourceArns: [access.secret.secretArn],
  });
  Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [access.kmsKey.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(access.kmsKey).region}.amazonaws.com` },
    },
  });
}
