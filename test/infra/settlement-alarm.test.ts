import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { customMetrics, metricsNamespace } from '#config/metrics';
import { envConfigs } from '../../infra/config/envs.ts';
import { resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

let prod: SynthesizedApp;

beforeAll(() => {
  prod = synthesize('prod');
});

describe('settlement overdue alarm', () => {
  it('alarms to the topic as soon as one position is open past the configured hours after its game ended', () => {
    prod.templates.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: metricsNamespace,
      MetricName: customMetrics.positionsOverdue.name,
      Dimensions: [{ Name: 'service', Value: customMetrics.positionsOverdue.service }],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [Match.anyValue()],
      AlarmDescription: Match.stringLikeRegexp(`${envConfigs.prod.alarms.settlementOverdueHours} h after`),
    });
  });

  it('tells the settlement Lambda the same hours it counts overdue positions by', () => {
    const fns = Object.values(resourcesOf(prod.templates.pipeline, 'AWS::Lambda::Function')).filter((f) =>
      String(f.Properties.Description).startsWith('Settles'),
    );
    expect(fns).toHaveLength(1);
    const env = fns[0]!.Properties.Environment as { Variables: Record<string, unknown> };
    expect(env.Variables.SETTLEMENT_OVERDUE_HOURS).toBe(String(envConfigs.prod.alarms.settlementOverdueHours));
  });
});
