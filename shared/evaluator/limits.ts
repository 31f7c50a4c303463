import type { EvaluatorConfig } from '#config/env';
import type { RiskLimits } from '#domain/risk/index';

export function riskLimitsFrom(config: EvaluatorConfig): RiskLimits {
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
