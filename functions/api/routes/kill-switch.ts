import type { ApiDeps } from '../../../shared/api/deps.ts';
import { getKillSwitch, setKillSwitch } from '../../../shared/api/kill-switch.ts';
import { atLeast } from '../../../shared/api/principal.ts';
import { putKillSwitchBodySchema } from '../../../shared/contracts/api/kill-switch.ts';
import { json, jsonBody } from '../request.ts';
import { type RouteEntry, route } from '../route.ts';

const roles = atLeast('admin');

export function killSwitchRoutes(deps: ApiDeps): RouteEntry[] {
  return [
    route('GET', '/v1/kill-switch', roles, async () => json(200, await getKillSwitch(deps))),
    route('PUT', '/v1/kill-switch', roles, async (event, actor) =>
      json(200, await setKillSwitch(deps, actor, jsonBody(event, putKillSwitchBodySchema))),
    ),
  ];
}
