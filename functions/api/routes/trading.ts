import type { ApiDeps } from '../../../shared/api/deps.ts';
import { atLeast } from '../../../shared/api/principal.ts';
import * as trading from '../../../shared/api/trading.ts';
import * as q from '../../../shared/contracts/api/trading.ts';
import { json, queryParams } from '../request.ts';
import { type RouteEntry, route } from '../route.ts';

/** Trading data is deployment-wide: any viewer reads all of it. */
const roles = atLeast('viewer');

export function tradingRoutes(deps: ApiDeps): RouteEntry[] {
  return [
    route('GET', '/v1/signals', roles, async (event) =>
      json(200, await trading.listSignals(deps, queryParams(event, q.listSignalsQuerySchema))),
    ),
    route('GET', '/v1/trades', roles, async (event) =>
      json(200, await trading.listTrades(deps, queryParams(event, q.listTradesQuerySchema))),
    ),
    route('GET', '/v1/positions', roles, async (event) =>
      json(200, await trading.listPositions(deps, queryParams(event, q.listPositionsQuerySchema))),
    ),
    route('GET', '/v1/bankroll', roles, async (event) =>
      json(200, await trading.listBankroll(deps, queryParams(event, q.listBankrollQuerySchema))),
    ),
    route('GET', '/v1/bankroll/history', roles, async (event) =>
      json(200, await trading.listBankrollHistory(deps, queryParams(event, q.bankrollHistoryQuerySchema))),
    ),
    route('GET', '/v1/games', roles, async (event) =>
      json(200, await trading.listGames(deps, queryParams(event, q.listGamesQuerySchema))),
    ),
    route('GET', '/v1/markets', roles, async (event) =>
      json(200, await trading.listMarkets(deps, queryParams(event, q.listMarketsQuerySchema))),
    ),
  ];
}
