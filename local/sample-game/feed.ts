import { venueSettlementRules } from '#domain/settlement/index';
import type { GameSpec } from '../../containers/game-shard/register-game.ts';
import type { ObservedGameState, SideBook } from '../../shared/domain/shard/tick.ts';
import type { Scenario, ScenarioTick } from './scenario.ts';

/**
 * The sample game as the game shard's inputs: its reference data once, then each tick's state and books. Nothing
 * is decided here; the shard's tick does that.
 */

/** Our canonical form of both venues' rule: the winner of the game, overtime included. */
export const SAMPLE_RESOLUTION_KEY = 'moneyline:incl_ot';

/** The venues quote in whole cents. */
const CENT_TICK_MICROS = 10_000;

/**
 * The game, its teams and its markets: Kalshi's market on the home team (both sides bought) and Polymarket's two
 * outcome tokens (YES of each). Both venues' markets settle on the winner of the game including overtime, and both
 * wait for a postponed game to be completed, so they share one resolution key (checked by hand against the rule
 * texts in the scenario).
 */
export function sampleGameSpec(scenario: Scenario): GameSpec {
  const first = scenario.ticks[0]!.game;
  const team = (t: typeof first.home) => ({
    abbreviation: t.abbreviation,
    name: t.displayName,
    espnTeamId: t.espnTeamId,
  });
  return {
    sport: scenario.sport,
    espnEventId: first.espnEventId,
    startsAtMs: first.startsAtMs,
    home: team(first.home),
    away: team(first.away),
    pregameHomeWinProbability: scenario.pregameHomeWinProbability,
    markets: [
      {
        venue: 'kalshi',
        venueMarketId: scenario.kalshi.ticker,
        yesTeam: scenario.kalshi.yesTeam,
        title: scenario.kalshi.ticker,
        resolutionRule: scenario.kalshi.rules,
        resolutionKey: SAMPLE_RESOLUTION_KEY,
        tickSizeMicros: CENT_TICK_MICROS,
        fee: scenario.kalshi.fee,
        settlement: venueSettlementRules.kalshi,
        minOrderQuantity: scenario.kalshi.minOrderHundredths,
        buy: ['yes', 'no'],
      },
      ...Object.entries(scenario.polymarket.tokenIdByTeam).map(([team, tokenId]) => ({
        venue: 'polymarket' as const,
        venueMarketId: tokenId,
        yesTeam: team,
        title: `${scenario.polymarket.conditionId} ${team}`,
        resolutionRule: scenario.polymarket.rules,
        resolutionKey: SAMPLE_RESOLUTION_KEY,
        tickSizeMicros: CENT_TICK_MICROS,
        fee: scenario.polymarket.fee,
        settlement: venueSettlementRules.polymarket,
        minOrderQuantity: scenario.polymarket.minOrderHundredths,
        buy: ['yes' as const],
      })),
    ],
  };
}

/** The tick's books, each dated `observedAtMs`; a venue that stopped quoting has none. */
export function sampleBooks(scenario: Scenario, tick: ScenarioTick, observedAtMs: number): SideBook[] {
  const books: SideBook[] = [];
  if (tick.kalshi) {
    for (const side of ['yes', 'no'] as const) {
      books.push({
        venue: 'kalshi',
        venueMarketId: scenario.kalshi.ticker,
        side,
        book: tick.kalshi[side],
        observedAtMs,
      });
    }
  }
  for (const [team, book] of Object.entries(tick.polymarket ?? {})) {
    const tokenId = scenario.polymarket.tokenIdByTeam[team];
    if (tokenId) books.push({ venue: 'polymarket', venueMarketId: tokenId, side: 'yes', book, observedAtMs });
  }
  return books;
}

export function sampleGameState(tick: ScenarioTick, observedAtMs: number): ObservedGameState {
  const { game } = tick;
  return {
    observedAtMs,
    status: game.status,
    period: game.period,
    clockSeconds: game.clockSeconds,
    secondsRemaining: game.secondsRemaining,
    homeScore: game.home.score,
    awayScore: game.away.score,
  };
}
