import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { queues, resourceName } from '#config/resources';
import { envConfigs } from '../../infra/config/envs.ts';
import { emptyBuildRoot, resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

let prod: SynthesizedApp;

beforeAll(() => {
  prod = synthesize('prod');
});

type ContainerDefinition = { Name: string; Image: unknown; Environment?: { Name: string; Value: unknown }[] };

function containers(template: Template): ContainerDefinition[] {
  return Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition')).flatMap(
    (t) => t.Properties.ContainerDefinitions as ContainerDefinition[],
  );
}

const envOf = (c: ContainerDefinition) => Object.fromEntries((c.Environment ?? []).map((e) => [e.Name, e.Value]));

describe('compute stack', () => {
  it('runs one game-shard service per shard, each task told its SHARD_INDEX of SHARD_COUNT', () => {
    const t = prod.templates.compute;
    const { shardCount } = envConfigs.prod.compute;
    const shards = containers(t).filter((c) => c.Name === 'game-shard');
    expect(shards.map((c) => envOf(c).SHARD_INDEX).sort()).toEqual(
      Array.from({ length: shardCount }, (_, i) => String(i)),
    );
    for (const shard of shards) {
      expect(envOf(shard)).toMatchObject({
        SHARD_COUNT: String(shardCount),
        REDIS_URL: expect.anything(),
        EGRESS_PROXY_URL: 'http://egress.sharpline-prod.internal:8888',
        CANDIDATES_QUEUE_URL: expect.anything(),
      });
    }
    const fargate = Object.values(resourcesOf(t, 'AWS::ECS::Service')).filter(
      (s) => s.Properties.LaunchType === 'FARGATE',
    );
    expect(fargate).toHaveLength(shardCount + 1);
  });

  it('pulls images from the configured ECR repository and tag while no Dockerfile exists', () => {
    const shard = containers(prod.templates.compute).find((c) => c.Name === 'game-shard');
    expect(JSON.stringify(shard?.Image)).toContain(`dkr.ecr.us-east-1.`);
    expect(JSON.stringify(shard?.Image)).toContain(
      `${envConfigs.prod.images.gameShard.repository}:${envConfigs.prod.images.gameShard.tag}`,
    );
  });

  it('builds from containers/<name>/Dockerfile once it exists, as an asset built at deploy (no Docker at synth)', () => {
    const root = emptyBuildRoot();
    mkdirSync(join(root, 'containers', 'game-shard'), { recursive: true });
    writeFileSync(join(root, 'containers', 'game-shard', 'Dockerfile'), 'FROM scratch\n');
    const { templates } = synthesize('dev', { buildRoot: root });
    const shard = containers(templates.compute).find((c) => c.Name === 'game-shard');
    expect(JSON.stringify(shard?.Image)).toMatch(/cdk-[a-z0-9]+-container-assets/);
    const worker = containers(templates.compute).find((c) => c.Name === 'browser-worker');
    expect(JSON.stringify(worker?.Image)).toContain(envConfigs.dev.images.browserWorker.repository);
  });

  it('scales the browser worker on the browser-jobs queue depth between the configured bounds', () => {
    const t = prod.templates.compute;
    const { minTasks, maxTasks } = envConfigs.prod.compute.browserWorker;
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: minTasks,
      MaxCapacity: maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::ImportValue': Match.stringLikeRegexp('BrowserJobsQueue') } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('JobsWaitingUpperPolicy') }],
    });
  });

  it('runs the pinned gluetun tunnel on EC2 with NET_ADMIN, /dev/net/tun, its proxy, a health check and Cloud Map', () => {
    const t = prod.templates.compute;
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['EC2'],
      NetworkMode: 'awsvpc',
      ContainerDefinitions: [
        Match.objectLike({
          Image: Match.stringLikeRegexp('^qmcgaw/gluetun:v\\d+\\.\\d+\\.\\d+$'),
          LinuxParameters: {
            Capabilities: { Add: ['NET_ADMIN'] },
            Devices: [{ HostPath: '/dev/net/tun', ContainerPath: '/dev/net/tun' }],
          },
          Environment: Match.arrayWith([{ Name: 'HTTPPROXY', Value: 'on' }]),
          HealthCheck: Match.objectLike({ Command: ['CMD', '/gluetun-entrypoint', 'healthcheck'] }),
          Secrets: Match.arrayWith([
            Match.objectLike({
              Name: 'WIREGUARD_PRIVATE_KEY',
              ValueFrom: Match.objectLike({
                'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('sharpline/prod/vpn-egress')])]),
              }),
            }),
          ]),
        }),
      ],
    });
    t.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: envConfigs.prod.compute.egress.tasks,
      CapacityProviderStrategy: [Match.objectLike({ CapacityProvider: Match.anyValue() })],
      ServiceRegistries: [Match.objectLike({ RegistryArn: Match.anyValue() })],
    });
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'egress' });
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
    // ECS managed draining does the work; no extra drain-hook Lambda rides along.
    t.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('lets a shard task send candidates and read the database secret, nothing more', () => {
    const t = prod.templates.compute;
    const policies = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('GameShardsShard0TaskTaskRole'),
    );
    const statements = policies.flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const sqs = statements.find((s) => JSON.stringify(s.Action).includes('sqs:SendMessage'));
    expect(JSON.stringify(sqs?.Resource)).toMatch(/CandidatesQueue/);
  });

  it('runs every shard and worker container hardened: non-root, read-only root, /tmp only, memory capped', () => {
    const t = prod.templates.compute;
    const tasks = Object.values(resourcesOf(t, 'AWS::ECS::TaskDefinition')).filter(
      (task) => JSON.stringify(task.Properties.RequiresCompatibilities) === '["FARGATE"]',
    );
    expect(tasks).toHaveLength(envConfigs.prod.compute.shardCount + 1);
    for (const task of tasks) {
      for (const c of task.Properties.ContainerDefinitions as Record<string, unknown>[]) {
        expect(c).toMatchObject({
          User: '1000:1000',
          ReadonlyRootFilesystem: true,
          Memory: Number(task.Properties.Memory),
          MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'scratch' }],
        });
      }
    }
  });

  it('gives the ECS tasks the compute log level of the env config, not the Lambdas', () => {
    const services = containers(prod.templates.compute).filter((c) => c.Name !== 'tunnel');
    expect(services.length).toBeGreaterThan(0);
    for (const c of services) expect(envOf(c).POWERTOOLS_LOG_LEVEL).toBe(envConfigs.prod.compute.logLevel);
  });

  it('lets the egress hosts launch as any of the configured instance types', () => {
    prod.templates.compute.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: Match.objectLike({
        LaunchTemplate: Match.objectLike({
          Overrides: envConfigs.prod.compute.egress.instanceTypes.map((type) => ({ InstanceType: type })),
        }),
      }),
    });
  });

  it('opens the egress proxy port only to the egress-client security group', () => {
    const t = prod.templates.compute;
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8888,
      ToPort: 8888,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EgressTasksSg'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EgressClients'), 'GroupId'] },
    });
    for (const rule of Object.values(resourcesOf(t, 'AWS::EC2::SecurityGroupIngress'))) {
      expect(rule.Properties.CidrIp).toBeUndefined();
    }
  });
});

describe('observability stack', () => {
  it('alarms on every DLQ of shared/config/resources.ts as soon as it holds a message', () => {
    const pipeline = prod.templates.pipeline;
    const obs = prod.templates.observability;
    for (const spec of Object.values(queues)) {
      const [dlqId] = Object.entries(resourcesOf(pipeline, 'AWS::SQS::Queue')).find(
        ([, q]) => q.Properties.QueueName === resourceName('prod', spec.dlqName),
      ) ?? [undefined];
      expect(dlqId).toBeDefined();
      obs.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::ImportValue': Match.stringLikeRegexp(`${dlqId}QueueName`) } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      });
    }
  });

  it('alarms on errors and throttles of every Lambda, and on API p99 latency', () => {
    const obs = prod.templates.observability;
    const alarms = Object.values(resourcesOf(obs, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const lambdaAlarms = alarms.filter((a) => a.Namespace === 'AWS/Lambda');
    expect(lambdaAlarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(7);
    expect(lambdaAlarms.filter((a) => a.MetricName === 'Throttles')).toHaveLength(7);
    obs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: envConfigs.prod.alarms.apiP99LatencyMs,
    });
  });

  it('alarms on parse failures over 5%, stale prices, a silent worker, drawdown over the limit and a failing egress', () => {
    const obs = prod.templates.observability;
    const { alarms } = envConfigs.prod;
    obs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: alarms.parseFailurePercent,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('100 \\* failures / messages') }),
      ]),
    });
    obs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PriceStalenessMs',
      Dimensions: [{ Name: 'service', Value: 'game-shard' }],
      Threshold: alarms.priceStaleMs,
    });
    obs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'WorkerHeartbeat',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      Period: alarms.heartbeatMissingMinutes * 60,
    });
    obs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DrawdownBps',
      Threshold: alarms.drawdownLimitBps,
    });
    obs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ECS/ContainerInsights',
      MetricName: 'RunningTaskCount',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: envConfigs.prod.compute.egress.tasks,
      TreatMissingData: 'breaching',
    });
  });

  it('sends alarms to an encrypted, TLS-only topic CloudWatch may use, and draws one dashboard', () => {
    const obs = prod.templates.observability;
    obs.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    obs.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    obs.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]),
      },
    });
    const [dashboard] = Object.values(resourcesOf(obs, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const title of [
      'API latency',
      'Evaluator throughput',
      'DLQ depths',
      'parse failures',
      'Price staleness',
      'heartbeats',
      'Bankroll',
    ]) {
      expect(body).toContain(title);
    }
  });
});
