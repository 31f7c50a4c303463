import { App, Aspects, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { Key } from 'aws-cdk-lib/aws-kms';
import { DatabaseInstance, DatabaseInstanceEngine, PostgresEngineVersion } from 'aws-cdk-lib/aws-rds';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { type DatabaseComponent, databaseComponents } from '#config/database-roles';
import { queues, resourceName } from '#config/resources';
import { envConfigs } from '../../infra/config/envs.ts';
import type { EnvConfig } from '../../infra/config/types.ts';
import { BrowserWorker } from '../../infra/constructs/browser-worker.ts';
import { Egress } from '../../infra/constructs/egress.ts';
import { GAME_SHARD_HEALTH_PORT, GameShards } from '../../infra/constructs/game-shards.ts';
import { SharplineLogGroup } from '../../infra/constructs/log-group.ts';
import { QueueWithDlq } from '../../infra/constructs/queue-with-dlq.ts';
import { controlTower } from '../../infra/lib/control-tower.ts';
import { KeyGrantsForAwsServicesOnly } from '../../infra/lib/key-grants.ts';
import { resourcesOf } from './support.ts';

/** dev, with the ECS tasks' log level set apart from the Lambdas' so a test can tell which one a task got. */
const config: EnvConfig = {
  ...envConfigs.dev,
  lambda: { ...envConfigs.dev.lambda, logLevel: 'DEBUG' },
  compute: { ...envConfigs.dev.compute, logLevel: 'WARN', shardCount: 3 },
};

function bareStack(): Stack {
  return new Stack(new App(), 'Bare', { env: { account: '111111111111', region: 'us-east-1' } });
}

/** A bare stack with only what an ECS service construct needs around it: a VPC, a cluster, Postgres, a cache. */
function serviceFixture() {
  const stack = bareStack();
  const vpc = new Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });
  const cluster = new Cluster(stack, 'Cluster', { vpc, defaultCloudMapNamespace: { name: 'bare.internal', vpc } });
  const db = new DatabaseInstance(stack, 'Db', {
    engine: DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_17 }),
    vpc,
    vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
    storageEncrypted: true,
  });
  const database = {
    proxy: db.addProxy('Proxy', { secrets: [db.secret!], vpc }),
    secrets: Object.fromEntries(
      databaseComponents.map((component) => [component, new Secret(stack, `${component}DbSecret`)]),
    ) as Record<DatabaseComponent, Secret>,
    clients: new SecurityGroup(stack, 'DbClients', { vpc }),
  };
  const cache = {
    host: 'cache.bare.internal',
    port: 6379,
    authToken: new Secret(stack, 'CacheToken'),
    clients: new SecurityGroup(stack, 'CacheClients', { vpc }),
  };
  const kmsKey = new Key(stack, 'SessionKms');
  const sessionDataKey = { secret: new Secret(stack, 'SessionKey', { encryptionKey: kmsKey }), kmsKey };
  const egress = { clients: new SecurityGroup(stack, 'EgressClients', { vpc }), proxyUrl: 'http://egress.bare:8888' };
  return { stack, vpc, cluster, database, cache, sessionDataKey, egress };
}

type Container = {
  Name: string;
  User?: string;
  ReadonlyRootFilesystem?: boolean;
  Memory?: number;
  MountPoints?: unknown[];
  Environment?: { Name: string; Value: unknown }[];
  HealthCheck?: { Command: string[]; Interval?: number; Retries?: number; StartPeriod?: number; Timeout?: number };
};

function tasks(template: Template) {
  return Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition')).map((t) => ({
    memory: Number(t.Properties.Memory),
    volumes: t.Properties.Volumes,
    containers: t.Properties.ContainerDefinitions as Container[],
  }));
}

const envOf = (c: Container) => Object.fromEntries((c.Environment ?? []).map((e) => [e.Name, e.Value]));

function acknowledgedIds(construct: IConstruct): Record<string, string> {
  return Object.assign(
    {},
    ...construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .map((m) => m.data as Record<string, string>),
  );
}

/** Every container of a service of ours: not root, read-only root, `/tmp` its only writable path, memory capped. */
function expectHardened(template: Template, name: string, memoryMiB: number): void {
  const matching = tasks(template).filter((t) => t.containers.some((c) => c.Name === name));
  expect(matching.length).toBeGreaterThan(0);
  for (const task of matching) {
    expect(task.volumes).toEqual([{ Name: 'scratch' }]);
    for (const container of task.containers) {
      expect(container.User).toBe('1000:1000');
      expect(container.ReadonlyRootFilesystem).toBe(true);
      expect(container.Memory).toBe(memoryMiB);
      expect(container.Memory).toBe(task.memory);
      expect(container.MountPoints).toEqual([{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'scratch' }]);
      expect(envOf(container).POWERTOOLS_LOG_LEVEL).toBe('WARN');
    }
  }
}

describe('GameShards alone in a bare stack', () => {
  const f = serviceFixture();
  new GameShards(f.stack, 'GameShards', {
    config,
    cluster: f.cluster,
    image: ContainerImage.fromRegistry('example/game-shard:1'),
    candidatesQueue: new Queue(f.stack, 'Candidates'),
    cache: f.cache,
    database: f.database,
    egress: f.egress,
  });
  const t = Template.fromStack(f.stack);

  it('runs one Fargate service per shard index, each told its index, the shard count and the egress', () => {
    t.resourceCountIs('AWS::ECS::Service', 3);
    const shards = tasks(t).flatMap((task) => task.containers);
    expect(shards.map((c) => envOf(c).SHARD_INDEX).sort()).toEqual(['0', '1', '2']);
    for (const shard of shards) {
      expect(envOf(shard)).toMatchObject({ SHARD_COUNT: '3', EGRESS_PROXY_URL: 'http://egress.bare:8888' });
    }
  });

  it('hardens every shard container and gives it the ECS log level, not the Lambdas', () => {
    expectHardened(t, 'game-shard', config.compute.shard.memoryMiB);
  });

  it('has ECS check each shard task on GET /health at its HEALTH_PORT', () => {
    const shards = tasks(t).flatMap((task) => task.containers);
    expect(shards).toHaveLength(3);
    for (const shard of shards) {
      expect(envOf(shard).HEALTH_PORT).toBe(String(GAME_SHARD_HEALTH_PORT));
      expect(shard.HealthCheck).toMatchObject({ Interval: 15, Retries: 3, StartPeriod: 60, Timeout: 5 });
      expect(shard.HealthCheck?.Command.join(' ')).toContain(`127.0.0.1:${GAME_SHARD_HEALTH_PORT}/health`);
    }
  });

  it('logs into encrypted log groups under a key of the same stack', () => {
    for (const group of Object.values(resourcesOf(t, 'AWS::Logs::LogGroup'))) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'] });
    }
  });
});

describe('BrowserWorker alone in a bare stack', () => {
  const f = serviceFixture();
  new BrowserWorker(f.stack, 'BrowserWorker', {
    config,
    cluster: f.cluster,
    image: ContainerImage.fromRegistry('example/browser-worker:1'),
    browserJobsQueue: new Queue(f.stack, 'BrowserJobs'),
    candidatesQueue: new Queue(f.stack, 'Candidates'),
    sessionDataKey: f.sessionDataKey,
    database: f.database,
    egress: f.egress,
  });
  const t = Template.fromStack(f.stack);

  it('hardens the worker container and gives it the ECS log level', () => {
    expectHardened(t, 'browser-worker', config.compute.browserWorker.memoryMiB);
  });

  it('scales on the jobs queue between the configured bounds and may consume from it', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: config.compute.browserWorker.minTasks,
      MaxCapacity: config.compute.browserWorker.maxTasks,
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['sqs:ReceiveMessage']) })]),
      },
    });
  });

  it('sends its surebet candidates to the candidates queue it is told of, and receives from the jobs queue only', () => {
    const statements = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const withAction = (action: string) =>
      statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action));
    const sends = withAction('sqs:SendMessage');
    expect(sends).toHaveLength(1);
    expect(JSON.stringify(sends[0]?.Resource)).toMatch(/Candidates/);
    expect(JSON.stringify(sends[0]?.Resource)).not.toMatch(/BrowserJobs/);
    const receives = withAction('sqs:ReceiveMessage');
    expect(receives.map((s) => JSON.stringify(s.Resource))).toEqual([expect.stringMatching(/BrowserJobs/)]);
    expect(JSON.stringify(receives[0]?.Resource)).not.toMatch(/Candidates/);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'browser-worker',
          Environment: Match.arrayWith([
            { Name: 'CANDIDATES_QUEUE_URL', Value: { Ref: Match.stringLikeRegexp('^Candidates') } },
          ]),
        }),
      ]),
    });
  });
});

describe('Egress alone in a bare stack', () => {
  const f = serviceFixture();
  const egress = new Egress(f.stack, 'Egress', { config, cluster: f.cluster });
  const t = Template.fromStack(f.stack);

  it('names its proxy by the cluster namespace', () => {
    expect(egress.proxyUrl).toBe('http://egress.bare.internal:8888');
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'egress' });
  });

  it('runs its hosts on-demand across every configured instance type, from an encrypted IMDSv2 template', () => {
    expect(new Set(config.compute.egress.instanceTypes).size).toBeGreaterThanOrEqual(2);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: {
        InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 100, OnDemandAllocationStrategy: 'prioritized' },
        LaunchTemplate: Match.objectLike({
          Overrides: config.compute.egress.instanceTypes.map((type) => ({ InstanceType: type })),
        }),
      },
    });
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: Match.absent(),
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
        UserData: Match.anyValue(),
      }),
    });
  });

  it('caps the tunnel memory, and says on the task why gluetun keeps root and a writable root filesystem', () => {
    const [tunnel] = tasks(t).flatMap((task) => task.containers);
    expect(tunnel?.Memory).toBe(256);
    const acknowledged = acknowledgedIds(egress.service.taskDefinition);
    expect(acknowledged[controlTower.ecsNonRoot]).toMatch(/WireGuard interface/);
    expect(acknowledged[controlTower.ecsReadOnlyRoot]).toMatch(/resolv\.conf/);
  });
});

describe('SharplineLogGroup alone in a bare stack', () => {
  it('encrypts every group of a stack under one key of that stack, which CloudWatch Logs may use for this account', () => {
    const stack = bareStack();
    new SharplineLogGroup(stack, 'One', { config });
    new SharplineLogGroup(stack, 'Two', { config, logGroupName: '/named/two' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.allResourcesProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] },
      RetentionInDays: config.logRetention,
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/named/two' });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:log-group:*']],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  it('acknowledges a retention under a year with the env that chose it, and a year without', () => {
    const stack = bareStack();
    const short = new SharplineLogGroup(stack, 'Short', { config });
    const year = new SharplineLogGroup(stack, 'Year', { config: envConfigs.prod });
    expect(acknowledgedIds(short)[controlTower.logRetentionYear]).toMatch(/^dev keeps 7 days/);
    expect(acknowledgedIds(year)[controlTower.logRetentionYear]).toBeUndefined();
    expect(
      Template.fromStack(stack).findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 } }),
    ).not.toEqual({});
  });
});

describe('KeyGrantsForAwsServicesOnly on a bare stack', () => {
  it('denies kms:CreateGrant on every key unless the grant is for an AWS resource or from an AWS service', () => {
    const stack = bareStack();
    new Key(stack, 'A');
    new Key(stack, 'B');
    Aspects.of(stack).add(new KeyGrantsForAwsServicesOnly());
    Template.fromStack(stack).allResourcesProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'GrantsOnlyForAwsResources',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          },
        ]),
      },
    });
  });
});

describe('QueueWithDlq alone in a bare stack', () => {
  it('lets only its own queue dead-letter into the DLQ, by ARN, with no cycle between the two', () => {
    const stack = bareStack();
    new QueueWithDlq(stack, 'Candidates', {
      envName: 'dev',
      spec: queues.candidates,
      visibilityTimeout: Duration.minutes(3),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: resourceName('dev', queues.candidates.dlqName),
      RedriveAllowPolicy: {
        redrivePermission: 'byQueue',
        sourceQueueArns: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:sqs:us-east-1:111111111111:${resourceName('dev', queues.candidates.name)}`,
              ],
            ],
          },
        ],
      },
    });
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: resourceName('dev', queues.candidates.name),
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CandidatesDlq'), 'Arn'] } },
    });
  });
});
