import type { ApiDeps } from '../../../shared/api/deps.ts';
import { putMarketSettlement } from '../../../shared/api/market-settlement.ts';
import { atLeast } from '../../../shared/api/principal.ts';
import { idParamsSchema } from '../../../shared/contracts/api/common.ts';
import { putMarketSettlementBodySchema } from '../../../shared/contracts/api/market-settlement.ts';
import { json, jsonBody, pathParams } from '../request.ts';
import { type RouteEntry, route } from '../route.ts';

/** Entering a venue's settlement value moves money on the next settlement run: admins only. */
const roles = atLeast('admin');

export function marketSettlementRoutes(deps: ApiDeps): RouteEntry[] {
  return [
    route('PUT', '/v1/markets/{id}/settlement', roles, async (event, actor) => {
      const { id } = pathParams(event, idParamsSchema);
      return json(200, await putMarketSettlement(deps, actor, id, jsonBody(event, putMarketSettlementBodySchema)));
    }),
  ];
}
