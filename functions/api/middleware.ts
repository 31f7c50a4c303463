import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorBody } from '../../shared/contracts/api/common.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { ApiError } from '../../shared/services/api/errors.ts';
import { json } from './request.ts';

/** Postgres SQLSTATE classes that mean "the database is unreachable or going away", not "the request was wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated/i.test(message);
}

function errorJson(statusCode: number, code: string, message: string, details: readonly unknown[] = []) {
  const body: ErrorBody = { error: { code, message, details } };
  return json(statusCode, body);
}

/** Maps any error to the DESIGN.md section 7 shape. Internal messages never reach the caller. */
export function toErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ApiError) return errorJson(error.statusCode, error.code, error.message, error.details);
  const code = errorCode(error);
  // Data exceptions (class 22) can only come from input that slipped past validation, such as a forged cursor key.
  if (code?.startsWith('22')) return errorJson(400, 'invalid_request', 'invalid input');
  if (code === '23505') return errorJson(409, 'conflict', 'the record conflicts with an existing one');
  if (isUnavailable(error)) return errorJson(503, 'unavailable', 'a dependency is unavailable, retry later');
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
