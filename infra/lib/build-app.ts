import { type App, Aspects, Tags, Validations } from 'aws-cdk-lib';
import { Port } from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EnvConfig } from '../config/types.ts';
import { ApiStack } from '../stacks/api-stack.ts';
import { ComputeStack } from '../stacks/compute-stack.ts';
import { DataStack } from '../stacks/data-stack.ts';
import type { DatabaseAccess } from '../stacks/database-access.ts';
import { NetworkStack } from '../stacks/network-stack.ts';
import { ObservabilityStack } from '../stacks/observability-stack.ts';
import { PipelineStack } from '../stacks/pipeline-stack.ts';
import { controlTowerRules } from './control-tower.ts';
import { KeyGrantsForAwsServicesOnly } from './key-grants.ts';

export interface SharplineStacks {
  network: NetworkStack;
  data: DataStack;
  pipeline: PipelineStack;
  api: ApiStack;
  compute: ComputeStack;
  observability: ObservabilityStack;
}

export interface BuildOptions {
  /** Where `containers/<name>/Dockerfile` is looked for (tests point it elsewhere). */
  buildRoot?: string;
  /**
   * Run the Control Tower rules (cfn-guard) in synth; on unless a test turns it off. `npm run synth` (and so
   * `cdk deploy`) always runs them; the in-process test synths skip the binary to stay fast.
   */
  controlTowerRules?: boolean;
}

/**
 * The whole app for one env: stacks by concern, `sharpline-<env>-<concern>`, values passed through props, and
 * two validation plugins, cdk-nag's AWS Solutions pack and AWS's Control Tower proactive controls: a finding of
 * either not acknowledged on its resource with a reason fails synth.
 */
export function buildSharpline(app: App, config: EnvConfig, options: BuildOptions = {}): SharplineStacks {
  const env = { account: config.account, region: config.region };
  // The AZs are config, not a lookup: synth stays offline and needs no credentials.
  app.node.setContext(`availability-zones:account=${config.account}:region=${config.region}`, config.availabilityZones);
  // Cross-stack exports stay strong (a producer cannot drop a value a consumer still imports), said explicitly.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  const id = (concern: string) => `sharpline-${config.envName}-${concern}`;
  Tags.of(app).add('project', 'sharpline');
  Tags.of(app).add('env', config.envName);

  const network = new NetworkStack(app, id('network'), { env, config });
  const { vpc } = network;
  const data = new DataStack(app, id('data'), { env, config, vpc });
  const database: DatabaseAccess = {
    proxy: data.proxy,
    secrets: data.databaseRoleSecrets,
    clients: data.databaseClients,
  };

  const pipeline = new PipelineStack(app, id('pipeline'), {
    env,
    config,
    vpc,
    database,
    idempotencyTable: data.idempotencyTable,
  });
  pipeline.addStackDependency(data, 'the evaluator needs the schema the migrations custom resource applies');

  const api = new ApiStack(app, id('api'), {
    env,
    config,
    vpc,
    database,
    browserJobsQueue: pipeline.queues.browserJobs.queue,
    sessionDataKey: data.sessionDataKey,
  });
  api.addStackDependency(data, 'the API needs the schema the migrations custom resource applies');

  const compute = new ComputeStack(app, id('compute'), {
    env,
    config,
    vpc,
    database,
    cache: {
      host: data.cacheEndpoint.host,
      port: data.cacheEndpoint.port,
      authToken: data.cacheAuthToken,
      clients: data.cacheClients,
    },
    candidatesQueue: pipeline.queues.candidates.queue,
    browserJobsQueue: pipeline.queues.browserJobs.queue,
    sessionDataKey: data.sessionDataKey,
    ...(options.buildRoot ? { buildRoot: options.buildRoot } : {}),
  });

  compute.addStackDependency(data, 'the shards write prices into the schema the migrations custom resource applies');
  // The executors' venue traffic goes through the egress proxy: its URL is a plain Cloud Map name, and the proxy's
  // security-group rule lives in the compute stack, which already depends on the pipeline.
  for (const executor of Object.values(pipeline.executors)) {
    executor.addEnvironment('EGRESS_PROXY_URLS', compute.egress.proxyUrl);
  }
  compute.egress.service.connections.allowFrom(
    pipeline.executorsSecurityGroup,
    Port.tcp(Number(new URL(compute.egress.proxyUrl).port)),
    'Live executors to the egress proxy',
  );

  const observability = new ObservabilityStack(app, id('observability'), {
    env,
    config,
    api: api.api,
    evaluator: pipeline.evaluator,
    functions: {
      Api: api.handler,
      SignalEvaluator: pipeline.evaluator,
      Settlement: pipeline.settlement,
      Retention: pipeline.retention,
      OutboxRelay: pipeline.outboxRelay,
      ExecutorKalshi: pipeline.executors.kalshi,
      ExecutorPolymarket: pipeline.executors.polymarket,
    },
    egress: {
      clusterName: compute.cluster.clusterName,
      serviceName: compute.egress.service.serviceName,
      desiredTasks: config.compute.egress.tasks,
    },
    deadLetterQueues: {
      Candidates: pipeline.queues.candidates.dlq,
      ExecutionKalshi: pipeline.queues.executionKalshi.dlq,
      ExecutionPolymarket: pipeline.queues.executionPolymarket.dlq,
      BrowserJobs: pipeline.queues.browserJobs.dlq,
    },
  });

  Aspects.of(app).add(new KeyGrantsForAwsServicesOnly());
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  if (options.controlTowerRules ?? true) Validations.of(app).addPlugins(controlTowerRules());
  return { network, data, pipeline, api, compute, observability };
}
