import type {
  BankrollHistoryQuery,
  ListBankrollQuery,
  ListGamesQuery,
  ListMarketsQuery,
  ListPositionsQuery,
  ListSignalsQuery,
  ListTradesQuery,
} from '../contracts/api/trading.ts';
import { surebetSignalDetailsSchema } from '../contracts/surebet-signal.ts';
import { decodeCursor, page } from './cursor.ts';
import type { ApiDeps } from './deps.ts';

/** Deployment-wide trading data, read-only, in camelCase with units in the field names. */
const byTime = (row: { cursor_key: string; id: string }) => ({ k: row.cursor_key, id: row.id });
const iso = (at: Date | null) => at?.toISOString() ?? null;
/** A sportsbook venue is `sportsbook:<slug>`; place_bet names the book by its slug. */
const SPORTSBOOK_PREFIX = 'sportsbook:';

/**
 * A surebet signal as a user acts on it: each sportsbook leg with the place_bet job it asks for (the user adds the
 * session and the event's URL), never placed by the evaluator.
 */
function surebetView(details: unknown) {
  const d = surebetSignalDetailsSchema.parse(details);
  return {
    eventKey: d.eventKey,
    market: d.market,
    gameId: d.gameId,
    marginBps: d.marginBps,
    totalStakeMicros: d.totalStakeMicros,
    claimedProfitMicros: d.claimedProfitMicros,
    guaranteedPayoutMicros: d.guaranteedPayoutMicros,
    guaranteedProfitMicros: d.guaranteedProfitMicros,
    priceObservedAt: new Date(d.priceObservedAtMs).toISOString(),
    legs: d.legs.map((leg) =>
      leg.kind === 'sportsbook'
        ? {
            ...leg,
            placeBet: {
              sportsbook: leg.venue.slice(SPORTSBOOK_PREFIX.length),
              selection: leg.selection,
              stakeMicros: leg.stakeMicros,
              minAmericanOdds: leg.americanOdds,
            },
          }
        : leg,
    ),
  };
}

export async function listSignals(deps: ApiDeps, q: ListSignalsQuery) {
  const rows = await deps.store.trading.listSignals({ ...q, after: decodeCursor(q.cursor) });
  return page(
    rows,
    q.limit,
    (r) => ({
      id: r.id,
      candidateId: r.candidate_id,
      decision: r.decision,
      reason: r.reason,
      kind: r.kind,
      mode: r.mode,
      edgeBps: r.edge_bps,
      winProbability: r.win_probability,
      sizeHundredths: r.size_hundredths,
      stakeMicros: r.stake_micros,
      surebet: r.surebet === null ? null : surebetView(r.surebet),
      decidedAt: r.decided_at.toISOString(),
    }),
    byTime,
  );
}

export async function listTrades(deps: ApiDeps, q: ListTradesQuery) {
  const rows = await deps.store.trading.listTrades({ ...q, after: decodeCursor(q.cursor) });
  return page(
    rows,
    q.limit,
    (r) => ({
      id: r.id,
      signalId: r.signal_id,
      orderId: r.order_id,
      marketId: r.market_id,
      side: r.side,
      action: r.action,
      quantityHundredths: r.quantity_hundredths,
      priceMicros: r.price_micros,
      // What the bankroll paid for the trade, fee apart: the price is a rounded-up average, the cost is exact.
      costMicros: r.cost_micros,
      feeMicros: r.fee_micros,
      executedAt: r.executed_at.toISOString(),
    }),
    byTime,
  );
}

export async function listPositions(deps: ApiDeps, q: ListPositionsQuery) {
  const rows = await deps.store.trading.listPositions({ ...q, after: decodeCursor(q.cursor) });
  return page(
    rows,
    q.limit,
    (r) => ({
      id: r.id,
      marketId: r.market_id,
      side: r.side,
      mode: r.mode,
      quantityHundredths: r.quantity_hundredths,
      costMicros: r.cost_micros,
      feesMicros: r.fees_micros,
      status: r.status,
      realizedPnlMicros: r.realized_pnl_micros,
      openedAt: r.opened_at.toISOString(),
      settledAt: iso(r.settled_at),
      openHedgeHundredths: r.open_hedge_hundredths,
      hedges: r.hedges,
    }),
    byTime,
  );
}

export async function listBankroll(deps: ApiDeps, q: ListBankrollQuery) {
  const rows = await deps.store.trading.listBankrolls({ ...q, after: decodeCursor(q.cursor) });
  return page(
    rows,
    q.limit,
    (r) => ({
      account: r.account,
      mode: r.mode,
      balanceMicros: r.balance_micros,
      version: r.version,
      updatedAt: r.updated_at.toISOString(),
    }),
    (r) => ({ k: r.account, id: r.mode }),
  );
}

/** One bankroll's balance after each change, oldest first: the chart of the bankroll over time. */
export async function listBankrollHistory(deps: ApiDeps, q: BankrollHistoryQuery) {
  const rows = await deps.store.trading.listBankrollHistory({ ...q, after: decodeCursor(q.cursor) });
  return page(
    rows,
    q.limit,
    (r) => ({
      account: r.account,
      mode: r.mode,
      balanceMicros: r.balance_micros,
      deltaMicros: r.delta_micros,
      version: r.version,
      reason: r.reason,
      ref: r.ref,
      at: r.at.toISOString(),
    }),
    (r) => ({ k: String(r.id), id: String(r.version) }),
  );
}

export async function listGames(deps: ApiDeps, q: ListGamesQuery) {
  const rows = await deps.store.trading.listGames({ ...q, after: decodeCursor(q.cursor) });
  return page(
    rows,
    q.limit,
    (r) => ({
      id: r.id,
      sport: r.sport,
      status: r.status,
      startsAt: r.starts_at.toISOString(),
      homeTeam: { id: r.home_team_id, abbreviation: r.home_abbreviation, name: r.home_name },
      awayTeam: { id: r.away_team_id, abbreviation: r.away_abbreviation, name: r.away_name },
      winnerTeamId: r.winner_team_id,
      espnEventId: r.espn_event_id,
    }),
    byTime,
  );
}

export async function listMarkets(deps: ApiDeps, q: ListMarketsQuery) {
  const rows = await deps.store.trading.listMarkets({ ...q, after: decodeCursor(q.cursor) });
  return page(
    rows,
    q.limit,
    (r) => ({
      id: r.id,
      venue: r.venue,
      venueMarketId: r.venue_market_id,
      gameId: r.game_id,
      outcomeTeamId: r.outcome_team_id,
      title: r.title,
      yesMeaning: r.yes_meaning,
      resolutionKey: r.resolution_key,
      status: r.status,
      settledOutcome: r.settled_outcome,
      tickSizeMicros: r.tick_size_micros,
      closesAt: iso(r.closes_at),
    }),
    byTime,
  );
}
