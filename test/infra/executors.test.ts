import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { executorMetrics, serviceNames } from '#config/metrics';
import { resourcesOf, type SynthesizedApp, synthesize } from './support.ts';

let dev: SynthesizedApp;

beforeAll(() => {
  dev = synthesize('dev');
});

function executor(service: string) {
  const found = Object.entries(resourcesOf(dev.templates.pipeline, 'AWS::Lambda::Function')).find(
    ([, fn]) =>
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME ===
      service,
  );
  if (!found) throw new Error(`no Lambda of service ${service}`);
  return { id: found[0], fn: found[1] };
}

describe('live executors (pipeline stack)', () => {
  it.each([
    [serviceNames.executorKalshi, 'ExecutionKalshi', 'KALSHI_PRIVATE_KEY_SECRET_ARN', 'KalshiPrivateKey'],
    [
      serviceNames.executorPolymarket,
      'ExecutionPolymarket',
      'POLYMARKET_CREDENTIALS_SECRET_ARN',
      'PolymarketCredentials',
    ],
  ])(
    '%s consumes its queue with partial batch failures, reads its venue secret, goes out through the egress, sends only hedge follow-ups',
    (service, queue, secretVar, secretId) => {
      const t = dev.templates.pipeline;
      const { id, fn } = executor(service);
      const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(vars[secretVar])).toContain(secretId);
      expect(vars.EGRESS_PROXY_URLS).toMatch(/^http:\/\/egress\.sharpline-dev\.internal:\d+$/);
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: id },
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}Queue`), 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const policies = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(id.slice(0, 12)),
      );
      const text = JSON.stringify(policies);
      expect(text).toContain('secretsmanager:GetSecretValue');
      expect(text).toContain(secretId);
      // It sends only an open hedge's follow-ups (retries, unwinds), and only to the two execution queues.
      const sends = policies
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement,
        )
        .filter((s) => JSON.stringify(s.Action).includes('sqs:SendMessage'));
      const targets = sends.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
      expect(targets.map((r) => JSON.stringify(r)).sort()).toEqual([
        expect.stringMatching(/ExecutionKalshiQueue(?!Dlq)/),
        expect.stringMatching(/ExecutionPolymarketQueue(?!Dlq)/),
      ]);
      expect(JSON.stringify(vars.EXECUTION_KALSHI_QUEUE_URL)).toMatch(/ExecutionKalshiQueue/);
      expect(JSON.stringify(vars.EXECUTION_POLYMARKET_QUEUE_URL)).toMatch(/ExecutionPolymarketQueue/);
    },
  );

  it('lets the executors, and only through their own group, reach the egress proxy', () => {
    const rules = Object.values(resourcesOf(dev.templates.compute, 'AWS::EC2::SecurityGroupIngress'));
    expect(JSON.stringify(rules)).toMatch(/ExecutorsSg/);
  });

  it('alarms on an open hedge and on a venue fee that differs from ours, per venue', () => {
    const t = dev.templates.observability;
    for (const service of [serviceNames.executorKalshi, serviceNames.executorPolymarket]) {
      for (const name of [executorMetrics.openHedges, executorMetrics.feeMismatches]) {
        t.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: name,
          Namespace: 'Sharpline',
          Dimensions: [{ Name: 'service', Value: service }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    }
  });
});
