import type { ScoreboardMemo } from '#adapters/venues/espn/scoreboard-scan';
import { parseEspnScoreboard } from '#adapters/venues/espn/wire';
import { parseKalshiMarketsResponse, parseKalshiWsFrame } from '#adapters/venues/kalshi/wire';
import { parseGammaMarkets, parsePolymarketWsFrame } from '#adapters/venues/polymarket/wire';
import type {
  FeedLine,
  GameStateEvent,
  KalshiMarketInfo,
  KalshiWsEvent,
  PolymarketMarketInfo,
  PolymarketWsEvent,
} from '#domain/feed/events';
import type { Venue } from '#domain/names';
import type { Sport } from '#domain/win-probability';

/** A feed line parsed by its source's parser: what the engine applies. */
export type Routed =
  | { kind: 'kalshi'; events: KalshiWsEvent[] }
  | { kind: 'polymarket'; events: PolymarketWsEvent[] }
  | { kind: 'espn'; events: GameStateEvent[] }
  | { kind: 'kalshi_markets'; markets: KalshiMarketInfo[] }
  | { kind: 'gamma_markets'; markets: PolymarketMarketInfo[] }
  | { kind: 'ignored' };

/** The league in an ESPN scoreboard path (`/apis/site/v2/sports/basketball/nba/scoreboard`). */
const ESPN_SPORT = /\/sports\/[a-z]+\/(nba|nfl)\//;
const KALSHI_MARKETS = /^\/(trade-api\/v2\/)?markets(\/[^/?]+)?(\?|$)/;

/**
 * Routes a line to its source's parser (each throws `FeedParseError` on a message that does not parse). REST lines
 * other than market discovery (order book fetches) carry nothing the live books take. `espnMemo`: the memo of the
 * line's ESPN path (its unchanged games are not scanned again).
 */
export function route(line: FeedLine, espnMemo?: ScoreboardMemo): Routed {
  switch (line.source) {
    case 'kalshi_ws':
      return { kind: 'kalshi', events: parseKalshiWsFrame(line.raw) };
    case 'polymarket_ws':
      return { kind: 'polymarket', events: parsePolymarketWsFrame(line.raw) };
    case 'espn': {
      const sport = ESPN_SPORT.exec(line.path ?? '')?.[1] as Sport | undefined;
      if (!sport) throw new RangeError(`espn line without a known league in its path: ${line.path ?? '(none)'}`);
      // The raw text, which the parser scans for the few fields it reads before it would JSON.parse the lot.
      return { kind: 'espn', events: parseEspnScoreboard(sport, line.raw, espnMemo) };
    }
    case 'kalshi_rest':
      if (!KALSHI_MARKETS.test(line.path ?? '')) return { kind: 'ignored' };
      return { kind: 'kalshi_markets', markets: parseKalshiMarketsResponse(JSON.parse(line.raw)) };
    case 'polymarket_gamma':
      return { kind: 'gamma_markets', markets: parseGammaMarkets(JSON.parse(line.raw)) };
  }
}

const KALSHI_TICKER = /"market_ticker"\s*:\s*"([^"]{1,200})"/g;
const POLYMARKET_ASSET = /"asset_id"\s*:\s*"([^"]{1,200})"/g;
/** The message types that carry book state: a broken one may have lost a level, the others cannot have. */
const BOOK_TYPES: Record<Venue, ReadonlySet<string>> = {
  kalshi: new Set(['orderbook_snapshot', 'orderbook_delta']),
  polymarket: new Set(['book', 'price_change']),
};
/** Kalshi puts `type` first: a frame cut short still says what it was. */
const KALSHI_LEADING_TYPE = /^\s*\{\s*"type"\s*:\s*"([^"]{1,50})"/;

/**
 * Whether a frame that did not parse may have carried book state: unless every message in it says (by a type that
 * survived) that it carried none, it may have. A bad ticker or trade frame leaves the books whole, and asking the
 * venue for fresh snapshots would not help.
 */
function mayCarryBook(venue: Venue, raw: string): boolean {
  const typeField = venue === 'kalshi' ? 'type' : 'event_type';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    const leading = venue === 'kalshi' ? KALSHI_LEADING_TYPE.exec(raw)?.[1] : undefined;
    return leading === undefined || BOOK_TYPES.kalshi.has(leading);
  }
  const messages = Array.isArray(value) ? value : [value];
  return messages.some((m) => {
    const type = typeof m === 'object' && m !== null ? (m as Record<string, unknown>)[typeField] : undefined;
    return typeof type !== 'string' || BOOK_TYPES[venue].has(type);
  });
}

/**
 * The instruments a venue frame that did not parse was about, read off its raw text, when it may have carried book
 * state: their books may have missed an update, so they are invalid until their next snapshot.
 */
export function instrumentsIn(venue: Venue, raw: string): string[] {
  if (!mayCarryBook(venue, raw)) return [];
  const pattern = venue === 'kalshi' ? KALSHI_TICKER : POLYMARKET_ASSET;
  return [...new Set([...raw.matchAll(pattern)].map((m) => m[1] as string))];
}
