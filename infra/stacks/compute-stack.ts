import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ISecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { repoRoot } from '../config/paths.ts';
import type { EnvConfig } from '../config/types.ts';
import { BrowserWorker } from '../constructs/browser-worker.ts';
import { Egress } from '../constructs/egress.ts';
import { GameShards } from '../constructs/game-shards.ts';
import { serviceImage } from '../constructs/service-image.ts';
import type { SessionKeyAccess } from '../lib/session-key-access.ts';
import type { DatabaseAccess } from './database-access.ts';

export interface ComputeStackProps extends StackProps {
  config: EnvConfig;
  vpc: Vpc;
  database: DatabaseAccess;
  cache: { host: string; port: number; authToken: ISecret; clients: ISecurityGroup };
  candidatesQueue: IQueue;
  browserJobsQueue: IQueue;
  sessionDataKey: SessionKeyAccess;
  /** Where `containers/<name>/Dockerfile` is looked for; the repo root unless a test says otherwise. */
  buildRoot?: string;
}

/**
 * ECS: one cluster (Container Insights, a Cloud Map namespace) and a construct per service: the egress tunnel, the
 * game shards and the browser worker (`infra/constructs/`).
 */
export class ComputeStack extends Stack {
  readonly cluster: Cluster;
  readonly egress: Egress;
  readonly gameShards: GameShards;
  readonly browserWorker: BrowserWorker;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const { config, vpc } = props;
    const buildRoot = props.buildRoot ?? repoRoot;

    this.cluster = new Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
      defaultCloudMapNamespace: { name: `sharpline-${config.envName}.internal`, vpc },
    });
    this.egress = new Egress(this, 'Egress', { config, cluster: this.cluster, buildRoot });
    this.gameShards = new GameShards(this, 'GameShards', {
      config,
      cluster: this.cluster,
      image: serviceImage(this, 'game-shard', config.images.gameShard, buildRoot),
      candidatesQueue: props.candidatesQueue,
      cache: props.cache,
      database: props.database,
      egress: this.egress,
    });
    this.browserWorker = new BrowserWorker(this, 'BrowserWorker', {
      config,
      cluster: this.cluster,
      image: serviceImage(this, 'browser-worker', config.images.browserWorker, buildRoot),
      browserJobsQueue: props.browserJobsQueue,
      candidatesQueue: props.candidatesQueue,
      sessionDataKey: props.sessionDataKey,
      database: props.database,
      egress: this.egress,
    });
  }
}
