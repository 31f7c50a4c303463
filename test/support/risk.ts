import type { MarketFacts, RiskLimits, RiskState } from '#domain/risk/index';
import { venueSettlementRules } from '#domain/settlement/index';

/** Limits the worked examples are computed against (the config's defaults today, pinned here on purpose). */
export const defaultLimits: RiskLimits = {
  staleAfterMs: 30_000,
  maxClockSkewMs: 2_000,
  minEdgeBps: 200,
  cooldownMs: 60_000,
  kellyFraction: 0.25,
  maxExposurePerMarketMicros: 250_000_000,
  maxExposurePerGameMicros: 500_000_000,
  maxTotalExposureMicros: 2_000_000_000,
  dailyLossLimitMicros: 200_000_000,
  maxContractsPerOrder: 5_000,
  maxContractsPerMarket: 20_000,
};

/** A risk state as tests write it, in plain numbers. */
export interface RiskStateInput {
  killSwitchEngaged: boolean;
  bankrollMicros: number;
  exposureByMarketMicros: Map<string, number>;
  contractsByMarket: Map<string, number>;
  exposureByGameMicros: Map<string, number>;
  totalExposureMicros: number;
  realizedPnlTodayMicros: number;
  lastAcceptedAtMs: Map<string, number>;
}

/**
 * A clean risk state: $1,000 bankroll, no exposure, no history. Typed as loaded without being checked: tests hand
 * the domain states a store would never build (a NaN bankroll) on purpose.
 */
export function riskState(overrides: Partial<RiskStateInput> = {}): RiskState {
  const state: RiskStateInput = {
    killSwitchEngaged: false,
    bankrollMicros: 1_000_000_000,
    exposureByMarketMicros: new Map(),
    contractsByMarket: new Map(),
    exposureByGameMicros: new Map(),
    totalExposureMicros: 0,
    realizedPnlTodayMicros: 0,
    lastAcceptedAtMs: new Map(),
    ...overrides,
  };
  return state as RiskState;
}

/** Our record of an open market of a live game on the cent grid, paying on DEN, with Kalshi's settlement rule. */
export function marketFacts(overrides: Partial<MarketFacts> = {}): MarketFacts {
  return {
    open: true,
    gameLive: true,
    tickSizeMicros: 10_000,
    settlement: venueSettlementRules.kalshi,
    resolutionKey: 'moneyline:incl_ot',
    outcomeTeamId: 'DEN',
    ...overrides,
  };
}
