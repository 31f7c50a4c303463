import { gameIdFor, teamIdFor } from '#contracts/ids';
import type { GameStateEvent, KalshiMarketInfo, PolymarketMarketInfo } from '#domain/feed/events';
import type { Sport } from '#domain/win-probability';
import {
  type MatchedGame,
  type MatchGameInput,
  matchMarkets,
  type UnmatchedMarket,
} from '../../shared/domain/matching/match.ts';
import type { ShardGameSpec } from '../../shared/domain/shard/state.ts';

export interface DiscoveredGames {
  games: (ShardGameSpec & { matched: MatchedGame<Sport> })[];
  unmatched: UnmatchedMarket[];
}

/**
 * What discovery has seen (ESPN games, Kalshi markets, Gamma markets), paired by the matcher each time something
 * new arrives; an ESPN poll or a discovery page that brings nothing new costs a lookup, not a match.
 */
export function createDiscovery() {
  const games = new Map<string, MatchGameInput<Sport>>();
  const kalshi = new Map<string, KalshiMarketInfo>();
  const polymarket = new Map<string, PolymarketMarketInfo>();
  const none: DiscoveredGames = { games: [], unmatched: [] };

  const match = (): DiscoveredGames => {
    const result = matchMarkets({
      games: [...games.values()],
      kalshi: [...kalshi.values()],
      polymarket: [...polymarket.values()],
    });
    return {
      games: result.games
        .filter((g) => g.markets.length > 0)
        .map((g) => {
          const input = games.get(`${g.sport}|${g.espnEventId}`) as MatchGameInput<Sport>;
          return {
            gameId: gameIdFor(g.sport, g.espnEventId),
            sport: g.sport,
            espnEventId: g.espnEventId,
            startsAtMs: input.startsAtMs,
            home: { abbreviation: g.home, teamId: teamIdFor(g.sport, g.home) },
            away: { abbreviation: g.away, teamId: teamIdFor(g.sport, g.away) },
            markets: g.markets,
            matched: g,
          };
        }),
      unmatched: result.unmatched,
    };
  };

  return {
    espn(events: readonly GameStateEvent[]): DiscoveredGames {
      let added = false;
      for (const ev of events) {
        const key = `${ev.sport}|${ev.espnEventId}`;
        if (games.has(key)) continue;
        games.set(key, {
          sport: ev.sport,
          espnEventId: ev.espnEventId,
          startsAtMs: ev.startsAtMs,
          home: ev.home.abbreviation,
          away: ev.away.abbreviation,
        });
        added = true;
      }
      return added ? match() : none;
    },
    kalshi(markets: readonly KalshiMarketInfo[]): DiscoveredGames {
      let added = false;
      for (const m of markets) {
        if (kalshi.has(m.ticker)) continue;
        kalshi.set(m.ticker, m);
        added = true;
      }
      return added ? match() : none;
    },
    polymarket(markets: readonly PolymarketMarketInfo[]): DiscoveredGames {
      let added = false;
      for (const m of markets) {
        if (polymarket.has(m.conditionId)) continue;
        polymarket.set(m.conditionId, m);
        added = true;
      }
      return added ? match() : none;
    },
  };
}
