import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { ApiError } from '../../shared/api/errors.ts';
import type { Principal, Role } from '../../shared/api/principal.ts';
import { roleSchema } from '../../shared/api/principal.ts';

/** The claims the HTTP API JWT authorizer (or the local server) puts on the event. */
const claimsSchema = z.object({ sub: z.string().min(1).max(256), role: roleSchema });

interface AuthorizerContext {
  authorizer?: { jwt?: { claims?: Record<string, unknown> } };
}

/** Reads the verified caller; 401 when there is none, 403 when its role is not allowed here. */
export function principalOf(event: APIGatewayProxyEventV2, allowed: readonly Role[]): Principal {
  const claims = (event.requestContext as AuthorizerContext).authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string' || claims.sub.length === 0) {
    throw new ApiError(401, 'unauthorized', 'a valid bearer token is required');
  }
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success || !allowed.includes(parsed.data.role)) {
    throw new ApiError(403, 'forbidden', 'this role may not use this route');
  }
  return { sub: parsed.data.sub, role: parsed.data.role };
}
