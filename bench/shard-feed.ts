import { readFileSync } from 'node:fs';
import type { FeedLine } from '#domain/feed/events';

/**
 * A game evening in the venues' wire formats, built from the recorded sample messages (test/fixtures/venues): per
 * game, the discovery answers (Kalshi markets, the Gamma market), the opening books, then Kalshi book deltas, tickers
 * and trades, Polymarket price changes (both tokens of a market in one frame, as the venue sends them), trades and
 * best bid/ask, and an ESPN scoreboard poll every few seconds. Books move by a seeded random walk that never crosses
 * and never drives a level below zero, so every frame is one a venue could have sent. The feed simulator
 * (local/simulator) is the fuller source; this one keeps the bench running without it.
 */

const FIXTURES = new URL('../test/fixtures/venues/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

const TEAMS: [abbr: string, city: string, nick: string][] = [
  ['BOS', 'Boston', 'Celtics'],
  ['DEN', 'Denver', 'Nuggets'],
  ['LAL', 'Los Angeles', 'Lakers'],
  ['GSW', 'Golden State', 'Warriors'],
  ['MIA', 'Miami', 'Heat'],
  ['NYK', 'New York', 'Knicks'],
  ['PHI', 'Philadelphia', '76ers'],
  ['MIL', 'Milwaukee', 'Bucks'],
  ['DAL', 'Dallas', 'Mavericks'],
  ['PHX', 'Phoenix', 'Suns'],
  ['CHI', 'Chicago', 'Bulls'],
  ['CLE', 'Cleveland', 'Cavaliers'],
  ['MEM', 'Memphis', 'Grizzlies'],
  ['SAC', 'Sacramento', 'Kings'],
  ['OKC', 'Oklahoma City', 'Thunder'],
  ['MIN', 'Minnesota', 'Timberwolves'],
  ['ATL', 'Atlanta', 'Hawks'],
  ['ORL', 'Orlando', 'Magic'],
  ['HOU', 'Houston', 'Rockets'],
  ['IND', 'Indiana', 'Pacers'],
];

/** mulberry32: a small seeded generator, so that a feed is the same bytes on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function digits(next: () => number, n: number): string {
  let s = String(1 + Math.floor(next() * 9));
  while (s.length < n) s += String(Math.floor(next() * 10));
  return s;
}

function hex(next: () => number, n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(next() * 16).toString(16);
  return s;
}

const uuid = (next: () => number): string => {
  const h = hex(next, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};

/** Integer cents to the venues' decimal strings: Kalshi `"0.6900"`, Polymarket `"0.69"` (trailing zero dropped). */
const kalshiPrice = (cents: number): string => `0.${String(cents).padStart(2, '0')}00`;
const polyPrice = (cents: number): string => {
  const s = `0.${String(cents).padStart(2, '0')}`;
  return s.endsWith('0') ? s.slice(0, -1) : s;
};
/** Hundredths to `"120.00"` (Kalshi) or `"120"` / `"120.5"` (Polymarket). */
const kalshiSize = (h: number): string => `${Math.trunc(h / 100)}.${String(Math.abs(h % 100)).padStart(2, '0')}`;
const polySize = (h: number): string => {
  const frac = h % 100;
  if (frac === 0) return String(h / 100);
  return `${Math.trunc(h / 100)}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
};

interface Game {
  away: (typeof TEAMS)[number];
  home: (typeof TEAMS)[number];
  espnEventId: string;
  /** Kalshi markets: one per team; YES = that team wins. */
  kalshi: { ticker: string; marketId: string; yes: Map<number, number>; no: Map<number, number> }[];
  conditionId: string;
  /** Polymarket tokens [away, home]; each book in cents -> hundredths. */
  tokens: { id: string; bids: Map<number, number>; asks: Map<number, number> }[];
  homeScore: number;
  awayScore: number;
}

export interface FixtureFeedOptions {
  messages: number;
  games?: number;
  seed?: number;
  /** Receive time of the first line, epoch ms. */
  startMs?: number;
}

/** The Kalshi and Polymarket books of one game: home favoured at about 0.70 on both venues. */
function openingBooks(game: Omit<Game, 'kalshi' | 'tokens'>, next: () => number): Pick<Game, 'kalshi' | 'tokens'> {
  const evt = `KXNBAGAME-26NOV14${game.away[0]}${game.home[0]}`;
  const ladder = (from: number, to: number) =>
    new Map(Array.from({ length: to - from + 1 }, (_, i) => [from + i, 20_000 + Math.floor(next() * 100_000)]));
  return {
    kalshi: [
      // The home market (YES = home wins) bids 0.65-0.69 and its NO side 0.25-0.29, so YES asks 0.71-0.75.
      { ticker: `${evt}-${game.home[0]}`, marketId: uuid(next), yes: ladder(65, 69), no: ladder(25, 29) },
      { ticker: `${evt}-${game.away[0]}`, marketId: uuid(next), yes: ladder(25, 29), no: ladder(65, 69) },
    ],
    tokens: [
      { id: digits(next, 77), bids: ladder(25, 29), asks: ladder(30, 34) },
      { id: digits(next, 77), bids: ladder(66, 70), asks: ladder(71, 75) },
    ],
  };
}

function kalshiMarkets(game: Game): string {
  const text = fixture('kalshi_get_markets_response.json');
  const body = JSON.parse(text) as { markets: Record<string, unknown>[] };
  const template = body.markets[0]!;
  const eventTicker = game.kalshi[0]!.ticker.slice(0, game.kalshi[0]!.ticker.lastIndexOf('-'));
  const title = `${game.away[1]} at ${game.home[1]} Winner?`;
  body.markets = [game.home, game.away].map((team, i) => ({
    ...template,
    ticker: game.kalshi[i]!.ticker,
    event_ticker: eventTicker,
    title,
    yes_sub_title: team[1],
    no_sub_title: team[1],
    rules_primary: `If ${team[1]} wins the ${game.away[1]} at ${game.home[1]} professional basketball game originally scheduled for Nov 14, 2026, then the market resolves to Yes.`,
  }));
  return JSON.stringify(body);
}

function gammaMarket(game: Game, gammaId: number): string {
  const [market] = JSON.parse(fixture('polymarket_gamma_markets_list.json')) as Record<string, unknown>[];
  const slug = `nba-${game.away[0].toLowerCase()}-${game.home[0].toLowerCase()}-2026-11-14`;
  const question = `${game.away[2]} vs. ${game.home[2]}`;
  const events = (market!.events as Record<string, unknown>[]).map((e) => ({
    ...e,
    slug,
    ticker: slug,
    title: question,
  }));
  return JSON.stringify([
    {
      ...market,
      id: String(gammaId),
      question,
      conditionId: game.conditionId,
      slug,
      outcomes: JSON.stringify([game.away[2], game.home[2]]),
      clobTokenIds: JSON.stringify(game.tokens.map((t) => t.id)),
      description: `In the upcoming NBA game, scheduled for November 14 at 9:00PM ET:\nIf the ${game.away[2]} win, the market will resolve to "${game.away[2]}".\nIf the ${game.home[2]} win, the market will resolve to "${game.home[2]}".`,
      events,
    },
  ]);
}

/** One NBA scoreboard holding every game of the evening, each event the fixture's with its teams and clock. */
function scoreboard(games: Game[], secondsIntoGame: number): string {
  const board = JSON.parse(fixture('espn_nba_scoreboard_in_progress.json')) as { events: Record<string, unknown>[] };
  const template = JSON.stringify(board.events[0]);
  const elapsed = Math.min(secondsIntoGame, 4 * 720 - 1);
  const period = 1 + Math.floor(elapsed / 720);
  const clock = 720 - (elapsed % 720);
  const display = `${Math.floor(clock / 60)}:${String(clock % 60).padStart(2, '0')}`;
  board.events = games.map((g) => {
    const e = JSON.parse(
      template
        .replaceAll('401810233', g.espnEventId)
        .replaceAll('Denver', g.home[1])
        .replaceAll('Nuggets', g.home[2])
        .replaceAll('"DEN"', `"${g.home[0]}"`)
        .replaceAll('Boston', g.away[1])
        .replaceAll('Celtics', g.away[2])
        .replaceAll('"BOS"', `"${g.away[0]}"`),
    ) as {
      status: Record<string, unknown>;
      competitions: { status: Record<string, unknown>; competitors: { homeAway: string; score: string }[] }[];
    };
    const status = {
      clock,
      displayClock: display,
      period,
      type: { ...(e.status.type as object), detail: `${display} - Q${period}`, shortDetail: `${display} - ${period}` },
    };
    e.status = status;
    e.competitions[0]!.status = status;
    for (const c of e.competitions[0]!.competitors) c.score = String(c.homeAway === 'home' ? g.homeScore : g.awayScore);
    return e;
  });
  return JSON.stringify(board);
}

const levels = (book: Map<number, number>, fmt: (c: number) => string, size: (h: number) => string) =>
  [...book].sort((a, b) => a[0] - b[0]).map(([c, h]) => [fmt(c), size(h)]);

/** Builds `messages` feed lines (discovery and opening books included in the count). */
export function buildFixtureFeed(options: FixtureFeedOptions): FeedLine[] {
  const next = rng(options.seed ?? 20261114);
  const startMs = options.startMs ?? Date.UTC(2026, 10, 15, 2, 0, 0);
  const games: Game[] = [];
  for (let i = 0; i < Math.min(options.games ?? 10, TEAMS.length / 2); i++) {
    const base = {
      away: TEAMS[2 * i]!,
      home: TEAMS[2 * i + 1]!,
      espnEventId: String(401810233 + i),
      conditionId: `0x${hex(next, 64)}`,
      homeScore: 0,
      awayScore: 0,
    };
    games.push({ ...base, ...openingBooks(base, next) });
  }

  const lines: FeedLine[] = [];
  let t = startMs;
  const push = (source: FeedLine['source'], raw: string, path?: string) =>
    lines.push(path === undefined ? { t, source, raw } : { t, source, path, raw });

  for (const [i, g] of games.entries()) {
    push('kalshi_rest', kalshiMarkets(g), `/trade-api/v2/markets?event_ticker=${g.kalshi[0]!.ticker.split('-')[1]}`);
    push('polymarket_gamma', gammaMarket(g, 1893402 + i), `/markets?slug=nba-${g.away[0].toLowerCase()}-`);
  }
  const espnPath = '/apis/site/v2/sports/basketball/nba/scoreboard?dates=20261114';
  push('espn', scoreboard(games, 0), espnPath);

  // One orderbook_delta subscription (sid 3) for every ticker: its seq counts every frame on it.
  let seq = 1;
  for (const g of games)
    for (const m of g.kalshi)
      push(
        'kalshi_ws',
        JSON.stringify({
          type: 'orderbook_snapshot',
          sid: 3,
          seq: seq++,
          msg: {
            market_ticker: m.ticker,
            market_id: m.marketId,
            yes_dollars_fp: levels(m.yes, kalshiPrice, kalshiSize),
            no_dollars_fp: levels(m.no, kalshiPrice, kalshiSize),
          },
        }),
      );
  for (const g of games)
    push(
      'polymarket_ws',
      JSON.stringify(
        g.tokens.map((tok) => ({
          market: g.conditionId,
          asset_id: tok.id,
          timestamp: String(t),
          hash: hex(next, 40),
          bids: levels(tok.bids, polyPrice, polySize).map(([price, size]) => ({ price, size })),
          asks: levels(tok.asks, polyPrice, polySize)
            .reverse()
            .map(([price, size]) => ({ price, size })),
          tick_size: '0.01',
          event_type: 'book',
          last_trade_price: '0.700',
        })),
      ),
    );

  const espnEveryMs = 3_000;
  let nextEspnMs = t + espnEveryMs;
  let tradeId = 0;
  while (lines.length < options.messages) {
    // About 400 venue messages a second over the evening, as a busy NBA night gives.
    t += Math.floor(next() * 5);
    if (t >= nextEspnMs) {
      nextEspnMs += espnEveryMs;
      for (const g of games) {
        if (next() < 0.3) g.homeScore += 2;
        if (next() < 0.3) g.awayScore += 2;
      }
      push('espn', scoreboard(games, Math.floor((t - startMs) / 1000)), espnPath);
      continue;
    }
    const g = games[Math.floor(next() * games.length)]!;
    const r = next();
    if (r < 0.5) {
      const m = g.kalshi[Math.floor(next() * 2)]!;
      const side = next() < 0.5 ? 'yes' : 'no';
      const book = side === 'yes' ? m.yes : m.no;
      const cents = [...book.keys()][Math.floor(next() * book.size)]!;
      const have = book.get(cents)!;
      // Sizes shrink as often as they grow but a level keeps at least one contract, so the ladder never empties.
      const delta =
        next() < 0.5
          ? 100 * (1 + Math.floor(next() * 200))
          : -Math.min(have - 100, 100 * (1 + Math.floor(next() * 200)));
      if (delta === 0) continue;
      book.set(cents, have + delta);
      push(
        'kalshi_ws',
        JSON.stringify({
          type: 'orderbook_delta',
          sid: 3,
          seq: seq++,
          msg: {
            market_ticker: m.ticker,
            market_id: m.marketId,
            price_dollars: kalshiPrice(cents),
            delta_fp: kalshiSize(delta),
            side,
            ts: new Date(t).toISOString(),
            ts_ms: t,
          },
        }),
      );
    } else if (r < 0.9) {
      // A change at one level of the home token, mirrored on the away token's complementary level.
      const bid = next() < 0.5;
      const home = g.tokens[1]!;
      const away = g.tokens[0]!;
      const book = bid ? home.bids : home.asks;
      const cents = [...book.keys()][Math.floor(next() * book.size)]!;
      const size = 100 * (1 + Math.floor(next() * 3000)) + (next() < 0.3 ? 55 : 0);
      book.set(cents, size);
      (bid ? away.asks : away.bids).set(100 - cents, size);
      const best = (tok: Game['tokens'][number]) => ({
        best_bid: polyPrice(Math.max(...tok.bids.keys())),
        best_ask: polyPrice(Math.min(...tok.asks.keys())),
      });
      push(
        'polymarket_ws',
        JSON.stringify({
          event_type: 'price_change',
          market: g.conditionId,
          price_changes: [
            {
              asset_id: home.id,
              price: polyPrice(cents),
              size: polySize(size),
              side: bid ? 'BUY' : 'SELL',
              hash: hex(next, 40),
              ...best(home),
            },
            {
              asset_id: away.id,
              price: polyPrice(100 - cents),
              size: polySize(size),
              side: bid ? 'SELL' : 'BUY',
              hash: hex(next, 40),
              ...best(away),
            },
          ],
          timestamp: String(t),
        }),
      );
    } else if (r < 0.93) {
      const m = g.kalshi[0]!;
      const yesBid = Math.max(...m.yes.keys());
      const yesAsk = 100 - Math.max(...m.no.keys());
      push(
        'kalshi_ws',
        JSON.stringify({
          type: 'ticker',
          sid: 4,
          msg: {
            market_ticker: m.ticker,
            market_id: m.marketId,
            price_dollars: kalshiPrice(yesAsk),
            yes_bid_dollars: kalshiPrice(yesBid),
            yes_ask_dollars: kalshiPrice(yesAsk),
            volume_fp: '184420.00',
            open_interest_fp: '96605.00',
            dollar_volume: 128467,
            dollar_open_interest: 67420,
            yes_bid_size_fp: kalshiSize(m.yes.get(yesBid)!),
            yes_ask_size_fp: kalshiSize(m.no.get(100 - yesAsk)!),
            last_trade_size_fp: '10.00',
            ts: Math.floor(t / 1000),
            ts_ms: t,
            time: new Date(t).toISOString(),
          },
        }),
      );
    } else if (r < 0.96) {
      const m = g.kalshi[0]!;
      const yes = 100 - Math.max(...m.no.keys());
      push(
        'kalshi_ws',
        JSON.stringify({
          type: 'trade',
          sid: 5,
          msg: {
            trade_id: `9d5c2e71-3b8a-4f06-a1d4-${String(tradeId++).padStart(12, '0')}`,
            market_ticker: m.ticker,
            yes_price_dollars: kalshiPrice(yes),
            no_price_dollars: kalshiPrice(100 - yes),
            count_fp: kalshiSize(100 * (1 + Math.floor(next() * 50))),
            taker_side: 'yes',
            taker_outcome_side: 'yes',
            taker_book_side: 'bid',
            ts: Math.floor(t / 1000),
            ts_ms: t,
          },
        }),
      );
    } else if (r < 0.98) {
      const tok = g.tokens[1]!;
      push(
        'polymarket_ws',
        JSON.stringify({
          event_type: 'last_trade_price',
          market: g.conditionId,
          asset_id: tok.id,
          fee_rate_bps: '0',
          price: polyPrice(Math.min(...tok.asks.keys())),
          side: 'BUY',
          size: String(1 + Math.floor(next() * 50)),
          timestamp: String(t),
          transaction_hash: `0x${hex(next, 64)}`,
        }),
      );
    } else {
      const tok = g.tokens[1]!;
      const bb = Math.max(...tok.bids.keys());
      const ba = Math.min(...tok.asks.keys());
      push(
        'polymarket_ws',
        JSON.stringify({
          event_type: 'best_bid_ask',
          market: g.conditionId,
          asset_id: tok.id,
          best_bid: polyPrice(bb),
          best_ask: polyPrice(ba),
          spread: polyPrice(ba - bb),
          timestamp: String(t),
        }),
      );
    }
  }
  return lines;
}
