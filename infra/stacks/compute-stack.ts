import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import {
  BlockDeviceVolume,
  InstanceType,
  LaunchTemplate,
  Port,
  SecurityGroup,
  SubnetType,
  UserData,
  type Vpc,
} from 'aws-cdk-lib/aws-ec2';
import {
  type AddAutoScalingGroupCapacityOptions,
  AmiHardwareType,
  AsgCapacityProvider,
  Capability,
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  Ec2Service,
  Ec2TaskDefinition,
  EcsOptimizedImage,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  LinuxParameters,
  LogDrivers,
  NetworkMode,
  OperatingSystemFamily,
  type TaskDefinition,
} from 'aws-cdk-lib/aws-ecs';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DnsRecordType } from 'aws-cdk-lib/aws-servicediscovery';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { metricsNamespace, serviceNames } from '#config/metrics';
import { repoRoot } from '../config/paths.ts';
import type { EnvConfig } from '../config/types.ts';
import { serviceImage } from '../constructs/service-image.ts';
import { type DatabaseAccess, databaseEnvironment, grantDatabase } from './database-access.ts';
import { grantSessionKeyRead, type SessionKeyAccess } from './session-key-access.ts';

export interface ComputeStackProps extends StackProps {
  config: EnvConfig;
  vpc: Vpc;
  database: DatabaseAccess;
  cache: { host: string; port: number; authToken: ISecret; clients: SecurityGroup };
  candidatesQueue: IQueue;
  browserJobsQueue: IQueue;
  sessionDataKey: SessionKeyAccess;
  /** Where `containers/<name>/Dockerfile` is looked for; the repo root unless a test says otherwise. */
  buildRoot?: string;
}

const EGRESS_PROXY_PORT = 8888;

/**
 * ECS: the game shards (one Fargate service per shard index), the browser worker (Fargate, scaled on the
 * browser-jobs queue depth) and the egress tunnel (gluetun on EC2, NET_ADMIN + /dev/net/tun, found by Cloud Map).
 */
export class ComputeStack extends Stack {
  readonly cluster: Cluster;
  readonly shardServices: FargateService[] = [];
  readonly browserWorker: FargateService;
  readonly egress: Ec2Service;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const { config, vpc } = props;
    const buildRoot = props.buildRoot ?? repoRoot;
    const appSubnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };

    this.cluster = new Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
      defaultCloudMapNamespace: { name: `sharpline-${config.envName}.internal`, vpc },
    });

    const egressClients = new SecurityGroup(this, 'EgressClients', { vpc, description: 'Tasks that use the egress' });
    this.egress = this.addEgress(config, vpc, egressClients);
    const egressProxyUrl = `http://egress.sharpline-${config.envName}.internal:${EGRESS_PROXY_PORT}`;
    const common = {
      STAGE: config.envName,
      TRADING_MODE: config.tradingMode,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      POWERTOOLS_LOG_LEVEL: config.lambda.logLevel,
      EGRESS_PROXY_URL: egressProxyUrl,
    };

    const shardImage = serviceImage(this, 'game-shard', config.images.gameShard, buildRoot);
    for (let index = 0; index < config.compute.shardCount; index += 1) {
      const task = this.fargateTask(`GameShard${index}`, config.compute.shard);
      task.addContainer('game-shard', {
        image: shardImage,
        logging: LogDrivers.awsLogs({
          streamPrefix: 'game-shard',
          logGroup: this.logGroup(`GameShard${index}`, config),
        }),
        environment: {
          ...common,
          POWERTOOLS_SERVICE_NAME: serviceNames.gameShard,
          SHARD_INDEX: String(index),
          SHARD_COUNT: String(config.compute.shardCount),
          CANDIDATES_QUEUE_URL: props.candidatesQueue.queueUrl,
          REDIS_URL: `rediss://${props.cache.host}:${props.cache.port}`,
          ...databaseEnvironment(props.database, 'gameShard'),
        },
        secrets: { REDIS_AUTH_TOKEN: EcsSecret.fromSecretsManager(props.cache.authToken) },
      });
      props.candidatesQueue.grantSendMessages(task.taskRole);
      grantDatabase(props.database, 'gameShard', task.taskRole);
      this.shardServices.push(
        new FargateService(this, `GameShard${index}Service`, {
          cluster: this.cluster,
          taskDefinition: task,
          desiredCount: 1,
          vpcSubnets: appSubnets,
          securityGroups: [egressClients, props.cache.clients, props.database.clients],
          // Start the replacement before stopping the old task: a shard is never dark during a deploy.
          minHealthyPercent: 100,
          circuitBreaker: { rollback: true },
        }),
      );
    }

    const workerTask = this.fargateTask('BrowserWorker', config.compute.browserWorker);
    workerTask.addContainer('browser-worker', {
      image: serviceImage(this, 'browser-worker', config.images.browserWorker, buildRoot),
      logging: LogDrivers.awsLogs({ streamPrefix: 'browser-worker', logGroup: this.logGroup('BrowserWorker', config) }),
      environment: {
        ...common,
        POWERTOOLS_SERVICE_NAME: serviceNames.browserWorker,
        BROWSER_JOBS_QUEUE_URL: props.browserJobsQueue.queueUrl,
        SESSION_KEY_SECRET_ARN: props.sessionDataKey.secret.secretArn,
        ...databaseEnvironment(props.database, 'browserWorker'),
      },
    });
    props.browserJobsQueue.grantConsumeMessages(workerTask.taskRole);
    grantSessionKeyRead(props.sessionDataKey, workerTask.taskRole);
    grantDatabase(props.database, 'browserWorker', workerTask.taskRole);
    this.browserWorker = new FargateService(this, 'BrowserWorkerService', {
      cluster: this.cluster,
      taskDefinition: workerTask,
      desiredCount: config.compute.browserWorker.minTasks,
      vpcSubnets: appSubnets,
      securityGroups: [egressClients, props.database.clients],
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
    const scaling = this.browserWorker.autoScaleTaskCount({
      minCapacity: config.compute.browserWorker.minTasks,
      maxCapacity: config.compute.browserWorker.maxTasks,
    });
    scaling.scaleOnMetric('JobsWaiting', {
      metric: props.browserJobsQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 1, change: +1 },
        { lower: 20, change: +2 },
      ],
      cooldown: Duration.minutes(2),
    });
  }

  private fargateTask(id: string, size: { cpu: number; memoryMiB: number }): FargateTaskDefinition {
    const task = new FargateTaskDefinition(this, `${id}Task`, {
      cpu: size.cpu,
      memoryLimitMiB: size.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.ARM64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    acknowledgeTaskDefaults(task);
    return task;
  }

  private logGroup(id: string, config: EnvConfig): LogGroup {
    return new LogGroup(this, `${id}Logs`, { retention: config.logRetention, removalPolicy: config.removalPolicy });
  }

  /** The tunnel: gluetun with its HTTP proxy, on EC2 hosts because it needs NET_ADMIN and /dev/net/tun. */
  private addEgress(config: EnvConfig, vpc: Vpc, egressClients: SecurityGroup): Ec2Service {
    const egress = config.compute.egress;
    const hostSg = new SecurityGroup(this, 'EgressHostSg', { vpc, description: 'Egress container hosts' });
    const hostRole = new Role(this, 'EgressHostRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEC2ContainerServiceforEC2Role'),
        ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
      ],
    });
    Validations.of(hostRole).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::ecs:Submit*]',
        reason: 'CDK scopes the container-instance statement to this cluster; Submit* is the ECS agent action family.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken take no resource; Poll is conditioned on the cluster.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
        reason: 'The AWS-maintained policy an ECS container instance needs to register and pull images.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason: 'Session Manager access to the hosts instead of SSH; no inbound port is open.',
      },
    );
    const launchTemplate = new LaunchTemplate(this, 'EgressLaunchTemplate', {
      instanceType: new InstanceType(egress.instanceType),
      machineImage: EcsOptimizedImage.amazonLinux2023(AmiHardwareType.ARM),
      userData: UserData.forLinux(),
      role: hostRole,
      securityGroup: hostSg,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: BlockDeviceVolume.ebs(30, { encrypted: true }) }],
    });
    const hosts = new AutoScalingGroup(this, 'EgressHosts', {
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: egress.tasks,
      maxCapacity: egress.tasks + 1,
    });
    Validations.of(hosts).acknowledge({
      id: 'AwsSolutions::AwsSolutions-AS3',
      reason: 'Host health shows up as the egress service health alarm; scaling notifications add nothing.',
    });
    const capacity = new AsgCapacityProvider(this, 'EgressCapacity', {
      autoScalingGroup: hosts,
      enableManagedTerminationProtection: false,
    });
    // ECS managed draining (on by default) drains the hosts; a zero taskDrainTime drops CDK's older Lambda drain
    // hook, which would do the same job again. The option is out of the typings but still honoured.
    const noDrainHook: AddAutoScalingGroupCapacityOptions & { taskDrainTime: Duration } = {
      taskDrainTime: Duration.seconds(0),
    };
    this.cluster.addAsgCapacityProvider(capacity, noDrainHook);

    const vpnSecret = Secret.fromSecretNameV2(this, 'VpnSecret', egress.vpnSecretName);
    const task = new Ec2TaskDefinition(this, 'EgressTask', { networkMode: NetworkMode.AWS_VPC });
    acknowledgeTaskDefaults(task);
    const linuxParameters = new LinuxParameters(this, 'EgressLinux');
    linuxParameters.addCapabilities(Capability.NET_ADMIN);
    linuxParameters.addDevices({ hostPath: '/dev/net/tun', containerPath: '/dev/net/tun' });
    task.addContainer('tunnel', {
      image: ContainerImage.fromRegistry(egress.image),
      memoryReservationMiB: 128,
      memoryLimitMiB: 256,
      linuxParameters,
      logging: LogDrivers.awsLogs({ streamPrefix: 'egress', logGroup: this.logGroup('Egress', config) }),
      portMappings: [{ containerPort: EGRESS_PROXY_PORT }],
      environment: {
        VPN_SERVICE_PROVIDER: egress.vpnServiceProvider,
        VPN_TYPE: 'wireguard',
        HTTPPROXY: 'on',
        HTTPPROXY_LISTENING_ADDRESS: `:${EGRESS_PROXY_PORT}`,
        HEALTH_SERVER_ADDRESS: '127.0.0.1:9999',
      },
      secrets: {
        WIREGUARD_PRIVATE_KEY: EcsSecret.fromSecretsManager(vpnSecret, 'WIREGUARD_PRIVATE_KEY'),
        WIREGUARD_ADDRESSES: EcsSecret.fromSecretsManager(vpnSecret, 'WIREGUARD_ADDRESSES'),
        WIREGUARD_PUBLIC_KEY: EcsSecret.fromSecretsManager(vpnSecret, 'WIREGUARD_PUBLIC_KEY'),
        VPN_ENDPOINT_IP: EcsSecret.fromSecretsManager(vpnSecret, 'VPN_ENDPOINT_IP'),
        VPN_ENDPOINT_PORT: EcsSecret.fromSecretsManager(vpnSecret, 'VPN_ENDPOINT_PORT'),
      },
      // gluetun's own check: fails when the tunnel is down, so ECS replaces the task.
      healthCheck: {
        command: ['CMD', '/gluetun-entrypoint', 'healthcheck'],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });

    const egressSg = new SecurityGroup(this, 'EgressSg', { vpc, description: 'Egress tunnel tasks' });
    egressSg.addIngressRule(egressClients, Port.tcp(EGRESS_PROXY_PORT), 'HTTP proxy for venue traffic');
    return new Ec2Service(this, 'EgressService', {
      cluster: this.cluster,
      taskDefinition: task,
      desiredCount: egress.tasks,
      securityGroups: [egressSg],
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      capacityProviderStrategies: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
      cloudMapOptions: { name: 'egress', dnsRecordType: DnsRecordType.A, dnsTtl: Duration.seconds(10) },
      // Venue traffic needs a tunnel at all times; the spare host slot makes room for the replacement.
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
  }
}

/** Findings every task definition of ours raises by construction, each with why it stands. */
function acknowledgeTaskDefaults(task: TaskDefinition): void {
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
