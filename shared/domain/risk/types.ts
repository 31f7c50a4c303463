import type { Side, Venue } from '#contracts/common';
import type { MoneyMicros, PriceMicros, QuantityHundredths } from '../units.ts';

/** Why a candidate was turned down, in the order the evaluator checks. */
export const rejectionReasons = [
  'kill_switch_engaged',
  'depth_empty',
  'depth_quantity_invalid',
  'depth_not_ascending',
  'market_not_open',
  'game_not_live',
  'arbitrage_same_venue',
  'arbitrage_legs_mismatched',
  'arbitrage_not_hedged',
  'price_off_tick',
  'price_from_future',
  'price_stale',
  'edge_below_minimum',
  'cooldown_active',
  'daily_loss_limit',
  'market_exposure_limit',
  'game_exposure_limit',
  'total_exposure_limit',
  'size_below_venue_minimum',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export interface RiskLimits {
  staleAfterMs: number;
  /** How far a producer's clock may run ahead of ours before its stamps are refused as from the future. */
  maxClockSkewMs: number;
  minEdgeBps: number;
  cooldownMs: number;
  kellyFraction: number;
  maxExposurePerMarketMicros: number;
  maxExposurePerGameMicros: number;
  maxTotalExposureMicros: number;
  dailyLossLimitMicros: number;
  /** Contracts one order may buy, whatever they cost: a near-free price cannot buy an unbounded number. */
  maxContractsPerOrder: number;
  /** Open contracts one market may hold, both sides together, whatever they cost. */
  maxContractsPerMarket: number;
}

/** A market side: the cooldown is kept per market side, exposure per market (both sides). */
export interface MarketSideKey {
  venue: string;
  venueMarketId: string;
  side: string;
}

export function marketSideKey(k: MarketSideKey): string {
  return `${k.venue}|${k.venueMarketId}|${k.side}`;
}

export function marketKey(k: Omit<MarketSideKey, 'side'>): string {
  return `${k.venue}|${k.venueMarketId}`;
}

/** What risk needs to know, loaded once per batch and updated in memory as the batch accepts signals. */
export interface RiskState {
  killSwitchEngaged: boolean;
  bankrollMicros: MoneyMicros;
  /** Open cost basis (price and fees) per market (`marketKey`). */
  exposureByMarketMicros: Map<string, MoneyMicros>;
  /** Open contracts per market (`marketKey`), in hundredths, both sides and unfilled live orders included. */
  contractsByMarket: Map<string, QuantityHundredths>;
  exposureByGameMicros: Map<string, MoneyMicros>;
  totalExposureMicros: MoneyMicros;
  /** Realized P&L since the start of the current UTC day (negative = loss). */
  realizedPnlTodayMicros: MoneyMicros;
  /** When a signal on the market side was last accepted. */
  lastAcceptedAtMs: Map<string, number>;
}

/** One leg bought: its quantity (hundredths), what it cost at the book, and the venue's fee. */
export interface LegFill {
  venue: Venue;
  venueMarketId: string;
  side: Side;
  quantity: QuantityHundredths;
  costMicros: MoneyMicros;
  feeMicros: MoneyMicros;
  /** Volume-weighted price in micros, rounded up: never better than the book. */
  averagePriceMicros: PriceMicros;
  /** The worst level touched: the limit price of the order. */
  limitPriceMicros: PriceMicros;
}

export type Decision =
  | { status: 'accepted'; edgeBps: number; fills: LegFill[]; totalCostMicros: MoneyMicros }
  | { status: 'rejected'; edgeBps: number; reason: RejectionReason };
