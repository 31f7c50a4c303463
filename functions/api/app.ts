import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiDeps } from '../../shared/api/deps.ts';
import { ApiError } from '../../shared/api/errors.ts';
import { withPowertools } from '../../shared/observability.ts';
import { bodyLimit, correlationId, errorResponses, requestMetrics } from './middleware.ts';
import { assertBodyWithinLimit } from './request.ts';
import { consentRoutes } from './routes/consents.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { killSwitchRoutes } from './routes/kill-switch.ts';
import { marketSettlementRoutes } from './routes/market-settlement.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { tradingRoutes } from './routes/trading.ts';
import { workerRoutes } from './routes/workers.ts';

export interface ApiHandlerOptions {
  /** middy aborts this long before the Lambda deadline; 0 in tests and local mode, where there is no deadline. */
  timeoutEarlyInMillis?: number;
}

/** The route table in the Powertools chain every handler runs in, then the API's own: request id, metrics, errors. */
export function createApiHandler(deps: ApiDeps, opts: ApiHandlerOptions = {}) {
  const routes = [
    ...healthRoutes(deps),
    ...consentRoutes(deps),
    ...sessionRoutes(deps),
    ...jobRoutes(deps),
    ...workerRoutes(deps),
    ...tradingRoutes(deps),
    ...killSwitchRoutes(deps),
    ...marketSettlementRoutes(deps),
  ];
  const router = httpRouterHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
    routes,
    notFoundResponse: ({ method, path }) => {
      throw new ApiError(404, 'not_found', `no route for ${method} ${path}`);
    },
  });
  return withPowertools(router, { timeoutEarlyInMillis: opts.timeoutEarlyInMillis ?? 5 })
    .use(correlationId())
    .use(requestMetrics())
    .use(bodyLimit(assertBodyWithinLimit))
    .use(errorResponses());
}
