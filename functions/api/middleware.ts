import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError } from '../../shared/api/errors.ts';
import type { ErrorBody } from '../../shared/contracts/api/common.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { ConflictError, InvalidInputError, StoreUnavailableError } from '../../shared/ports/errors.ts';
import { json } from './request.ts';

function errorJson(statusCode: number, code: string, message: string, details: readonly unknown[] = []) {
  const body: ErrorBody = { error: { code, message, details } };
  return json(statusCode, body);
}

/**
 * Maps any error to the DESIGN.md section 7 shape: the API's own errors, then the stores' application errors (the
 * adapters translate their drivers' codes into these). Internal messages never reach the caller.
 */
export function toErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ApiError) return errorJson(error.statusCode, error.code, error.message, error.details);
  if (error instanceof InvalidInputError) return errorJson(400, 'invalid_request', 'invalid input');
  if (error instanceof ConflictError) return errorJson(409, 'conflict', 'the record conflicts with an existing one');
  if (error instanceof StoreUnavailableError) {
    return errorJson(503, 'unavailable', 'a dependency is unavailable, retry later');
  }
  return errorJson(500, 'internal_error', 'internal error');
}

export function errorResponses(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    name: 'errorResponses',
    onError: (request) => {
      const response = toErrorResponse(request.error);
      if (response.statusCode !== undefined && response.statusCode >= 500) {
        logger.error('request failed', { error: request.error as Error });
      }
      request.response = response;
    },
  };
}

/** Rejects bodies over the limit before routing, so no route ever sees one. */
export function bodyLimit(check: (event: APIGatewayProxyEventV2) => void): MiddlewareObj<APIGatewayProxyEventV2> {
  return { name: 'bodyLimit', before: (request) => check(request.event) };
}

/**
 * Tags every log line with the API Gateway request id. Set directly rather than by a JMESPath correlationIdPath, which
 * would pull in @aws-lambda-powertools/jmespath for one fixed path.
 */
export function correlationId(): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    name: 'correlationId',
    before: (request) => logger.setCorrelationId(request.event.requestContext.requestId),
  };
}

/** Counts requests, client errors and server errors; runs after `errorResponses` has turned an error into a response. */
export function requestMetrics(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const count = (response: APIGatewayProxyStructuredResultV2 | null) => {
    const status = response?.statusCode ?? 500;
    metrics.addMetric('ApiRequests', MetricUnit.Count, 1);
    if (status >= 500) metrics.addMetric('ApiServerErrors', MetricUnit.Count, 1);
    else if (status >= 400) metrics.addMetric('ApiClientErrors', MetricUnit.Count, 1);
  };
  return {
    name: 'requestMetrics',
    after: (request) => count(request.response),
    onError: (request) => count(request.response),
  };
}
