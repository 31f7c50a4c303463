import type { MarketSide } from '../../shared/services/scanner/find-candidates.ts';
import type { Scenario, ScenarioTick } from './scenario.ts';

/** Our canonical form of both venues' rule: the winner of the game, overtime included. */
export const SAMPLE_RESOLUTION_KEY = 'moneyline:incl_ot';

/**
 * The four buyable sides of the sample game: Kalshi YES/NO on the home team's market and Polymarket's two outcome
 * tokens. Both venues' markets settle on the winner of the game including overtime, and both wait for a postponed
 * game to be completed, so they share one resolution key (checked by hand against the rule texts in the scenario).
 */
export function marketSides(scenario: Scenario, tick: ScenarioTick, observedAtMs = tick.atMs): MarketSide[] {
  const { home, away } = tick.game;
  const resolutionKey = SAMPLE_RESOLUTION_KEY;
  const kalshiOther = scenario.kalshi.yesTeam === home.abbreviation ? away.abbreviation : home.abbreviation;
  const kalshiFee = {
    venue: 'kalshi' as const,
    liquidity: 'taker' as const,
    multiplier: scenario.kalshi.feeMultiplier,
  };
  const polymarketFee = {
    venue: 'polymarket' as const,
    rate: scenario.polymarket.feeRateBps / 10_000,
    exponent: scenario.polymarket.feeExponent,
  };
  const sides: MarketSide[] = [];
  if (tick.kalshi) {
    for (const [side, team] of [
      ['yes', scenario.kalshi.yesTeam],
      ['no', kalshiOther],
    ] as const) {
      sides.push({
        venue: 'kalshi',
        venueMarketId: scenario.kalshi.ticker,
        side,
        paysOnTeam: team,
        asks: [...tick.kalshi[side].asks],
        fee: kalshiFee,
        minOrderQuantity: scenario.kalshi.minOrderHundredths,
        resolutionKey,
        observedAtMs,
      });
    }
  }
  for (const [team, book] of Object.entries(tick.polymarket ?? {})) {
    const tokenId = scenario.polymarket.tokenIdByTeam[team];
    if (!tokenId) continue;
    sides.push({
      venue: 'polymarket',
      venueMarketId: tokenId,
      side: 'yes',
      paysOnTeam: team,
      asks: [...book.asks],
      fee: polymarketFee,
      minOrderQuantity: scenario.polymarket.minOrderHundredths,
      resolutionKey,
      observedAtMs,
    });
  }
  return sides;
}
