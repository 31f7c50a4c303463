import { Duration, Validations } from 'aws-cdk-lib';
import { AutoScalingGroup, OnDemandAllocationStrategy } from 'aws-cdk-lib/aws-autoscaling';
import {
  BlockDeviceVolume,
  InstanceType,
  LaunchTemplate,
  Port,
  SecurityGroup,
  SubnetType,
  UserData,
} from 'aws-cdk-lib/aws-ec2';
import {
  type AddAutoScalingGroupCapacityOptions,
  AmiHardwareType,
  AsgCapacityProvider,
  Capability,
  type Cluster,
  ContainerImage,
  Ec2Service,
  Ec2TaskDefinition,
  EcsOptimizedImage,
  Secret as EcsSecret,
  LinuxParameters,
  LogDrivers,
  NetworkMode,
} from 'aws-cdk-lib/aws-ecs';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DnsRecordType } from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import type { EnvConfig } from '../config/types.ts';
import { controlTower } from '../lib/control-tower.ts';
import { SharplineLogGroup } from './log-group.ts';
import { hasDockerfile, serviceImage } from './service-image.ts';
import { acknowledgeTaskDefaults } from './service-task.ts';

/** What a task needs to send venue traffic through the egress: its security group and the proxy URL. */
export interface EgressAccess {
  clients: SecurityGroup;
  proxyUrl: string;
}

export interface EgressProps {
  config: EnvConfig;
  /** Its Cloud Map namespace names the proxy (`egress.<namespace>`). */
  cluster: Cluster;
  /** Where `containers/vpn-egress/Dockerfile` is looked for (`serviceImage`); without it, the bare pinned image. */
  buildRoot?: string;
}

const EGRESS_PROXY_PORT = 8888;
const CLOUD_MAP_NAME = 'egress';

/**
 * The tunnel: pinned gluetun with its HTTP proxy, on EC2 hosts because it needs NET_ADMIN and /dev/net/tun, found
 * by Cloud Map. The hosts span every AZ of the app subnets and may launch as any of the configured instance types.
 */
export class Egress extends Construct implements EgressAccess {
  readonly clients: SecurityGroup;
  readonly proxyUrl: string;
  readonly service: Ec2Service;

  constructor(scope: Construct, id: string, props: EgressProps) {
    super(scope, id);
    const { config, cluster, buildRoot } = props;
    const { vpc } = cluster;
    const egress = config.compute.egress;
    const appSubnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    const namespace = cluster.defaultCloudMapNamespace;
    if (!namespace) throw new Error('Egress needs a cluster with a default Cloud Map namespace');
    this.clients = new SecurityGroup(this, 'Clients', { vpc, description: 'Tasks that use the egress' });
    this.proxyUrl = `http://${CLOUD_MAP_NAME}.${namespace.namespaceName}:${EGRESS_PROXY_PORT}`;

    const capacity = this.addHosts(config, cluster);
    const built = buildRoot !== undefined && hasDockerfile('vpn-egress', buildRoot);
    const task = new Ec2TaskDefinition(this, 'Task', { networkMode: NetworkMode.AWS_VPC });
    acknowledgeTaskDefaults(task);
    Validations.of(task).acknowledge(
      {
        id: controlTower.ecsNonRoot,
        reason: 'gluetun runs as root: it creates the WireGuard interface and sets routes and firewall rules.',
      },
      {
        id: controlTower.ecsReadOnlyRoot,
        reason: 'gluetun writes its server list under /gluetun and rewrites /etc/resolv.conf for its own DNS.',
      },
    );
    const linuxParameters = new LinuxParameters(this, 'Linux');
    linuxParameters.addCapabilities(Capability.NET_ADMIN);
    linuxParameters.addDevices({ hostPath: '/dev/net/tun', containerPath: '/dev/net/tun' });
    const vpnSecret = Secret.fromSecretNameV2(this, 'VpnSecret', egress.vpnSecretName);
    const vpnValue = (field: string) => EcsSecret.fromSecretsManager(vpnSecret, field);
    task.addContainer('tunnel', {
      // containers/vpn-egress: the pinned gluetun with our tunnel health check; the bare pinned image without it.
      image: built
        ? serviceImage(this, 'vpn-egress', egress.image, buildRoot)
        : ContainerImage.fromRegistry(egress.image),
      memoryReservationMiB: 128,
      memoryLimitMiB: 256,
      linuxParameters,
      logging: LogDrivers.awsLogs({
        streamPrefix: 'egress',
        logGroup: new SharplineLogGroup(this, 'Logs', { config }),
      }),
      portMappings: [{ containerPort: EGRESS_PROXY_PORT }],
      environment: {
        VPN_SERVICE_PROVIDER: egress.vpnServiceProvider,
        VPN_TYPE: 'wireguard',
        HTTPPROXY: 'on',
        HTTPPROXY_LISTENING_ADDRESS: `:${EGRESS_PROXY_PORT}`,
        HEALTH_SERVER_ADDRESS: '127.0.0.1:9999',
      },
      secrets: Object.fromEntries(
        [
          'WIREGUARD_PRIVATE_KEY',
          'WIREGUARD_ADDRESSES',
          'WIREGUARD_PUBLIC_KEY',
          'VPN_ENDPOINT_IP',
          'VPN_ENDPOINT_PORT',
        ].map((field) => [field, vpnValue(field)]),
      ),
      // Fails when traffic does not leave through the tunnel (containers/vpn-egress/healthcheck.sh; gluetun's own
      // check on the bare image), so ECS replaces the task.
      healthCheck: {
        command: built ? ['CMD', '/usr/local/bin/egress-healthcheck'] : ['CMD', '/gluetun-entrypoint', 'healthcheck'],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(10),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });

    const tasksSg = new SecurityGroup(this, 'TasksSg', { vpc, description: 'Egress tunnel tasks' });
    tasksSg.addIngressRule(this.clients, Port.tcp(EGRESS_PROXY_PORT), 'HTTP proxy for venue traffic');
    this.service = new Ec2Service(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: egress.tasks,
      securityGroups: [tasksSg],
      vpcSubnets: appSubnets,
      capacityProviderStrategies: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
      cloudMapOptions: { name: CLOUD_MAP_NAME, dnsRecordType: DnsRecordType.A, dnsTtl: Duration.seconds(10) },
      // Venue traffic needs a tunnel at all times; the spare host slot makes room for the replacement.
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
  }

  private addHosts(config: EnvConfig, cluster: Cluster): AsgCapacityProvider {
    const { vpc } = cluster;
    const egress = config.compute.egress;
    const appSubnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    const hostSg = new SecurityGroup(this, 'HostSg', { vpc, description: 'Egress container hosts' });
    const hostRole = new Role(this, 'HostRole', {
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
    // No instance type here: the group's overrides name them, so one type short of capacity does not stop a launch.
    const launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: EcsOptimizedImage.amazonLinux2023(AmiHardwareType.ARM),
      userData: UserData.forLinux(),
      role: hostRole,
      securityGroup: hostSg,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: BlockDeviceVolume.ebs(30, { encrypted: true }) }],
    });
    const hosts = new AutoScalingGroup(this, 'Hosts', {
      vpc,
      vpcSubnets: appSubnets,
      mixedInstancesPolicy: {
        launchTemplate,
        launchTemplateOverrides: egress.instanceTypes.map((type) => ({ instanceType: new InstanceType(type) })),
        // On-demand only, first listed type first: the tunnel is not interruptible capacity.
        instancesDistribution: {
          onDemandAllocationStrategy: OnDemandAllocationStrategy.PRIORITIZED,
          onDemandPercentageAboveBaseCapacity: 100,
        },
      },
      minCapacity: egress.tasks,
      maxCapacity: egress.tasks + 1,
    });
    Validations.of(hosts).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-AS3',
        reason: 'Host health shows up as the egress service health alarm; scaling notifications add nothing.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-EC26',
        reason:
          "cdk-nag's check reads only the group's LaunchTemplate and throws on a MixedInstancesPolicy; the template's one volume is encrypted.",
      },
      {
        id: controlTower.asgMultipleAzs,
        reason:
          'Spans one app subnet per AZ (VPCZoneIdentifier); the rule reads only AvailabilityZones, which cfn-lint says not to hard-code.',
      },
    );
    const capacity = new AsgCapacityProvider(this, 'Capacity', {
      autoScalingGroup: hosts,
      enableManagedTerminationProtection: false,
    });
    // ECS managed draining (on by default) drains the hosts; a zero taskDrainTime drops CDK's older Lambda drain
    // hook, which would do the same job again. The option is out of the typings but still honoured.
    const noDrainHook: AddAutoScalingGroupCapacityOptions & { taskDrainTime: Duration } = {
      taskDrainTime: Duration.seconds(0),
    };
    cluster.addAsgCapacityProvider(capacity, noDrainHook);
    return capacity;
  }
}
