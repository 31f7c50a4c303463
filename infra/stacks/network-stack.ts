import { Stack, type StackProps } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { EnvConfig } from '../config/types.ts';
import { SharplineLogGroup } from '../constructs/log-group.ts';

export interface NetworkStackProps extends StackProps {
  config: EnvConfig;
}

/**
 * The VPC: public subnets hold only the NAT gateways; `app` subnets (with egress, for venue traffic) hold Lambdas
 * and tasks; isolated `data` subnets hold RDS and ElastiCache. AWS APIs are reached through VPC endpoints.
 */
export class NetworkStack extends Stack {
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;

    const flowLogs = new SharplineLogGroup(this, 'FlowLogs', { config });
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(config.network.cidr),
      availabilityZones: config.availabilityZones,
      natGateways: config.network.natGateways,
      subnetConfiguration: [
        // NAT gateways carry their own Elastic IPs; nothing else launched here gets a public address (CT.EC2.PR.11).
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'app', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      flowLogs: {
        all: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: FlowLogTrafficType.ALL },
      },
    });

    const privateSubnets = [
      { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      { subnetType: SubnetType.PRIVATE_ISOLATED },
    ];
    this.vpc.addGatewayEndpoint('DynamoDb', {
      service: GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: privateSubnets,
    });
    // ECR serves image layers from S3.
    this.vpc.addGatewayEndpoint('S3', { service: GatewayVpcEndpointAwsService.S3, subnets: privateSubnets });
    const interfaceEndpoints = {
      Sqs: InterfaceVpcEndpointAwsService.SQS,
      SecretsManager: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Logs: InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      Monitoring: InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
      Kms: InterfaceVpcEndpointAwsService.KMS,
      EcrApi: InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: InterfaceVpcEndpointAwsService.ECR_DOCKER,
    };
    // HTTPS from inside the VPC only; the CIDR is the literal from config so the rule reads plainly in the template.
    const endpointSg = new SecurityGroup(this, 'EndpointsSg', {
      vpc: this.vpc,
      description: 'VPC interface endpoints',
    });
    endpointSg.addIngressRule(Peer.ipv4(config.network.cidr), Port.tcp(443), 'HTTPS from the VPC');
    for (const [id, service] of Object.entries(interfaceEndpoints)) {
      this.vpc.addInterfaceEndpoint(id, {
        service,
        privateDnsEnabled: true,
        open: false,
        securityGroups: [endpointSg],
        subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      });
    }
  }
}
