import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseComponents } from '#config/database-roles';
import { tables } from '#config/resources';
import { envConfigs } from '../../infra/config/envs.ts';
import { resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

let dev: SynthesizedApp;
let prod: SynthesizedApp;

beforeAll(() => {
  dev = synthesize('dev');
  prod = synthesize('prod');
});

describe('network stack', () => {
  it('has public, app (NAT egress) and isolated data subnets in the configured AZs, with flow logs', () => {
    const t = prod.templates.network;
    t.resourceCountIs('AWS::EC2::NatGateway', envConfigs.prod.network.natGateways);
    const subnets = Object.values(resourcesOf(t, 'AWS::EC2::Subnet')).map((s) => s.Properties);
    for (const az of envConfigs.prod.availabilityZones) {
      expect(subnets.filter((s) => s.AvailabilityZone === az)).toHaveLength(3);
    }
    expect(subnets.every((s) => s.MapPublicIpOnLaunch !== true || JSON.stringify(s).includes('public'))).toBe(true);
    t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('reaches SQS, DynamoDB, Secrets Manager, Logs, KMS and ECR through VPC endpoints', () => {
    const t = dev.templates.network;
    for (const service of ['sqs', 'secretsmanager', 'logs', 'kms', 'ecr.api', 'ecr.dkr']) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
      });
    }
    for (const service of ['dynamodb', 's3']) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([`.${service}`])]) }),
        VpcEndpointType: 'Gateway',
      });
    }
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'VPC interface endpoints',
      SecurityGroupIngress: [Match.objectLike({ CidrIp: envConfigs.dev.network.cidr, FromPort: 443, ToPort: 443 })],
    });
  });
});

describe('every stack of the app (Control Tower fixes)', () => {
  const all = (app: SynthesizedApp) => Object.entries(app.templates);

  it('encrypts every log group under a key of its own stack and keeps it the env retention, a year in prod', () => {
    for (const app of [dev, prod]) {
      const env = app === dev ? envConfigs.dev : envConfigs.prod;
      for (const [stack, t] of all(app)) {
        for (const [id, group] of Object.entries(resourcesOf(t, 'AWS::Logs::LogGroup'))) {
          const keyRef = (group.Properties.KmsKeyId as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
          expect(keyRef?.[1], `${stack} ${id}`).toBe('Arn');
          expect(resourcesOf(t, 'AWS::KMS::Key')[keyRef?.[0] ?? ''], `${stack} ${id} key`).toBeDefined();
          expect(group.Properties.RetentionInDays, `${stack} ${id}`).toBe(env.logRetention);
        }
      }
    }
    expect(envConfigs.prod.logRetention).toBeGreaterThanOrEqual(365);
  });

  it('denies kms:CreateGrant but for AWS resources on every KMS key', () => {
    for (const [stack, t] of all(prod)) {
      for (const [id, key] of Object.entries(resourcesOf(t, 'AWS::KMS::Key'))) {
        const statements = (key.Properties.KeyPolicy as { Statement: { Sid?: string; Effect: string }[] }).Statement;
        expect(
          statements.find((s) => s.Sid === 'GrantsOnlyForAwsResources'),
          `${stack} ${id}`,
        ).toMatchObject({ Effect: 'Deny', Action: 'kms:CreateGrant' });
      }
    }
  });

  it('runs every Lambda, the custom-resource framework too, in the app subnets', () => {
    for (const [stack, t] of all(prod)) {
      for (const [id, fn] of Object.entries(resourcesOf(t, 'AWS::Lambda::Function'))) {
        const vpc = fn.Properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] } | undefined;
        expect(vpc?.SubnetIds, `${stack} ${id}`).toHaveLength(envConfigs.prod.availabilityZones.length);
        expect(JSON.stringify(vpc?.SubnetIds), `${stack} ${id}`).toMatch(/appSubnet/);
        expect(vpc?.SecurityGroupIds.length, `${stack} ${id}`).toBeGreaterThan(0);
      }
    }
  });

  it('gives nothing launched in a public subnet a public address (the NAT gateways have their own)', () => {
    const publicSubnets = Object.entries(resourcesOf(prod.templates.network, 'AWS::EC2::Subnet')).filter(([id]) =>
      id.includes('public'),
    );
    expect(publicSubnets).toHaveLength(envConfigs.prod.availabilityZones.length);
    for (const [, subnet] of publicSubnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });
});

describe('data stack', () => {
  it('keeps Postgres storage under its own rotating key, exports every Postgres log and monitors the OS', () => {
    for (const { templates } of [dev, prod]) {
      const t = templates.data;
      t.hasResourceProperties('AWS::RDS::DBInstance', {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PostgresStorageKey'), 'Arn'] },
        EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
        MonitoringInterval: 60,
        MonitoringRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PostgresMonitoringRole'), 'Arn'] },
      });
      t.hasResourceProperties('AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('Postgres storage'),
        EnableKeyRotation: true,
      });
      for (const type of ['postgresql', 'upgrade']) {
        t.hasResourceProperties('AWS::Logs::LogGroup', {
          LogGroupName: Match.stringLikeRegexp(`^/aws/rds/instance/sharpline-\\w+/${type}$`),
          KmsKeyId: Match.anyValue(),
        });
      }
    }
    prod.templates.data.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Description: Match.stringLikeRegexp('Postgres storage') }),
    });
  });

  it('keeps Postgres private, encrypted, TLS-only, with its password in Secrets Manager', () => {
    for (const { templates } of [dev, prod]) {
      templates.data.hasResourceProperties('AWS::RDS::DBInstance', {
        Engine: 'postgres',
        PubliclyAccessible: false,
        StorageEncrypted: true,
        MasterUserPassword: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith(['{{resolve:secretsmanager:'])]),
        }),
      });
      templates.data.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { 'rds.force_ssl': '1' } });
      templates.data.hasResourceProperties('AWS::RDS::DBProxy', { RequireTLS: true, EngineFamily: 'POSTGRESQL' });
      templates.data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', Match.anyValue());
    }
  });

  it('lets only the proxy, the migrations and secret rotation reach Postgres, never an address range', () => {
    const groups = resourcesOf(dev.templates.data, 'AWS::EC2::SecurityGroupIngress');
    const toDatabase = Object.values(groups)
      .map((g) => g.Properties)
      .filter((p) => JSON.stringify(p.GroupId).includes('DatabaseSg'));
    const sources = toDatabase.map((r) => {
      expect(r.CidrIp).toBeUndefined();
      return JSON.stringify(r.SourceSecurityGroupId).match(/"(ProxySg|MigrationsSg|\w*Rotation)/)?.[1];
    });
    // The rotations: the master's and one per component role's secret (each logs in as its role to rotate).
    const roleRotations = databaseComponents.map((c) => `${c[0]!.toUpperCase()}${c.slice(1)}DatabaseSecretRotation`);
    expect(sources.sort()).toEqual(['MigrationsSg', 'PostgresRotation', 'ProxySg', ...roleRotations].sort());
    dev.templates.data.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'RDS Postgres',
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('protects prod data and lets dev go', () => {
    prod.templates.data.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({ DeletionProtection: true, MultiAZ: true, BackupRetentionPeriod: 14 }),
    });
    prod.templates.data.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    dev.templates.data.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: false, MultiAZ: false }),
    });
  });

  it('runs Valkey with TLS, encryption at rest and an AUTH token, multi-AZ in prod', () => {
    prod.templates.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['{{resolve:secretsmanager:'])]) }),
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      NumCacheClusters: 2,
    });
    dev.templates.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { MultiAZEnabled: false });
  });

  it('creates the idempotency table from the shared resource names, with TTL and PITR', () => {
    dev.templates.data.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: `sharpline-dev-${tables.idempotency.name}`,
      KeySchema: [{ AttributeName: tables.idempotency.partitionKey, KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: tables.idempotency.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('keeps the session data key in a secret under a rotating KMS key of its own', () => {
    dev.templates.data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.templates.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('sportsbook session data'),
      KmsKeyId: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^SessionDataKms'), 'Arn'] }),
    });
  });

  it('runs the migrations on deploy through a custom resource that changes with the migration files', () => {
    const [resource] = Object.values(resourcesOf(dev.templates.data, 'Custom::SharplineMigrations'));
    expect(resource?.Properties.migrationsDigest).toMatch(/^[0-9a-f]{64}$/);
    dev.templates.data.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('SQL migrations'),
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ DATABASE_SECRET_ARN: Match.anyValue(), DATABASE_SSL: 'true' }) },
      VpcConfig: Match.anyValue(),
    });
  });
});
