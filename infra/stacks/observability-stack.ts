import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { customMetrics, executorMetrics, executorServiceOf, metricsNamespace } from '#config/metrics';
import type { EnvConfig } from '../config/types.ts';

export interface ObservabilityStackProps extends StackProps {
  config: EnvConfig;
  api: HttpApi;
  /** Every Lambda, by a readable name (the alarm and widget names use it). */
  functions: Record<string, IFunction>;
  evaluator: IFunction;
  /** Every dead-letter queue, by a readable name: each gets a not-empty alarm. */
  deadLetterQueues: Record<string, IQueue>;
  /** The egress tunnel service, watched through Container Insights. */
  egress: { clusterName: string; serviceName: string; desiredTasks: number };
}

const FIVE_MINUTES = Duration.minutes(5);
/** The relay runs every minute: an entry this old means five runs in a row could not send it. */
const OUTBOX_MAX_AGE_SECONDS = 300;

function custom(ref: { service: string; name: string }, statistic: string, period = FIVE_MINUTES): Metric {
  return new Metric({
    namespace: metricsNamespace,
    metricName: ref.name,
    dimensionsMap: { service: ref.service },
    statistic,
    period,
  });
}

/** One dashboard and the alarms, all to one SNS topic (encrypted, TLS-only). */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch must be able to publish to a topic under a customer-managed key.
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'Alarms', { masterKey: topicKey, enforceSSL: true });
    if (config.alarms.email) this.alarmTopic.addSubscription(new EmailSubscription(config.alarms.email));
    const action = new SnsAction(this.alarmTopic);
    const alarm = (
      id: string,
      metric: IMetric,
      threshold: number,
      description: string,
      extra: Partial<AlarmProps> = {},
    ) => {
      const created = new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
        ...extra,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const [name, dlq] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}DlqNotEmpty`,
        dlq.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
        0,
        `${name}: messages reached the dead-letter queue`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: FIVE_MINUTES }),
        config.alarms.lambdaErrorsPer5Min,
        `${name}: Lambda errors`,
        {
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        },
      );
      alarm(`${name}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES }), 0, `${name}: Lambda throttled`);
    }
    alarm(
      'ApiP99Latency',
      props.api.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
      config.alarms.apiP99LatencyMs,
      `API p99 latency over ${config.alarms.apiP99LatencyMs} ms`,
      { evaluationPeriods: 3, datapointsToAlarm: 2 },
    );
    const parseFailurePercent = new MathExpression({
      label: 'parse failures %',
      expression: 'IF(messages > 0, 100 * failures / messages, 0)',
      usingMetrics: {
        failures: custom(customMetrics.parseFailures, 'Sum'),
        messages: custom(customMetrics.venueMessages, 'Sum'),
      },
      period: FIVE_MINUTES,
    });
    alarm(
      'ParseFailures',
      parseFailurePercent,
      config.alarms.parseFailurePercent,
      `Venue parse failures over ${config.alarms.parseFailurePercent}% of messages`,
    );
    const staleness = custom(customMetrics.priceStalenessMs, 'Maximum', Duration.minutes(1));
    alarm('StalePrices', staleness, config.alarms.priceStaleMs, `Prices older than ${config.alarms.priceStaleMs} ms`, {
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    const heartbeats = custom(
      customMetrics.workerHeartbeats,
      'SampleCount',
      Duration.minutes(config.alarms.heartbeatMissingMinutes),
    );
    alarm(
      'NoWorkerHeartbeat',
      heartbeats,
      1,
      `No browser-worker heartbeat for ${config.alarms.heartbeatMissingMinutes} min`,
      {
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        // Silence is the failure this alarm exists for.
        treatMissingData: TreatMissingData.BREACHING,
      },
    );
    const egressTasks = new Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: props.egress.clusterName, ServiceName: props.egress.serviceName },
      statistic: 'Minimum',
      period: Duration.minutes(1),
    });
    // A task whose tunnel fails its health check is replaced; fewer running than desired for 5 min means it keeps failing.
    alarm('EgressDown', egressTasks, props.egress.desiredTasks, 'Egress tunnel tasks below the desired count', {
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: TreatMissingData.BREACHING,
    });
    // Live execution on a venue stops while its own eligibility check fails from the egress in use (issue 14); the
    // gauge is published on every gate change and on a timer, so the alarm keeps its state between datapoints.
    for (const venue of customMetrics.venueIneligible.venues) {
      const name = `${venue[0]?.toUpperCase()}${venue.slice(1)}`;
      alarm(
        `VenueIneligible${name}`,
        new Metric({
          namespace: metricsNamespace,
          metricName: customMetrics.venueIneligible.name,
          dimensionsMap: { service: customMetrics.venueIneligible.service, venue },
          statistic: 'Maximum',
          period: Duration.minutes(1),
        }),
        0,
        `${venue}: eligibility check failing from the egress in use; live execution there stopped (paper goes on)`,
        { treatMissingData: TreatMissingData.IGNORE },
      );
    }
    alarm(
      'BrowserJobOutboxAge',
      custom(customMetrics.outboxOldestPendingAge, 'Maximum', Duration.minutes(1)),
      OUTBOX_MAX_AGE_SECONDS,
      `A browser-job message unsent for over ${OUTBOX_MAX_AGE_SECONDS} s, or the outbox relay not reporting`,
      {
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // The relay reports on every run, an empty outbox as 0: silence means it is not running.
        treatMissingData: TreatMissingData.BREACHING,
      },
    );
    const drawdown = custom(customMetrics.drawdownBps, 'Maximum');
    alarm(
      'Drawdown',
      drawdown,
      config.alarms.drawdownLimitBps,
      `Bankroll drawdown over ${config.alarms.drawdownLimitBps} bps`,
    );
    const overdueHours = config.alarms.settlementOverdueHours;
    alarm(
      'PositionsOverdue',
      custom(customMetrics.positionsOverdue, 'Maximum'),
      0,
      `Positions still open ${overdueHours} h after their game ended (a rule left to the venue, or a stuck run)`,
    );

    // Live execution: an arbitrage left with one leg alone, or a venue charging another fee than its rule, is for a human.
    for (const [venue, service] of Object.entries(executorServiceOf)) {
      const title = `${venue[0]!.toUpperCase()}${venue.slice(1)}`;
      alarm(
        `${title}OpenHedge`,
        custom({ service, name: executorMetrics.openHedges }, 'Sum'),
        0,
        `${venue}: an arbitrage's second leg did not cover its first (open hedge)`,
      );
      alarm(
        `${title}FeeMismatch`,
        custom({ service, name: executorMetrics.feeMismatches }, 'Sum'),
        0,
        `${venue}: a fill's venue fee differs from the market's fee rule`,
      );
    }

    this.addDashboard(props, { parseFailurePercent, staleness, heartbeats, drawdown, egressTasks });
  }

  private addDashboard(
    props: ObservabilityStackProps,
    metrics: {
      parseFailurePercent: MathExpression;
      staleness: Metric;
      heartbeats: Metric;
      drawdown: Metric;
      egressTasks: Metric;
    },
  ): void {
    const { parseFailurePercent, staleness, heartbeats, drawdown, egressTasks } = metrics;
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `sharpline-${props.config.envName}`,
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API latency (p50, p99)',
        left: [
          props.api.metricLatency({ statistic: 'p50', period: Duration.minutes(1) }),
          props.api.metricLatency({ statistic: 'p99', period: Duration.minutes(1) }),
        ],
      }),
      new GraphWidget({
        title: 'API errors',
        left: [
          props.api.metricClientError({ period: Duration.minutes(1) }),
          props.api.metricServerError({ period: Duration.minutes(1) }),
        ],
      }),
      new GraphWidget({
        title: 'Evaluator throughput and decisions',
        left: [
          props.evaluator.metricInvocations({ period: Duration.minutes(1) }),
          custom(customMetrics.candidatesEvaluated, 'Sum', Duration.minutes(1)),
          custom(customMetrics.signalsAccepted, 'Sum', Duration.minutes(1)),
          custom(customMetrics.signalsRejected, 'Sum', Duration.minutes(1)),
          custom(customMetrics.signalsReported, 'Sum', Duration.minutes(1)),
        ],
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'DLQ depths',
        left: Object.entries(props.deadLetterQueues).map(([name, dlq]) =>
          dlq.metricApproximateNumberOfMessagesVisible({
            label: name,
            statistic: 'Maximum',
            period: Duration.minutes(1),
          }),
        ),
      }),
      new GraphWidget({
        title: 'Shard messages and parse failures %',
        left: [custom(customMetrics.venueMessages, 'Sum', Duration.minutes(1))],
        right: [parseFailurePercent],
      }),
      new GraphWidget({ title: 'Price staleness (ms, max)', left: [staleness] }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'Worker heartbeats', left: [heartbeats] }),
      new GraphWidget({ title: 'Egress tunnel tasks running', left: [egressTasks] }),
      new SingleValueWidget({
        title: 'Bankroll (micros) and drawdown (bps)',
        metrics: [custom(customMetrics.bankrollMicros, 'Average'), drawdown],
      }),
      new GraphWidget({
        title: 'Lambda errors',
        left: Object.entries(props.functions).map(([name, fn]) =>
          fn.metricErrors({ label: name, period: FIVE_MINUTES }),
        ),
      }),
    );
  }
}
