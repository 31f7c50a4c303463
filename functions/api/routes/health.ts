import { cacheProbe, idempotencyTableProbe, queueProbe } from '../../../shared/adapters/health-probes.ts';
import type { ApiDeps } from '../../../shared/api/deps.ts';
import { checkHealth } from '../../../shared/api/health.ts';
import { json } from '../request.ts';
import { publicRoute, type RouteEntry } from '../route.ts';

/** Health needs no token: load balancers and uptime checks call it. Only `detailed` names dependencies. */
export function healthRoutes(deps: ApiDeps): RouteEntry[] {
  const { database } = deps;
  const all = [
    database,
    cacheProbe(deps.priceCache),
    queueProbe(deps.sqs, deps.browserJobsQueueUrl),
    idempotencyTableProbe(deps.dynamo, deps.idempotencyTable),
  ];
  return [
    publicRoute('GET', '/health', async () => json(200, { status: 'ok' })),
    publicRoute('GET', '/health/live', async () => json(200, { status: 'ok' })),
    publicRoute('GET', '/health/ready', async () => {
      const report = await checkHealth([database]);
      return json(report.status === 'down' ? 503 : 200, report);
    }),
    publicRoute('GET', '/health/detailed', async () => {
      const report = await checkHealth(all);
      return json(report.status === 'down' ? 503 : 200, report);
    }),
  ];
}
