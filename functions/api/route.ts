import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Actor, Role } from '../../shared/api/principal.ts';
import { principalOf } from './auth.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteResult = APIGatewayProxyStructuredResultV2;
type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<RouteResult>;

/** One entry of the route table, in the shape @middy/http-router takes. */
export interface RouteEntry {
  method: Method;
  path: string;
  handler: RouteHandler;
}

/** A route anyone may call (health). */
export function publicRoute(method: Method, path: string, run: RouteHandler): RouteEntry {
  return { method, path, handler: run };
}

/** A route for callers whose role is in `roles`; the caller comes with the request id for the audit log. */
export function route(
  method: Method,
  path: string,
  roles: readonly Role[],
  run: (event: APIGatewayProxyEventV2, actor: Actor) => Promise<RouteResult>,
): RouteEntry {
  return {
    method,
    path,
    handler: (event) => {
      const principal = principalOf(event, roles);
      return run(event, { ...principal, requestId: event.requestContext.requestId });
    },
  };
}
