import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvConfig } from '../config/types.ts';
import { controlTower } from '../lib/control-tower.ts';

export interface SharplineLogGroupProps {
  config: EnvConfig;
  /** Only where a service writes to a group by its name (RDS exports). */
  logGroupName?: string;
}

const LOGS_KEY_ID = 'LogsKey';

/**
 * The stack's key for its log groups, made on first use. One per stack, not one shared: a log group's rule
 * (CT.CLOUDWATCH.PR.3) follows only a key in its own template, and each key's policy admits CloudWatch Logs for
 * log groups of this account and region only.
 */
function logsKeyOf(scope: Construct, config: EnvConfig): Key {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(LOGS_KEY_ID);
  if (existing instanceof Key) return existing;
  const key = new Key(stack, LOGS_KEY_ID, {
    description: `Encrypts the log groups of ${stack.stackName}`,
    enableKeyRotation: true,
    removalPolicy: config.removalPolicy,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return key;
}

/**
 * Every log group of ours: encrypted under the stack's logs key, the env's retention and removal policy. A
 * retention under a year (dev, staging) is a cost choice, acknowledged here with the env that makes it.
 */
export class SharplineLogGroup extends LogGroup {
  constructor(scope: Construct, id: string, props: SharplineLogGroupProps) {
    const { config } = props;
    super(scope, id, {
      ...(props.logGroupName ? { logGroupName: props.logGroupName } : {}),
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
      encryptionKey: logsKeyOf(scope, config),
    });
    if (config.logRetention < RetentionDays.ONE_YEAR) {
      Validations.of(this).acknowledge({
        id: controlTower.logRetentionYear,
        reason: `${config.envName} keeps ${config.logRetention} days of logs to save cost; prod keeps a year (infra/config/envs.ts).`,
      });
    }
  }
}
