import type { EvaluatorConfig } from '#config/env';
import type { RiskLimits } from '#domain/risk/index';

/** The risk thresholds of a config: the evaluator's, and an executor's that checks them again at send time. */
export type RiskConfig = Pick<
  EvaluatorConfig,
  | 'PRICE_STALE_AFTER_MS'
  | 'PRICE_MAX_CLOCK_SKEW_MS'
  | 'MIN_EDGE_BPS'
  | 'SIGNAL_COOLDOWN_MS'
  | 'KELLY_FRACTION'
  | 'MAX_EXPOSURE_PER_MARKET_MICROS'
  | 'MAX_EXPOSURE_PER_GAME_MICROS'
  | 'MAX_TOTAL_EXPOSURE_MICROS'
  | 'DAILY_LOSS_LIMIT_MICROS'
  | 'MAX_CONTRACTS_PER_ORDER'
  | 'MAX_CONTRACTS_PER_MARKET'
>;

export function riskLimitsFrom(config: RiskConfig): RiskLimits {
  return {
    staleAfterMs: config.PRICE_STALE_AFTER_MS,
    maxClockSkewMs: config.PRICE_MAX_CLOCK_SKEW_MS,
    minEdgeBps: config.MIN_EDGE_BPS,
    cooldownMs: config.SIGNAL_COOLDOWN_MS,
    kellyFraction: config.KELLY_FRACTION,
    maxExposurePerMarketMicros: config.MAX_EXPOSURE_PER_MARKET_MICROS,
    maxExposurePerGameMicros: config.MAX_EXPOSURE_PER_GAME_MICROS,
    maxTotalExposureMicros: config.MAX_TOTAL_EXPOSURE_MICROS,
    dailyLossLimitMicros: config.DAILY_LOSS_LIMIT_MICROS,
    maxContractsPerOrder: config.MAX_CONTRACTS_PER_ORDER,
    maxContractsPerMarket: config.MAX_CONTRACTS_PER_MARKET,
  };
}
