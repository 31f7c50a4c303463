import type { ApiDeps } from '../../../shared/api/deps.ts';
import type { Role } from '../../../shared/api/principal.ts';
import { getWorker, heartbeat, listAllWorkers, register } from '../../../shared/api/workers.ts';
import { idParamsSchema } from '../../../shared/contracts/api/common.ts';
import {
  heartbeatBodySchema,
  listWorkersQuerySchema,
  registerWorkerBodySchema,
} from '../../../shared/contracts/api/workers.ts';
import { json, jsonBody, pathParams, queryParams } from '../request.ts';
import { type RouteEntry, route } from '../route.ts';

/** Workers register and beat with their own role; admins (and workers) may look at the fleet. */
const workerOnly: readonly Role[] = ['worker'];
const fleetReaders: readonly Role[] = ['worker', 'admin'];

export function workerRoutes(deps: ApiDeps): RouteEntry[] {
  return [
    route('POST', '/v1/workers/register', workerOnly, async (event, actor) =>
      json(201, await register(deps, actor, jsonBody(event, registerWorkerBodySchema))),
    ),
    route('POST', '/v1/workers/{id}/heartbeat', workerOnly, async (event, actor) => {
      const { id } = pathParams(event, idParamsSchema);
      return json(200, await heartbeat(deps, actor, id, jsonBody(event, heartbeatBodySchema)));
    }),
    route('GET', '/v1/workers', fleetReaders, async (event) =>
      json(200, await listAllWorkers(deps, queryParams(event, listWorkersQuerySchema))),
    ),
    route('GET', '/v1/workers/{id}', fleetReaders, async (event) =>
      json(200, await getWorker(deps, pathParams(event, idParamsSchema).id)),
    ),
  ];
}
