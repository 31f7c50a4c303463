import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';

/**
 * AWS's CDK policy-validation plugin with the Control Tower proactive controls it bundles (cfn-guard rules, run by
 * the cfn-guard binary shipped inside the npm package). A finding fails synth unless acknowledged on its resource.
 *
 * Wrapped for one reason: the plugin leaves `severity` unset, and aws-cdk-lib 2.276, once any of a plugin's
 * findings is acknowledged, recomputes success as "no finding of severity error", so every other finding would
 * pass silently. Each finding is marked an error, as the plugin means it.
 */
class ControlTowerRules implements IPolicyValidationPlugin {
  private readonly guard = new CfnGuardValidator();
  readonly name = this.guard.name;
  readonly version = this.guard.version;
  readonly ruleIds = this.guard.ruleIds;

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.guard.validate(context);
    return { ...report, violations: report.violations.map((v) => ({ severity: 'error', ...v })) };
  }
}

export function controlTowerRules(): IPolicyValidationPlugin {
  return new ControlTowerRules();
}

const rule = (name: string) => `cdk-validator-cfnguard::${name}`;

/** The ids `Validations.of(construct).acknowledge` takes for the Control Tower rules we acknowledge somewhere. */
export const controlTower = {
  /** CT.CLOUDWATCH.PR.2: log groups kept at least a year. */
  logRetentionYear: rule('cloudwatch_log_group_retention_period_check'),
  /** CT.LAMBDA.PR.3: Lambdas in a customer VPC. */
  lambdaInVpc: rule('lambda_inside_vpc_check'),
  /** CT.LAMBDA.PR.2: Lambda permissions scoped by source. */
  lambdaPermissionScoped: rule('lambda_function_public_access_prohibited_check'),
  /** CT.APIGATEWAY.PR.5: every HTTP route has an authorizer. */
  routeAuthorized: rule('api_gw_v2_authorization_type_configured_check'),
  /** CT.RDS.PR.1: RDS multi-AZ. */
  rdsMultiAz: rule('rds_instance_multi_az_support_check'),
  /** CT.RDS.PR.13: RDS deletion protection. */
  rdsDeletionProtection: rule('rds_instance_deletion_protection_enabled_check'),
  /** CT.RDS.PR.8: RDS backups kept at least 7 days. */
  rdsBackupWeek: rule('rds_instance_backup_enabled_check'),
  /** CT.RDS.PR.20: RDS not on its engine's default port. */
  rdsDefaultPort: rule('rds_instance_no_default_ports_check'),
  /** CT.AUTOSCALING.PR.1: an auto-scaling group names at least two AvailabilityZones. */
  asgMultipleAzs: rule('autoscaling_multiple_az_check'),
  /** CT.ECS.PR.3: containers run as a non-root user. */
  ecsNonRoot: rule('ecs_task_definition_nonroot_user_check'),
  /** CT.ECS.PR.6: containers with a read-only root filesystem. */
  ecsReadOnlyRoot: rule('ecs_containers_readonly_access_check'),
  /** CT.S3.PR.2: S3 server access logging. */
  s3AccessLogs: rule('s3_bucket_logging_enabled_check'),
  /** CT.S3.PR.4: S3 event notifications. */
  s3EventNotifications: rule('s3_event_notifications_enabled_check'),
  /** CT.S3.PR.9: S3 Object Lock. */
  s3ObjectLock: rule('s3_bucket_object_lock_enabled_check'),
  /** CT.S3.PR.11: S3 versioning. */
  s3Versioning: rule('s3_bucket_versioning_enabled_check'),
} as const;

/**
 * A Lambda in a VPC of another stack gets its subnet and security-group ids through `Fn::ImportValue`, which the
 * rule cannot follow (it accepts literals and same-template references only). At deploy the values resolve, and
 * the Control Tower hook sees them; here the acknowledgement says so, only for that case.
 */
export function acknowledgeImportedSubnets(fn: IFunction, vpc: IVpc): void {
  if (Stack.of(vpc) === Stack.of(fn)) return;
  Validations.of(fn).acknowledge({
    id: controlTower.lambdaInVpc,
    reason: `In the VPC's app subnets, imported from ${Stack.of(vpc).stackName} (Fn::ImportValue, unreadable to the rule).`,
  });
}
