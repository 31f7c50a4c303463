import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { customMetrics, metricsNamespace, serviceNames } from '#config/metrics';
import type { EgressDispatcher, EligibilityGate } from './types.ts';

/**
 * Publishes the egress client's metrics as EMF under service `egress` (shared/config/metrics.ts), whatever process
 * runs it, so the observability stack's alarms see every process: the egress in use, failovers since the last call,
 * the last probe latency through it, and `VenueIneligible` per venue. Call it on a timer and on every gate change:
 * the alarm keeps its state between datapoints.
 */
export function createEgressMetricsPublisher(opts: {
  egress?: EgressDispatcher;
  gate?: EligibilityGate;
  metrics?: Metrics;
}): () => void {
  const metrics = opts.metrics ?? new Metrics({ namespace: metricsNamespace, serviceName: serviceNames.egress });
  let failoversSent = 0;
  return () => {
    if (opts.egress) {
      const snapshot = opts.egress.metrics();
      metrics.addMetric(customMetrics.egressActiveIndex.name, MetricUnit.NoUnit, snapshot.active?.index ?? -1);
      metrics.addMetric(customMetrics.egressFailovers.name, MetricUnit.Count, snapshot.failovers - failoversSent);
      failoversSent = snapshot.failovers;
      const latency = snapshot.proxies.find((p) => p.index === snapshot.active?.index)?.lastProbeLatencyMs;
      if (latency !== undefined) {
        metrics.addMetric(customMetrics.egressProbeLatency.name, MetricUnit.Milliseconds, latency);
      }
      metrics.publishStoredMetrics();
    }
    for (const state of opts.gate?.states() ?? []) {
      const single = metrics.singleMetric();
      single.addDimension('venue', state.venue);
      single.addMetric(customMetrics.venueIneligible.name, MetricUnit.NoUnit, state.eligible ? 0 : 1);
    }
  };
}
