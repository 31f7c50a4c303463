import { Validations } from 'aws-cdk-lib';
import {
  type ContainerDefinition,
  type ContainerImage,
  CpuArchitecture,
  type Secret as EcsSecret,
  FargateTaskDefinition,
  type HealthCheck,
  LogDrivers,
  OperatingSystemFamily,
  type TaskDefinition,
} from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { metricsNamespace } from '#config/metrics';
import type { EnvConfig } from '../config/types.ts';
import { SharplineLogGroup } from './log-group.ts';

/** The uid:gid every service image of ours runs as (`containers/README.md`); never root. */
export const SERVICE_USER = '1000:1000';
/** The one writable path in a service container: task storage, gone with the task. */
export const SERVICE_SCRATCH_PATH = '/tmp';

export interface ServiceTaskProps {
  config: EnvConfig;
  /** The container name, its log stream prefix and `POWERTOOLS_SERVICE_NAME`. */
  name: string;
  serviceName: string;
  size: { cpu: number; memoryMiB: number };
  image: ContainerImage;
  environment: Record<string, string>;
  secrets?: Record<string, EcsSecret>;
  /** The container's health check: ECS does not run an image's own HEALTHCHECK, so a service that has one says it here. */
  healthCheck?: HealthCheck;
}

/**
 * A Fargate task of one of our services (game shard, browser worker): arm64, one container running as a non-root
 * user on a read-only root filesystem with only `/tmp` writable, its memory capped at the task's (a leak kills the
 * container, not a neighbour), its own encrypted log group, and the ECS tasks' log level from the env config.
 */
export class ServiceTask extends FargateTaskDefinition {
  readonly container: ContainerDefinition;

  constructor(scope: Construct, id: string, props: ServiceTaskProps) {
    const { config } = props;
    super(scope, id, {
      cpu: props.size.cpu,
      memoryLimitMiB: props.size.memoryMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
      volumes: [{ name: 'scratch' }],
    });
    this.container = this.addContainer(props.name, {
      image: props.image,
      user: SERVICE_USER,
      readonlyRootFilesystem: true,
      memoryLimitMiB: props.size.memoryMiB,
      logging: LogDrivers.awsLogs({
        streamPrefix: props.name,
        logGroup: new SharplineLogGroup(scope, `${id}Logs`, { config }),
      }),
      environment: {
        STAGE: config.envName,
        TRADING_MODE: config.tradingMode,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        POWERTOOLS_LOG_LEVEL: config.compute.logLevel,
        ...props.environment,
      },
      ...(props.secrets ? { secrets: props.secrets } : {}),
      ...(props.healthCheck ? { healthCheck: props.healthCheck } : {}),
    });
    this.container.addMountPoints({ sourceVolume: 'scratch', containerPath: SERVICE_SCRATCH_PATH, readOnly: false });
    acknowledgeTaskDefaults(this);
  }
}

/** cdk-nag findings every task definition of ours raises by construction, each with why it stands. */
export function acknowledgeTaskDefaults(task: TaskDefinition): void {
  Validations.of(task).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-ECS2',
      reason: 'Plain environment holds only non-secret settings (names, URLs, indexes); secrets come as ECS secrets.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'The execution role needs ecr:GetAuthorizationToken, which takes no resource; image pulls are scoped.',
    },
  );
}
