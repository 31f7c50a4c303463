import { Duration } from 'aws-cdk-lib';
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

/** Where the shard answers `GET /health` and `GET /metrics` (containers/game-shard/health.ts). */
export const GAME_SHARD_HEALTH_PORT = 8080;

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
 * candidates, reading and writing the cache and Postgres, and reaching venues through the egress. ECS checks each
 * task's `/health`; the parse-failure ratio it reports as metrics is alarmed in the observability stack.
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
          HEALTH_PORT: String(GAME_SHARD_HEALTH_PORT),
          SHARD_COUNT: String(shardCount),
          CANDIDATES_QUEUE_URL: props.candidatesQueue.queueUrl,
          REDIS_URL: `rediss://${props.cache.host}:${props.cache.port}`,
          EGRESS_PROXY_URL: props.egress.proxyUrl,
          ...databaseEnvironment(props.database, 'gameShard'),
        },
        secrets: { REDIS_AUTH_TOKEN: EcsSecret.fromSecretsManager(props.cache.authToken) },
        // 200 while the engine runs and the venue feeds are up or reconnecting; a cache outage does not fail it.
        healthCheck: {
          command: [
            'CMD',
            'node',
            '-e',
            `fetch('http://127.0.0.1:${GAME_SHARD_HEALTH_PORT}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
          ],
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          retries: 3,
          startPeriod: Duration.seconds(60),
        },
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
