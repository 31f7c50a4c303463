import type { ApiDeps } from '../../../shared/api/deps.ts';
import { atLeast } from '../../../shared/api/principal.ts';
import {
  changeSession,
  getUserSession,
  listUserSessions,
  removeSession,
  storeSession,
} from '../../../shared/api/sessions.ts';
import { idParamsSchema } from '../../../shared/contracts/api/common.ts';
import {
  createSessionBodySchema,
  listSessionsQuerySchema,
  updateSessionBodySchema,
} from '../../../shared/contracts/api/sessions.ts';
import { json, jsonBody, noContent, pathParams, queryParams } from '../request.ts';
import { type RouteEntry, route } from '../route.ts';

const roles = atLeast('trader');

export function sessionRoutes(deps: ApiDeps): RouteEntry[] {
  return [
    route('POST', '/v1/sessions', roles, async (event, actor) =>
      json(201, await storeSession(deps, actor, jsonBody(event, createSessionBodySchema))),
    ),
    route('GET', '/v1/sessions', roles, async (event, actor) =>
      json(200, await listUserSessions(deps, actor.sub, queryParams(event, listSessionsQuerySchema))),
    ),
    route('GET', '/v1/sessions/{id}', roles, async (event, actor) =>
      json(200, await getUserSession(deps, actor.sub, pathParams(event, idParamsSchema).id)),
    ),
    route('PATCH', '/v1/sessions/{id}', roles, async (event, actor) => {
      const { id } = pathParams(event, idParamsSchema);
      return json(200, await changeSession(deps, actor, id, jsonBody(event, updateSessionBodySchema)));
    }),
    route('DELETE', '/v1/sessions/{id}', roles, async (event, actor) => {
      await removeSession(deps, actor, pathParams(event, idParamsSchema).id);
      return noContent();
    }),
  ];
}
