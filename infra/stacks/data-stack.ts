import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { InstanceType, Port, SecurityGroup, SubnetType, type Vpc } from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  CaCertificate,
  Credentials,
  DatabaseInstance,
  DatabaseInstanceEngine,
  type DatabaseProxy,
  DatabaseSecret,
  ParameterGroup,
  PostgresEngineVersion,
  StorageType,
} from 'aws-cdk-lib/aws-rds';
import { type ISecret, Secret, SecretRotation, SecretRotationApplication } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { type DatabaseComponent, databaseComponents, databaseRoles } from '#config/database-roles';
import { serviceNames } from '#config/metrics';
import { resourceName, tables } from '#config/resources';
import { lambdaEntries, migrationsDir, repoRoot } from '../config/paths.ts';
import type { EnvConfig } from '../config/types.ts';
import { SharplineLogGroup } from '../constructs/log-group.ts';
import { SharplineFunction } from '../constructs/sharpline-function.ts';
import { acknowledgeImportedSubnets, controlTower } from '../lib/control-tower.ts';
import type { SessionKeyAccess } from '../lib/session-key-access.ts';

export interface DataStackProps extends StackProps {
  config: EnvConfig;
  vpc: Vpc;
}

const REDIS_PORT = 6379;
const DATABASE_NAME = 'sharpline';
/** RDS's own default: characters that break connection strings or the rotation functions' SQL. */
const PASSWORD_EXCLUDE_CHARS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';
const PASSWORD_ROTATION = Duration.days(30);

/** A digest of every migration file, so the custom resource re-runs exactly when a migration is added or edited. */
function migrationsDigest(): string {
  const dir = join(repoRoot, migrationsDir);
  const hash = createHash('sha256');
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).sort()) {
      hash.update(file).update(readFileSync(join(dir, file)));
    }
  }
  return hash.digest('hex');
}

/**
 * The stores: Postgres (RDS, private, encrypted, behind an RDS Proxy for the Lambdas, migrated on deploy),
 * Valkey (ElastiCache, TLS + AUTH), the DynamoDB idempotency table and the KMS key guarding session data keys.
 */
export class DataStack extends Stack {
  readonly database: DatabaseInstance;
  /** The master user's: the migrations custom resource's alone. */
  readonly databaseSecret: ISecret;
  /** One login per component role (migration 0400), each registered with the proxy; see `DatabaseAccess`. */
  readonly databaseRoleSecrets: Readonly<Record<DatabaseComponent, ISecret>>;
  readonly proxy: DatabaseProxy;
  /** Attach to whatever talks to Postgres through the proxy. */
  readonly databaseClients: SecurityGroup;
  readonly cacheClients: SecurityGroup;
  readonly cacheEndpoint: { host: string; port: number };
  readonly cacheAuthToken: Secret;
  readonly idempotencyTable: Table;
  readonly sessionDataKey: SessionKeyAccess;
  private readonly roleRotations: SecretRotation[] = [];

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, vpc } = props;
    const isolated = { subnetType: SubnetType.PRIVATE_ISOLATED };

    this.databaseClients = new SecurityGroup(this, 'DatabaseClients', {
      vpc,
      description: 'Lambdas and tasks that reach Postgres through the RDS Proxy',
    });
    const proxySg = new SecurityGroup(this, 'ProxySg', { vpc, description: 'RDS Proxy' });
    const databaseSg = new SecurityGroup(this, 'DatabaseSg', { vpc, description: 'RDS Postgres' });
    const migrationsSg = new SecurityGroup(this, 'MigrationsSg', { vpc, description: 'Migrations custom resource' });
    proxySg.addIngressRule(this.databaseClients, Port.tcp(5432), 'clients to the proxy');
    // The proxy and the rotation Lambda get their own ingress to the instance from CDK.
    databaseSg.addIngressRule(migrationsSg, Port.tcp(5432), 'migrations straight to Postgres (DDL, advisory lock)');

    // RDS writes its Postgres log to this group by name; owning it gives it a retention without a custom resource.
    const instanceIdentifier = `sharpline-${config.envName}`;
    // Every log type Postgres on RDS exports (CT.RDS.PR.14), each into a group of ours (encrypted, retained).
    const postgresLogs = {
      postgresql: new SharplineLogGroup(this, 'PostgresLogs', {
        config,
        logGroupName: `/aws/rds/instance/${instanceIdentifier}/postgresql`,
      }),
      upgrade: new SharplineLogGroup(this, 'PostgresUpgradeLogs', {
        config,
        logGroupName: `/aws/rds/instance/${instanceIdentifier}/upgrade`,
      }),
    };
    // Storage under a key of ours, not the account's aws/rds key: its policy, rotation and lifetime are ours
    // (CT.RDS.PR.30). Retained outside dev with the final snapshot, which it must still decrypt.
    const storageKey = new Key(this, 'PostgresStorageKey', {
      description: `Encrypts the ${instanceIdentifier} Postgres storage, snapshots and backups`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    this.database = new DatabaseInstance(this, 'Postgres', {
      instanceIdentifier,
      engine: DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_17 }),
      instanceType: new InstanceType(config.database.instanceType),
      vpc,
      vpcSubnets: isolated,
      securityGroups: [databaseSg],
      publiclyAccessible: false,
      credentials: Credentials.fromGeneratedSecret('sharpline'),
      databaseName: DATABASE_NAME,
      storageEncrypted: true,
      storageEncryptionKey: storageKey,
      // Enhanced monitoring: OS metrics (CPU steal, memory, disk queue) every minute (CT.RDS.PR.2).
      monitoringInterval: Duration.minutes(1),
      storageType: StorageType.GP3,
      allocatedStorage: config.database.allocatedStorageGb,
      maxAllocatedStorage: config.database.maxAllocatedStorageGb,
      multiAz: config.database.multiAz,
      backupRetention: Duration.days(config.database.backupRetentionDays),
      deletionProtection: config.database.deletionProtection,
      removalPolicy: config.database.removalPolicy,
      iamAuthentication: true,
      caCertificate: CaCertificate.RDS_CA_RSA2048_G1,
      cloudwatchLogsExports: Object.keys(postgresLogs),
      parameterGroup: new ParameterGroup(this, 'PostgresParams', {
        engine: DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_17 }),
        parameters: { 'rds.force_ssl': '1' },
      }),
    });
    this.database.node.addDependency(...Object.values(postgresLogs));
    this.databaseSecret = this.database.secret!;
    this.database.addRotationSingleUser({ automaticallyAfter: PASSWORD_ROTATION });
    this.databaseRoleSecrets = this.addRoleSecrets(vpc);
    if (!config.database.multiAz) {
      const reason = `${config.envName} runs a single-AZ instance to save cost; prod is multi-AZ (infra/config/envs.ts).`;
      Validations.of(this.database).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-RDS3', reason },
        { id: controlTower.rdsMultiAz, reason },
      );
    }
    if (!config.database.deletionProtection) {
      const reason = 'dev is torn down freely; staging and prod have deletion protection on.';
      Validations.of(this.database).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-RDS10', reason },
        { id: controlTower.rdsDeletionProtection, reason },
      );
    }
    if (config.database.backupRetentionDays < 7) {
      Validations.of(this.database).acknowledge({
        id: controlTower.rdsBackupWeek,
        reason: `${config.envName} keeps ${config.database.backupRetentionDays} day(s) of backups of throwaway data; staging and prod keep 7 or more.`,
      });
    }
    Validations.of(this.database).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-RDS11',
        reason: 'Only the proxy and migrations security groups reach the instance; a non-default port adds nothing.',
      },
      {
        id: controlTower.rdsDefaultPort,
        reason: 'Only the proxy and migrations security groups reach the instance; a non-default port adds nothing.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason: 'The AWS-maintained policy RDS enhanced monitoring needs to publish OS metrics to CloudWatch Logs.',
      },
    );

    // The component roles only: nothing reaches the master user through the proxy.
    this.proxy = this.database.addProxy('Proxy', {
      secrets: databaseComponents.map((component) => this.databaseRoleSecrets[component]),
      vpc,
      vpcSubnets: isolated,
      securityGroups: [proxySg],
      requireTLS: true,
    });

    this.cacheClients = new SecurityGroup(this, 'CacheClients', { vpc, description: 'Tasks that reach Valkey' });
    const cacheSg = new SecurityGroup(this, 'CacheSg', { vpc, description: 'ElastiCache Valkey' });
    cacheSg.addIngressRule(this.cacheClients, Port.tcp(REDIS_PORT), 'cache clients');
    this.cacheAuthToken = new Secret(this, 'CacheAuthToken', {
      description: 'ElastiCache AUTH token',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.cacheAuthToken).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'An ElastiCache AUTH token rotates through ModifyReplicationGroup (ROTATE), not a Secrets Manager rotation Lambda; rotated by runbook.',
    });
    const cacheSubnets = new CfnSubnetGroup(this, 'CacheSubnets', {
      description: 'sharpline cache subnets',
      subnetIds: vpc.selectSubnets(isolated).subnetIds,
    });
    const cache = new CfnReplicationGroup(this, 'Cache', {
      replicationGroupDescription: `sharpline ${config.envName} latest prices`,
      engine: 'valkey',
      engineVersion: '8.0',
      cacheNodeType: config.cache.nodeType,
      numCacheClusters: config.cache.nodes,
      automaticFailoverEnabled: config.cache.multiAz,
      multiAzEnabled: config.cache.multiAz,
      port: REDIS_PORT,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: this.cacheAuthToken.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: cacheSubnets.ref,
      securityGroupIds: [cacheSg.securityGroupId],
    });
    Validations.of(cache).acknowledge({
      id: 'AwsSolutions::AwsSolutions-AEC5',
      reason: 'Reachable only from the cache-clients security group; a non-default port adds nothing.',
    });
    if (!config.cache.multiAz) {
      Validations.of(cache).acknowledge({
        id: 'AwsSolutions::AwsSolutions-AEC4',
        reason: `${config.envName} runs one cache node to save cost; prod is multi-AZ (infra/config/envs.ts).`,
      });
    }
    this.cacheEndpoint = { host: cache.attrPrimaryEndPointAddress, port: REDIS_PORT };

    this.idempotencyTable = new Table(this, 'Idempotency', {
      tableName: resourceName(config.envName, tables.idempotency.name),
      partitionKey: { name: tables.idempotency.partitionKey, type: AttributeType.STRING },
      timeToLiveAttribute: tables.idempotency.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: config.removalPolicy,
    });

    const sessionKey = new Key(this, 'SessionDataKms', {
      description: 'Guards the sportsbook session data key',
      enableKeyRotation: true,
      alias: `alias/sharpline-${config.envName}-session-data`,
      removalPolicy: config.removalPolicy,
    });
    const sessionDataSecret = new Secret(this, 'SessionDataKey', {
      description: 'AES-256 key for sportsbook session data (base64)',
      encryptionKey: sessionKey,
      // 43 base64-alphabet characters decode to 32 bytes and carry ~256 bits of entropy (62 symbols each).
      generateSecretString: { passwordLength: 43, excludePunctuation: true, includeSpace: false },
    });
    this.sessionDataKey = { secret: sessionDataSecret, kmsKey: sessionKey };
    Validations.of(sessionDataSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'Rotating the data key means re-encrypting stored sessions; done by a planned runbook, not on a timer.',
    });

    this.addMigrations(config, vpc, migrationsSg);
  }

  /**
   * A generated password per component role, rotated like the master's: the single-user rotation logs in as the
   * role and changes its own password. The migrate function sets each role's password from its secret.
   */
  private addRoleSecrets(vpc: Vpc): Record<DatabaseComponent, ISecret> {
    const secrets = {} as Record<DatabaseComponent, ISecret>;
    for (const component of databaseComponents) {
      const id = `${component[0]!.toUpperCase()}${component.slice(1)}DatabaseSecret`;
      const secret = new DatabaseSecret(this, id, {
        username: databaseRoles[component],
        dbname: DATABASE_NAME,
        excludeCharacters: PASSWORD_EXCLUDE_CHARS,
      }).attach(this.database);
      const rotation = new SecretRotation(this, `${id}Rotation`, {
        application: SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
        secret,
        target: this.database,
        vpc,
        vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
        excludeCharacters: PASSWORD_EXCLUDE_CHARS,
        automaticallyAfter: PASSWORD_ROTATION,
      });
      this.roleRotations.push(rotation);
      secrets[component] = secret;
    }
    return secrets;
  }

  private addMigrations(config: EnvConfig, vpc: Vpc, migrationsSg: SecurityGroup): void {
    const migrate = new SharplineFunction(this, 'Migrate', {
      config,
      entry: lambdaEntries.migrate,
      serviceName: serviceNames.migrate,
      description: 'Applies the SQL migrations on deploy (CloudFormation custom resource)',
      vpc,
      securityGroups: [migrationsSg],
      timeout: Duration.minutes(10),
      environment: {
        DATABASE_SECRET_ARN: this.databaseSecret.secretArn,
        DATABASE_SSL: 'true',
        DATABASE_ROLE_SECRET_ARNS: this.toJsonString(
          Object.fromEntries(databaseComponents.map((c) => [c, this.databaseRoleSecrets[c].secretArn])),
        ),
      },
      copyIntoBundle: [{ from: migrationsDir, to: 'migrations' }],
    });
    this.databaseSecret.grantRead(migrate);
    for (const component of databaseComponents) this.databaseRoleSecrets[component].grantRead(migrate);
    const provider = new Provider(this, 'MigrationsProvider', {
      onEventHandler: migrate,
      logGroup: new SharplineLogGroup(this, 'MigrationsProviderLogs', { config }),
      // The framework function too runs in the app subnets, as every Lambda of ours (CT.LAMBDA.PR.3).
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
    });
    const frameworkFunction = provider.node.findChild('framework-onEvent') as LambdaFunction;
    acknowledgeImportedSubnets(frameworkFunction, vpc);
    const migrateLogicalId = this.getLogicalId(migrate.node.defaultChild as CfnFunction);
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK Provider framework function: the AWS-maintained minimum to write its logs.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'CDK Provider framework function in the VPC: the AWS-maintained minimum to attach its ENIs.',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${migrateLogicalId}.Arn>:*]`,
        reason: 'The framework may invoke any version of the migrate function, and only that function.',
      },
    );
    const migrations = new CustomResource(this, 'Migrations', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SharplineMigrations',
      // A replaced role secret re-runs the resource, so the role gets the new password.
      properties: {
        migrationsDigest: migrationsDigest(),
        roleSecrets: databaseComponents.map((c) => this.databaseRoleSecrets[c].secretArn),
      },
    });
    migrations.node.addDependency(this.database);
    // A role's first rotation logs in as the role: only once the migrations have created it and set its password.
    for (const rotation of this.roleRotations) rotation.node.addDependency(migrations);
  }
}
