import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { queues, resourceName } from '#config/resources';
import { envConfigs } from '../../infra/config/envs.ts';
import { resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

let dev: SynthesizedApp;

beforeAll(() => {
  dev = synthesize('dev');
});

function logicalIdOfQueue(template: Template, queueName: string): string {
  const found = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).find(
    ([, q]) => q.Properties.QueueName === queueName,
  );
  if (!found) throw new Error(`no queue named ${queueName}`);
  return found[0];
}

/** Every statement of the IAM policies attached to the role whose logical id starts with `rolePrefix`. */
function statementsOf(template: Template, rolePrefix: string): { Action: string | string[]; Resource: unknown }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(rolePrefix))
    .flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
}

const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('pipeline stack', () => {
  it('creates every queue of shared/config/resources.ts with its DLQ, redrive count, SSE and TLS-only policy', () => {
    const t = dev.templates.pipeline;
    for (const spec of Object.values(queues)) {
      const dlqId = logicalIdOfQueue(t, resourceName('dev', spec.dlqName));
      const queueId = logicalIdOfQueue(t, resourceName('dev', spec.name));
      t.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: resourceName('dev', spec.name),
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: spec.maxReceiveCount },
      });
      t.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: resourceName('dev', spec.dlqName),
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      for (const id of [queueId, dlqId]) {
        t.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    }
  });

  it('feeds the evaluator from candidates with partial batch failures and the configured batching', () => {
    const t = dev.templates.pipeline;
    const candidatesId = logicalIdOfQueue(t, resourceName('dev', queues.candidates.name));
    const { evaluator } = envConfigs.dev;
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [candidatesId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: evaluator.batchSize,
      MaximumBatchingWindowInSeconds: evaluator.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: evaluator.maxConcurrency },
    });
    const [candidates] = Object.values(resourcesOf(t, 'AWS::SQS::Queue')).filter(
      (q) => q.Properties.QueueName === resourceName('dev', queues.candidates.name),
    );
    expect(candidates?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * envConfigs.dev.lambda.timeoutSeconds);
  });

  it('grants the evaluator only item-level idempotency access and send on the execution queues', () => {
    const t = dev.templates.pipeline;
    const statements = statementsOf(t, 'SignalEvaluatorServiceRole');
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(dynamo[0]?.Resource)).toMatch(/Idempotency/);
    const sends = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    const targets = sends.map((s) => JSON.stringify(s.Resource)).join(' ');
    expect(targets).toMatch(/ExecutionKalshiQueue/);
    expect(targets).toMatch(/ExecutionPolymarketQueue/);
    expect(targets).not.toMatch(/BrowserJobs|Candidates/);
    expect(statements.flatMap(actionsOf).some((a) => a.endsWith(':*'))).toBe(false);
  });

  it('builds every Lambda the same way: Node 22 arm64, traced, in the VPC, own log group, Powertools env', () => {
    const t = dev.templates.pipeline;
    const functions = Object.values(resourcesOf(t, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
        VpcConfig: { SecurityGroupIds: expect.anything() },
        Environment: {
          Variables: expect.objectContaining({
            STAGE: 'dev',
            TRADING_MODE: 'paper',
            POWERTOOLS_SERVICE_NAME: expect.any(String),
            POWERTOOLS_METRICS_NAMESPACE: 'Sharpline',
            POWERTOOLS_LOG_LEVEL: 'DEBUG',
            NODE_OPTIONS: '--enable-source-maps',
            DATABASE_SECRET_ARN: expect.anything(),
            DATABASE_HOST: expect.anything(),
            DATABASE_SSL: 'true',
          }),
        },
      });
    }
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('runs settlement and retention on schedules, retention with its days', () => {
    const t = dev.templates.pipeline;
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${envConfigs.dev.schedules.settlementEveryMinutes} minutes)`,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Settlement'), 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 4 * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Retention'), 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RETENTION_DAYS: String(envConfigs.dev.retentionDays) }) },
    });
  });
});

describe('app', () => {
  it('names every stack and tags every taggable resource with the env', () => {
    for (const stack of Object.values(dev.stacks)) expect(stack.stackName).toMatch(/^sharpline-dev-[a-z]+$/);
    for (const type of ['AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::RDS::DBInstance', 'AWS::EC2::VPC']) {
      const template = Object.values(dev.templates).find((t) => Object.keys(t.findResources(type)).length > 0);
      template?.allResourcesProperties(type, {
        Tags: Match.arrayWith([
          { Key: 'env', Value: 'dev' },
          { Key: 'project', Value: 'sharpline' },
        ]),
      });
      expect(template, type).toBeDefined();
    }
  });
});

describe('api stack', () => {
  it('puts a JWT authorizer with the env issuer and audience on every route but health', () => {
    const t = dev.templates.api;
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: envConfigs.dev.auth.jwtIssuer, Audience: envConfigs.dev.auth.jwtAudience },
    });
    const routes = Object.values(resourcesOf(t, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const byKey = Object.fromEntries(routes.map((r) => [r.RouteKey, r.AuthorizationType]));
    expect(byKey).toEqual({ 'GET /health': 'NONE', 'GET /health/{proxy+}': 'NONE', 'ANY /{proxy+}': 'JWT' });
  });

  it('throttles and access-logs the default stage', () => {
    dev.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: envConfigs.dev.api.throttleRatePerSecond,
        ThrottlingBurstLimit: envConfigs.dev.api.throttleBurst,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('lets the API Lambda send browser jobs and read only its secrets, KMS only via Secrets Manager', () => {
    const t = dev.templates.api;
    const statements = statementsOf(t, 'ApiServiceRole');
    const sends = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(sends).toHaveLength(1);
    expect(JSON.stringify(sends[0]?.Resource)).toMatch(/BrowserJobsQueue/);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'kms:Decrypt',
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          BROWSER_JOBS_QUEUE_URL: Match.anyValue(),
          SESSION_KEY_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
  });
});
