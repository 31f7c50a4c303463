import { gameOutcome, payoutPerContract, sidePayoutMicros } from '#domain/settlement/index';
import type { MarketSettlementView, PutMarketSettlementBody } from '../contracts/api/market-settlement.ts';
import type { VenuePayoutRow } from '../ports/api/market-settlement.ts';
import type { ApiDeps } from './deps.ts';
import { conflict, notFound } from './errors.ts';
import type { Actor } from './principal.ts';

function toView(row: VenuePayoutRow): MarketSettlementView {
  const yes = row.venue_yes_payout_micros!;
  return {
    marketId: row.market_id,
    yesPayoutMicros: yes,
    noPayoutMicros: sidePayoutMicros('no', yes),
    source: row.venue_payout_source!,
    enteredBy: row.venue_payout_entered_by!,
    enteredAt: row.venue_payout_entered_at!.toISOString(),
  };
}

/**
 * Enters the payout a venue set for a market whose own rule leaves it to the venue (a cancellation, or a postponement
 * past the window, on Kalshi); the next settlement run pays the market's positions with it. Only for a market in that
 * state, and once: the same value again is a no-op, a different one a 409 (positions may have been paid already).
 */
export function putMarketSettlement(
  deps: ApiDeps,
  actor: Actor,
  marketId: string,
  body: PutMarketSettlementBody,
): Promise<MarketSettlementView> {
  const nowMs = deps.now().getTime();
  return deps.store.transaction(async (tx) => {
    const current = await tx.venuePayouts.lock(marketId);
    if (!current) throw notFound('market');
    if (current.venue_yes_payout_micros !== null) {
      if (current.venue_yes_payout_micros === body.yesPayoutMicros) return toView(current);
      throw conflict('settlement_value_set', `market ${marketId} already has a venue payout`);
    }
    const facts = await tx.venuePayouts.facts(marketId);
    const outcome = facts && gameOutcome(facts.game, nowMs);
    if (!facts || !outcome || payoutPerContract(facts.rule, 'yes', outcome).kind !== 'venue') {
      throw conflict('not_awaiting_venue', `market ${marketId}'s own rule decides its payout, not the venue`);
    }
    const row = await tx.venuePayouts.record({
      marketId,
      yesPayoutMicros: body.yesPayoutMicros,
      source: body.source,
      enteredBy: actor.sub,
      atMs: nowMs,
    });
    if (!row) throw conflict('settlement_value_set', `market ${marketId} already has a venue payout`);
    await tx.audit.append({
      actor: actor.sub,
      action: 'market.venue_settlement',
      resourceType: 'market',
      resourceId: marketId,
      requestId: actor.requestId,
      details: { yesPayoutMicros: body.yesPayoutMicros, source: body.source },
    });
    return toView(row);
  });
}
