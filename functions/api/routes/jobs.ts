import type { ApiDeps } from '../../../shared/api/deps.ts';
import { cancelJob, getUserJob, listUserJobs, submitJob } from '../../../shared/api/jobs.ts';
import { atLeast } from '../../../shared/api/principal.ts';
import { idParamsSchema } from '../../../shared/contracts/api/common.ts';
import { createJobBodySchema, idempotencyKeySchema, listJobsQuerySchema } from '../../../shared/contracts/api/jobs.ts';
import { header, json, jsonBody, pathParams, queryParams, validate } from '../request.ts';
import { type RouteEntry, route } from '../route.ts';

const roles = atLeast('trader');

export function jobRoutes(deps: ApiDeps): RouteEntry[] {
  return [
    route('POST', '/v1/jobs', roles, async (event, actor) => {
      const key = validate(idempotencyKeySchema, header(event, 'idempotency-key'), 'Idempotency-Key header');
      const submitted = await submitJob(deps, actor, jsonBody(event, createJobBodySchema), key);
      const response = json(202, submitted.job);
      return { ...response, headers: { ...response.headers, 'idempotent-replayed': String(submitted.replayed) } };
    }),
    route('GET', '/v1/jobs', roles, async (event, actor) =>
      json(200, await listUserJobs(deps, actor.sub, queryParams(event, listJobsQuerySchema))),
    ),
    route('GET', '/v1/jobs/{id}', roles, async (event, actor) =>
      json(200, await getUserJob(deps, actor.sub, pathParams(event, idParamsSchema).id)),
    ),
    route('POST', '/v1/jobs/{id}/cancel', roles, async (event, actor) =>
      json(200, await cancelJob(deps, actor, pathParams(event, idParamsSchema).id)),
    ),
  ];
}
