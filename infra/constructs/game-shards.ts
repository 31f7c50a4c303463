import { type ISecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { type Cluster, type ContainerImage, Secret as EcsSecret, FargateService } from 'aws-cdk-lib/aws-ecs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { serviceNames } from '#config/metrics';
import type { EnvConfig } from '../config/types.ts';
import { type DatabaseAccess, databaseEnvironment, grantDatabase } from '../stacks/database-access.ts';
import type { EgressAccess } from './egress.ts';
import { ServiceTask } from './service-task.ts';

export interface GameShardsProps {
  config: EnvConfig;
  cluster: Cluster;
  image: ContainerImage;
  candidatesQueue: IQueue;
  cache: { host: string; port: number; authToken: ISecret; clients: ISecurityGroup };
  database: DatabaseAccess;
  egress: EgressAccess;
}

/**
 * The game shards: one Fargate service per shard index, each task told its `SHARD_INDEX` of `SHARD_COUNT`, sending
 * candidates, reading and writing the cache and Postgres, and reaching venues through the egress.
 */
export class GameShards extends Construct {
  readonly services: FargateService[] = [];

  constructor(scope: Construct, id: string, props: GameShardsProps) {
    super(scope, id);
    const { config } = props;
    const { shardCount } = config.compute;
    for (let index = 0; index < shardCount; index += 1) {
      const task = new ServiceTask(this, `Shard${index}Task`, {
        config,
        name: 'game-shard',
        serviceName: serviceNames.gameShard,
        size: config.compute.shard,
        image: props.image,
        environment: {
          SHARD_INDEX: String(index),
          SHARD_COUNT: String(shardCount),
          CANDIDATES_QUEUE_URL: props.candidatesQueue.queueUrl,
          REDIS_URL: `rediss://${props.cache.host}:${props.cache.port}`,
          EGRESS_PROXY_URL: props.egress.proxyUrl,
          ...databaseEnvironment(props.database, 'gameShard'),
        },
        secrets: { REDIS_AUTH_TOKEN: EcsSecret.fromSecretsManager(props.cache.authToken) },
      });
      props.candidatesQueue.grantSendMessages(task.taskRole);
      grantDatabase(props.database, 'gameShard', task.taskRole);
      this.services.push(
        new FargateService(this, `Shard${index}Service`, {
          cluster: props.cluster,
          taskDefinition: task,
          desiredCount: 1,
          vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
          securityGroups: [props.egress.clients, props.cache.clients, props.database.clients],
          // Start the replacement before stopping the old task: a shard is never dark during a deploy.
          minHealthyPercent: 100,
          circuitBreaker: { rollback: true },
        }),
      );
    }
  }
}
