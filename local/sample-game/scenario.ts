import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseEspnScoreboard } from '#adapters/venues/espn/wire';
import { kalshiBooks, parseKalshiOrderbookResponse } from '#adapters/venues/kalshi/wire';
import { parsePolymarketBook, parsePolymarketFeeSchedule } from '#adapters/venues/polymarket/wire';
import type { FeeSchedule } from '#contracts/signal-candidate';
import { type OrderBook, parseHundredths } from '#domain';
import type { GameStateEvent } from '#domain/feed/events';

/** The sample game `npm start` replays: venue messages in their wire formats, one tick at a time. */
const scenarioSchema = z.object({
  description: z.string(),
  sport: z.enum(['nba', 'nfl']),
  pregameHomeWinProbability: z.number().gt(0).lt(1),
  kalshi: z.object({
    ticker: z.string(),
    eventTicker: z.string(),
    yesTeam: z.string(),
    rulesPrimary: z.string(),
    feeMultiplier: z.number().positive(),
    minOrderQuantity: z.string(),
  }),
  polymarket: z.object({
    conditionId: z.string(),
    question: z.string(),
    outcomes: z.tuple([z.string(), z.string()]),
    tokenIds: z.tuple([z.string(), z.string()]),
    outcomeTeams: z.tuple([z.string(), z.string()]),
    description: z.string(),
    feeSchedule: z.unknown(),
    orderMinSize: z.string(),
  }),
  ticks: z.array(
    z.object({
      atMs: z.number().int(),
      espnScoreboard: z.unknown(),
      kalshiOrderbook: z.unknown().optional(),
      polymarketBooks: z.array(z.unknown()).optional(),
    }),
  ),
});

export interface ScenarioTick {
  atMs: number;
  game: GameStateEvent;
  /** Books per team abbreviation's YES ("DEN wins") and NO; absent once the venues stop quoting. */
  kalshi?: { yes: OrderBook; no: OrderBook };
  /** Polymarket books per outcome team abbreviation. */
  polymarket?: Record<string, OrderBook>;
}

export interface Scenario {
  description: string;
  sport: 'nba' | 'nfl';
  pregameHomeWinProbability: number;
  kalshi: { ticker: string; yesTeam: string; rules: string; fee: FeeSchedule; minOrderHundredths: number };
  polymarket: {
    conditionId: string;
    tokenIdByTeam: Record<string, string>;
    rules: string;
    fee: FeeSchedule;
    minOrderHundredths: number;
  };
  ticks: ScenarioTick[];
}

export function loadScenario(path: string): Scenario {
  const raw = scenarioSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const [teamA, teamB] = raw.polymarket.outcomeTeams;
  const [tokenA, tokenB] = raw.polymarket.tokenIds;
  const teamByToken = new Map([
    [tokenA, teamA],
    [tokenB, teamB],
  ]);
  return {
    description: raw.description,
    sport: raw.sport,
    pregameHomeWinProbability: raw.pregameHomeWinProbability,
    kalshi: {
      ticker: raw.kalshi.ticker,
      yesTeam: raw.kalshi.yesTeam,
      rules: raw.kalshi.rulesPrimary,
      // We buy as takers; the series' multiplier scales Kalshi's published rate.
      fee: { venue: 'kalshi', liquidity: 'taker', multiplier: raw.kalshi.feeMultiplier },
      minOrderHundredths: parseHundredths(raw.kalshi.minOrderQuantity),
    },
    polymarket: {
      conditionId: raw.polymarket.conditionId,
      tokenIdByTeam: { [teamA]: tokenA, [teamB]: tokenB },
      rules: raw.polymarket.description,
      fee: parsePolymarketFeeSchedule(raw.polymarket.feeSchedule),
      minOrderHundredths: parseHundredths(raw.polymarket.orderMinSize),
    },
    ticks: raw.ticks.map((t) => {
      const [game] = parseEspnScoreboard(raw.sport, t.espnScoreboard);
      if (!game) throw new RangeError(`tick at ${t.atMs} has no game in its scoreboard`);
      const polymarket = t.polymarketBooks?.map((b) => parsePolymarketBook(b));
      return {
        atMs: t.atMs,
        game,
        kalshi:
          t.kalshiOrderbook === undefined ? undefined : kalshiBooks(parseKalshiOrderbookResponse(t.kalshiOrderbook)),
        polymarket: polymarket
          ? Object.fromEntries(polymarket.map((b) => [teamByToken.get(b.assetId) ?? b.assetId, b.book]))
          : undefined,
      };
    }),
  };
}
