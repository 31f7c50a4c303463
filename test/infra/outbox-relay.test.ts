import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { customMetrics, metricsNamespace } from '#config/metrics';
import { resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

let dev: SynthesizedApp;
beforeAll(() => {
  dev = synthesize('dev');
});

type Statement = { Action: string | string[]; Resource: unknown };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function statementsOf(template: SynthesizedApp['templates']['pipeline'], rolePrefix: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(rolePrefix))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function logicalIdStartingWith(type: string, prefix: string): string {
  const id = Object.keys(resourcesOf(dev.templates.pipeline, type)).find((key) => key.startsWith(prefix));
  if (!id) throw new Error(`no ${type} whose id starts with ${prefix}`);
  return id;
}

describe('browser-job outbox relay', () => {
  it('is a Lambda on the database and the browser-jobs queue, run by EventBridge every minute', () => {
    const t = dev.templates.pipeline;
    const browserJobs = logicalIdStartingWith('AWS::SQS::Queue', 'BrowserJobsQueue');
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'outbox-relay',
          BROWSER_JOBS_QUEUE_URL: { Ref: browserJobs },
          DATABASE_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OutboxRelay'), 'Arn'] } })],
    });
  });

  it('may send to the browser-jobs queue only, and reads no session key', () => {
    const statements = statementsOf(dev.templates.pipeline, 'OutboxRelayServiceRole');
    const sends = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(sends).toHaveLength(1);
    expect(JSON.stringify(sends[0]?.Resource)).toMatch(/BrowserJobsQueue/);
    expect(JSON.stringify(sends[0]?.Resource)).not.toMatch(/Dlq/);
    const actions = statements.flatMap(actionsOf);
    // grantSendMessages: send plus the two reads the SDK needs to find the queue; nothing that receives or deletes.
    expect(actions.filter((a) => a.startsWith('sqs:')).sort()).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(actions.some((a) => a.endsWith(':*'))).toBe(false);
    expect(JSON.stringify(statements)).not.toMatch(/SessionData/);
  });

  it('keeps the API allowed to send, for its attempt right after the commit', () => {
    const statements = statementsOf(dev.templates.api, 'ApiServiceRole');
    const sends = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(sends).toHaveLength(1);
  });

  it('alarms when the oldest pending message is over five minutes old or the relay stops reporting', () => {
    const t = dev.templates.observability;
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: metricsNamespace,
      MetricName: customMetrics.outboxOldestPendingAge.name,
      Dimensions: [{ Name: 'service', Value: 'outbox-relay' }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [Match.anyValue()],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      AlarmDescription: 'OutboxRelay: Lambda errors',
    });
  });
});
