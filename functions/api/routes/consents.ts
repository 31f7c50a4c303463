import { grantConsent, listUserConsents, withdrawConsent } from '../../../shared/api/consents.ts';
import type { ApiDeps } from '../../../shared/api/deps.ts';
import { atLeast } from '../../../shared/api/principal.ts';
import { idParamsSchema } from '../../../shared/contracts/api/common.ts';
import { createConsentBodySchema, listConsentsQuerySchema } from '../../../shared/contracts/api/consents.ts';
import { json, jsonBody, pathParams, queryParams } from '../request.ts';
import { type RouteEntry, route } from '../route.ts';

const roles = atLeast('trader');

export function consentRoutes(deps: ApiDeps): RouteEntry[] {
  return [
    route('POST', '/v1/consents', roles, async (event, actor) =>
      json(201, await grantConsent(deps, actor, jsonBody(event, createConsentBodySchema))),
    ),
    route('GET', '/v1/consents', roles, async (event, actor) =>
      json(200, await listUserConsents(deps, actor.sub, queryParams(event, listConsentsQuerySchema))),
    ),
    route('DELETE', '/v1/consents/{id}', roles, async (event, actor) =>
      json(200, await withdrawConsent(deps, actor, pathParams(event, idParamsSchema).id)),
    ),
  ];
}
