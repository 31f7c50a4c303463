/**
 * The simulator (local/simulator): byte-identical feeds for a seed, every line in the record format, venue frames
 * in the shapes of REFERENCE.md (minimal zod schemas here: the venue parsers have not landed on main yet), and a
 * truth that agrees with the books the feed itself builds: books rebuilt from the wire, scanned with the domain's
 * `optimalArbitrage` after every venue message, cross only inside planted windows, and each planted arbitrage
 * sizes as the truth says.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseKalshiMarketsResponse } from '#adapters/venues/kalshi/wire';
import { parseGammaMarkets } from '#adapters/venues/polymarket/wire';
import { type FeedLine, feedSources } from '#domain/feed/events';
import type { VenueFeeSchedule } from '#domain/fees';
import { teamAliases } from '#domain/matching/team-aliases';
import { optimalArbitrage } from '#domain/optimal-arbitrage';
import { asksFromOppositeBids, type PriceLevel } from '#domain/order-book';
import { parseHundredths, parseMicros } from '#domain/units';
import type { Sport } from '#domain/win-probability';
import { instrumentsIn } from '../../containers/game-shard/router.ts';
import { gammaMarketsBody, kalshiMarketsBody } from '../../local/simulator/discovery.ts';
import { type EveningOptions, simulateEvening, type Truth } from '../../local/simulator/evening.ts';
import { planEvening } from '../../local/simulator/plan.ts';
import { matchMarkets } from '../../shared/domain/matching/match.ts';

const base: EveningOptions = {
  seed: 1,
  games: 2,
  sports: ['nba', 'nfl'],
  messages: 6_000,
  staleAfterMs: 30_000,
  thresholds: { minProfitMicros: 100_000, minEdgeBps: 10 },
};

function run(opts: Partial<EveningOptions> = {}): { lines: FeedLine[]; truth: Truth } {
  const evening = simulateEvening({ ...base, ...opts });
  const lines = [...evening.lines];
  return { lines, truth: evening.truth };
}

const digest = (lines: FeedLine[]) => {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${JSON.stringify(line)}\n`);
  return hash.digest('hex');
};

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const level = z.tuple([decimal, decimal]);
const kalshiMsg = z.object({ market_ticker: z.string().min(1), market_id: z.string().uuid() });
const kalshiFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('orderbook_snapshot'),
    sid: z.number().int(),
    seq: z.number().int(),
    msg: kalshiMsg.extend({ yes_dollars_fp: z.array(level).optional(), no_dollars_fp: z.array(level).optional() }),
  }),
  z.object({
    type: z.literal('orderbook_delta'),
    sid: z.number().int(),
    seq: z.number().int(),
    msg: z.union([
      kalshiMsg.extend({
        price_dollars: decimal,
        delta_fp: decimal,
        side: z.enum(['yes', 'no']),
        ts_ms: z.number().int(),
      }),
      kalshiMsg.extend({
        price: z.number().int().min(1).max(99),
        delta: z.number().int(),
        side: z.enum(['yes', 'no']),
      }),
    ]),
  }),
  z.object({
    type: z.literal('ticker'),
    sid: z.number().int(),
    msg: kalshiMsg.extend({
      price_dollars: decimal,
      yes_bid_dollars: decimal,
      yes_ask_dollars: decimal,
      volume_fp: decimal,
      open_interest_fp: decimal,
      ts_ms: z.number().int(),
    }),
  }),
  z.object({
    type: z.literal('trade'),
    sid: z.number().int(),
    msg: z.object({
      trade_id: z.string().uuid(),
      market_ticker: z.string(),
      yes_price_dollars: decimal,
      no_price_dollars: decimal,
      count_fp: decimal,
      taker_outcome_side: z.enum(['yes', 'no']),
      ts_ms: z.number().int(),
    }),
  }),
  z.object({
    type: z.literal('subscribed'),
    id: z.number().int(),
    msg: z.object({ channel: z.string(), sid: z.number().int() }),
  }),
]);

const token = z.string().regex(/^\d{70,80}$/);
const conditionId = z.string().regex(/^0x[0-9a-f]{64}$/);
const ms = z.string().regex(/^\d{13}$/);
const polyLevel = z.object({ price: decimal, size: decimal });
const polyEvent = z.discriminatedUnion('event_type', [
  z.object({
    event_type: z.literal('book'),
    market: conditionId,
    asset_id: token,
    timestamp: ms,
    hash: z.string(),
    bids: z.array(polyLevel),
    asks: z.array(polyLevel),
  }),
  z.object({
    event_type: z.literal('price_change'),
    market: conditionId,
    timestamp: ms,
    price_changes: z
      .array(
        z.object({
          asset_id: token,
          price: decimal,
          size: decimal,
          side: z.enum(['BUY', 'SELL']),
          hash: z.string(),
          best_bid: decimal,
          best_ask: decimal,
        }),
      )
      .min(1),
  }),
  z.object({
    event_type: z.literal('last_trade_price'),
    market: conditionId,
    asset_id: token,
    price: decimal,
    size: decimal,
    side: z.enum(['BUY', 'SELL']),
    fee_rate_bps: decimal,
    timestamp: ms,
  }),
  z.object({
    event_type: z.literal('best_bid_ask'),
    market: conditionId,
    asset_id: token,
    best_bid: decimal,
    best_ask: decimal,
    timestamp: ms,
  }),
  z.object({
    event_type: z.literal('tick_size_change'),
    market: conditionId,
    asset_id: token,
    old_tick_size: decimal,
    new_tick_size: decimal,
    timestamp: ms,
  }),
  z.object({ event_type: z.literal('market_resolved'), market: conditionId, winning_asset_id: token, timestamp: ms }),
]);
const polyFrame = z.union([polyEvent, z.array(polyEvent).min(1)]);

const gammaMarket = z.object({
  slug: z.string().regex(/^(nba|nfl)-[a-z]+-[a-z]+-\d{4}-\d{2}-\d{2}(-1h-moneyline)?$/),
  question: z.string().regex(/^\S.* vs\. .*\S$/),
  outcomes: z.string().transform((s) => z.array(z.string()).length(2).parse(JSON.parse(s))),
  outcomePrices: z.string().transform((s) => z.array(decimal).length(2).parse(JSON.parse(s))),
  clobTokenIds: z.string().transform((s) => z.array(token).length(2).parse(JSON.parse(s))),
  sportsMarketType: z.enum(['moneyline', 'first_half_moneyline']),
  negRisk: z.literal(false),
  feesEnabled: z.literal(true),
  feeSchedule: z.object({ rate: z.union([z.literal(0.03), z.literal(0.05)]), exponent: z.literal(1) }),
  orderPriceMinTickSize: z.number(),
  orderMinSize: z.number(),
  gameStartTime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00$/),
});
const kalshiMarket = z.object({
  ticker: z.string().regex(/^KXN(BA|FL)GAME-\d{2}[A-Z]{3}\d{2}[A-Z]+-[A-Z]+$/),
  event_ticker: z.string(),
  yes_sub_title: z.string().min(1),
  rules_primary: z.string().min(1),
  rules_secondary: z.string().min(1),
  price_level_structure: z.literal('linear_cent'),
  yes_bid_dollars: decimal,
  yes_ask_dollars: decimal,
  volume_fp: decimal,
  status: z.literal('active'),
});

describe('simulator: determinism', () => {
  it('writes the same bytes for the same seed and different bytes for another', () => {
    const a = run();
    const b = run();
    const c = run({ seed: 2 });
    expect(digest(a.lines)).toBe(digest(b.lines));
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    expect(digest(c.lines)).not.toBe(digest(a.lines));
  });

  it('scales volume with --messages', () => {
    const venue = (lines: FeedLine[]) => lines.filter((l) => l.source.endsWith('_ws')).length;
    const small = venue(run({ messages: 4_000 }).lines);
    const large = venue(run({ messages: 16_000 }).lines);
    // Game events (scores, the clock) bring their own requotes, so volume grows less than in proportion.
    expect(large).toBeGreaterThan(small * 1.8);
  });
});

describe('simulator: formats', () => {
  const { lines, truth } = run({ seed: 3, games: 3 });

  it('every line is a record {t, source, path?, raw} in time order, discovery first', () => {
    let last = 0;
    for (const line of lines) {
      const parsed = JSON.parse(JSON.stringify(line));
      expect(Object.keys(parsed).sort()).toEqual(
        line.path === undefined ? ['raw', 'source', 't'] : ['path', 'raw', 'source', 't'],
      );
      expect(feedSources).toContain(line.source);
      expect(Number.isSafeInteger(line.t)).toBe(true);
      expect(line.t).toBeGreaterThanOrEqual(last);
      expect(typeof line.raw).toBe('string');
      if (line.source !== 'kalshi_ws' && line.source !== 'polymarket_ws') expect(line.path).toMatch(/^\//);
      last = line.t;
    }
    expect(lines.slice(0, 4).map((l) => l.source)).toEqual([
      'kalshi_rest',
      'polymarket_gamma',
      'kalshi_rest',
      'polymarket_gamma',
    ]);
  });

  it('venue frames match the wire formats; only a few are malformed on purpose', () => {
    let bad = 0;
    let venue = 0;
    const spellings = new Set<string>();
    for (const line of lines) {
      if (line.source !== 'kalshi_ws' && line.source !== 'polymarket_ws') continue;
      venue += 1;
      let value: unknown;
      try {
        value = JSON.parse(line.raw);
      } catch {
        bad += 1;
        continue;
      }
      const result = (line.source === 'kalshi_ws' ? kalshiFrame : polyFrame).safeParse(value);
      if (!result.success) bad += 1;
      else if (
        line.source === 'kalshi_ws' &&
        result.data &&
        'type' in result.data &&
        result.data.type === 'orderbook_delta'
      ) {
        spellings.add('price_dollars' in result.data.msg ? 'dollars_fp' : 'plain');
      }
    }
    expect(bad).toBeGreaterThan(0);
    expect(bad / venue).toBeLessThan(0.002);
    expect([...spellings].sort()).toEqual(['dollars_fp', 'plain']);
  });

  it('discovery answers carry the fields pairing reads', () => {
    const kalshi = lines.filter((l) => l.source === 'kalshi_rest');
    const gamma = lines.filter((l) => l.source === 'polymarket_gamma');
    for (const line of kalshi) {
      expect(line.path).toMatch(/^\/trade-api\/v2\/markets\?series_ticker=KXN(BA|FL)GAME&status=open/);
      const body = z
        .object({ markets: z.array(kalshiMarket).min(2), cursor: z.literal('') })
        .parse(JSON.parse(line.raw));
      expect(body.markets.length % 2).toBe(0);
    }
    const markets = gamma.flatMap((line) => z.array(gammaMarket).parse(JSON.parse(line.raw)));
    for (const game of truth.games) {
      const full = markets.find((m) => m.clobTokenIds[1] === game.polymarketTokenIds[1])!;
      expect(full.sportsMarketType).toBe('moneyline');
      expect(full.clobTokenIds).toEqual(game.polymarketTokenIds);
      // US-Eastern date: a 7 PM ET tip-off is already the next day in UTC.
      expect(full.slug).toMatch(/-2026-11-14$/);
      expect(
        markets.some(
          (m) => m.sportsMarketType === 'first_half_moneyline' && m.clobTokenIds[0] === game.firstHalfTokenIds[0],
        ),
      ).toBe(true);
    }
  });

  it('ESPN scoreboards name competitors by homeAway, sometimes away first', () => {
    const boards = lines.filter((l) => l.source === 'espn');
    expect(boards.length).toBeGreaterThan(100);
    const orders = new Set<string>();
    for (const line of boards) {
      const body = JSON.parse(line.raw) as {
        events: {
          id: string;
          competitions: { competitors: { homeAway: string; team: { abbreviation: string } }[] }[];
        }[];
      };
      for (const event of body.events) {
        const game = truth.games.find((g) => g.espnEventId === event.id)!;
        const competitors = event.competitions[0]!.competitors;
        orders.add(competitors.map((c) => c.homeAway).join(','));
        expect(competitors.find((c) => c.homeAway === 'home')!.team.abbreviation).toBe(game.home);
        expect(competitors.find((c) => c.homeAway === 'away')!.team.abbreviation).toBe(game.away);
      }
    }
    expect([...orders].sort()).toEqual(['away,home', 'home,away']);
  });
});

// ------------------------------------------------------------------------------------------------------------
// Books rebuilt from the wire, as the shard will.

type Levels = Map<number, number>;

interface WirePair {
  ticker: string;
  side: 'yes' | 'no';
  tokenId: string;
  arb: () => ReturnType<typeof optimalArbitrage>;
}

function rebuild(
  lines: FeedLine[],
  truth: Truth,
  /** After every venue message; `settled` when no later message shares its time. */
  onGameChange: (gameIndex: number, t: number, pairs: (gameIndex: number) => WirePair[], settled: boolean) => void,
): void {
  const kalshi = new Map<string, { yes: Levels; no: Levels }>();
  const poly = new Map<string, { bids: Levels; asks: Levels }>();
  const gameOfInstrument = new Map<string, number>();
  truth.games.forEach((g, i) => {
    for (const id of [...g.kalshiTickers, ...g.polymarketTokenIds]) gameOfInstrument.set(id, i);
  });
  const fees = new Map<string, number>();
  const setLevel = (levels: Levels, price: number, size: number) => {
    if (size === 0) levels.delete(price);
    else levels.set(price, size);
  };
  const levels = (m: Levels): PriceLevel[] => [...m].map(([priceMicros, quantity]) => ({ priceMicros, quantity }));
  /** The game's four cross-venue pairs: Kalshi market i (YES or NO) against the token on the other team. */
  const pairs = (gameIndex: number): WirePair[] => {
    const g = truth.games[gameIndex]!;
    return g.kalshiTickers.flatMap((ticker, i) => {
      const book = kalshi.get(ticker);
      return (['yes', 'no'] as const).map((side) => {
        const tokenId = g.polymarketTokenIds[side === 'yes' ? 1 - i : i]!;
        const kalshiAsks = book ? asksFromOppositeBids(levels(side === 'yes' ? book.no : book.yes)) : [];
        const polyAsks = levels(poly.get(tokenId)?.asks ?? new Map());
        const fee: { yes: VenueFeeSchedule; no: VenueFeeSchedule } = {
          yes: { venue: 'kalshi' },
          no: { venue: 'polymarket', rate: fees.get(tokenId) ?? 0, exponent: 1 },
        };
        return { ticker, side, tokenId, arb: () => optimalArbitrage(kalshiAsks, polyAsks, fee) };
      });
    });
  };
  for (const [index, line] of lines.entries()) {
    if (line.source === 'polymarket_gamma') {
      for (const m of z.array(gammaMarket).parse(JSON.parse(line.raw))) {
        for (const id of m.clobTokenIds) fees.set(id, m.feeSchedule.rate);
      }
    }
    if (line.source !== 'kalshi_ws' && line.source !== 'polymarket_ws') continue;
    let value: unknown;
    try {
      value = JSON.parse(line.raw);
    } catch {
      continue;
    }
    const touched = new Set<number>();
    if (line.source === 'kalshi_ws') {
      const frame = kalshiFrame.safeParse(value);
      if (!frame.success) continue;
      const f = frame.data;
      if (f.type === 'orderbook_snapshot') {
        const book = { yes: new Map(), no: new Map() } as { yes: Levels; no: Levels };
        for (const [p, q] of f.msg.yes_dollars_fp ?? []) book.yes.set(parseMicros(p), parseHundredths(q));
        for (const [p, q] of f.msg.no_dollars_fp ?? []) book.no.set(parseMicros(p), parseHundredths(q));
        kalshi.set(f.msg.market_ticker, book);
        touched.add(gameOfInstrument.get(f.msg.market_ticker)!);
      } else if (f.type === 'orderbook_delta') {
        const book = kalshi.get(f.msg.market_ticker)!;
        const levels = f.msg.side === 'yes' ? book.yes : book.no;
        const price = 'price_dollars' in f.msg ? parseMicros(f.msg.price_dollars) : f.msg.price * 10_000;
        const delta = 'delta_fp' in f.msg ? parseHundredths(f.msg.delta_fp) : f.msg.delta * 100;
        const size = (levels.get(price) ?? 0) + delta;
        expect(size).toBeGreaterThanOrEqual(0);
        setLevel(levels, price, size);
        touched.add(gameOfInstrument.get(f.msg.market_ticker)!);
      }
    } else {
      const frame = polyFrame.safeParse(value);
      if (!frame.success) continue;
      for (const e of Array.isArray(frame.data) ? frame.data : [frame.data]) {
        if (e.event_type === 'book') {
          const book = { bids: new Map(), asks: new Map() } as { bids: Levels; asks: Levels };
          for (const l of e.bids) book.bids.set(parseMicros(l.price), parseHundredths(l.size));
          for (const l of e.asks) book.asks.set(parseMicros(l.price), parseHundredths(l.size));
          poly.set(e.asset_id, book);
          if (gameOfInstrument.has(e.asset_id)) touched.add(gameOfInstrument.get(e.asset_id)!);
        } else if (e.event_type === 'price_change') {
          for (const c of e.price_changes) {
            const book = poly.get(c.asset_id)!;
            setLevel(c.side === 'BUY' ? book.bids : book.asks, parseMicros(c.price), parseHundredths(c.size));
            if (gameOfInstrument.has(c.asset_id)) touched.add(gameOfInstrument.get(c.asset_id)!);
          }
        }
      }
    }
    const settled = (lines[index + 1]?.t ?? Number.POSITIVE_INFINITY) > line.t;
    for (const game of touched) onGameChange(game, line.t, pairs, settled);
  }
}

/** The brief's edge: net profit per contract bought, in bps of the $1 payout, at the optimal count. */
const edgeBps = (netProfitMicros: number, quantityHundredths: number) =>
  (netProfitMicros * 10_000) / ((quantityHundredths / 100) * 1_000_000);

function scan(seed: number) {
  const { lines, truth } = run({ seed, games: 3, messages: 9_000 });
  const accidental: string[] = [];
  const checked: string[] = [];
  const pending = new Map(truth.dislocations.filter((d) => d.expected === 'found').map((d) => [d.id, d]));
  rebuild(lines, truth, (gameIndex, t, pairsOf, settled) => {
    const game = truth.games[gameIndex]!;
    const windows = truth.dislocations.filter((d) => d.espnEventId === game.espnEventId);
    for (const pair of pairsOf(gameIndex)) {
      const arb = pair.arb();
      if (arb.count > 0 && !windows.some((d) => t >= d.startT && t <= d.endT)) {
        accidental.push(`${game.espnEventId} ${pair.ticker} ${pair.side} @${t}`);
      }
    }
    for (const d of windows) {
      if (!pending.has(d.id) || t !== d.startT || !settled) continue;
      const kalshiLeg = d.legs.find((l) => l.venue === 'kalshi')!;
      const polyLeg = d.legs.find((l) => l.venue === 'polymarket')!;
      const pair = pairsOf(gameIndex).find((p) => p.ticker === kalshiLeg.instrument && p.side === kalshiLeg.side);
      expect(pair?.tokenId).toBe(polyLeg.instrument);
      const arb = pair!.arb();
      expect({ quantity: arb.count * 100, net: arb.profitMicros }).toEqual({
        quantity: d.quantity,
        net: d.netProfitMicros,
      });
      checked.push(d.id);
      pending.delete(d.id);
    }
  });
  return { accidental, checked, truth, pending };
}

describe('simulator: teams and rule texts pairing accepts', () => {
  it.each([
    ['nba', 15, 'no_tie'],
    ['nfl', 16, 'tie_half'],
  ] as const)('pairs every %s team of the alias table, with its tie treatment', (sport: Sport, games, tie) => {
    const plan = planEvening(1, games, [sport]);
    const lookup = teamAliases.league(sport);
    // Every team of the league plays once, named by the table's current codes.
    expect(new Set(plan.flatMap((g) => [g.home.espn, g.away.espn])).size).toBe(lookup.teams.length);
    for (const g of plan) {
      for (const team of [g.home, g.away]) {
        const alias = lookup.byEspn(team.espn)!;
        expect([team.kalshi, team.polymarket]).toEqual([alias.kalshi[0], alias.polymarket[0]!.toLowerCase()]);
      }
    }
    const result = matchMarkets({
      games: plan.map((g) => ({
        sport,
        espnEventId: g.espnEventId,
        startsAtMs: g.startT,
        home: g.home.espn,
        away: g.away.espn,
      })),
      kalshi: parseKalshiMarketsResponse(JSON.parse(kalshiMarketsBody(plan, plan[0]!.startT))),
      polymarket: parseGammaMarkets(JSON.parse(gammaMarketsBody(plan, plan[0]!.startT))),
    });
    for (const g of result.games) {
      expect(g.markets.map((m) => m.venue).sort()).toEqual(['kalshi', 'kalshi', 'polymarket', 'polymarket']);
      expect(new Set(g.markets.map((m) => m.resolutionKey.split('|').at(-1)))).toEqual(new Set([tie]));
    }
    expect(result.games).toHaveLength(games);
    // Only the first-half moneylines are refused.
    expect(result.unmatched.map((u) => u.reason)).toEqual(Array.from({ length: games }, () => 'not_full_game'));
  });
});

describe('simulator: a frame cut short', () => {
  it('is followed by a fresh snapshot of each full-game market it names, as the shard asks', () => {
    const { lines, truth } = run({ seed: 4, games: 4, messages: 60_000 });
    const instruments = new Set(truth.games.flatMap((g) => [...g.kalshiTickers, ...g.polymarketTokenIds]));
    let named = 0;
    lines.forEach((line, i) => {
      const venue = line.source === 'kalshi_ws' ? 'kalshi' : line.source === 'polymarket_ws' ? 'polymarket' : null;
      if (!venue) return;
      try {
        JSON.parse(line.raw);
        return;
      } catch {
        // cut short
      }
      for (const id of instrumentsIn(venue, line.raw).filter((x) => instruments.has(x))) {
        named += 1;
        const snapshot = lines.slice(i + 1).find((l) => {
          if (l.t > line.t + 2_000 || l.source !== line.source || !l.raw.includes(`"${id}"`)) return false;
          return venue === 'kalshi' ? l.raw.includes('"orderbook_snapshot"') : l.raw.includes('"event_type":"book"');
        });
        expect(snapshot, `${id} at ${line.t}`).toBeDefined();
      }
    });
    expect(named).toBeGreaterThan(0);
  });
});

describe('simulator: truth against the books on the wire', () => {
  it('each planted arbitrage sizes as the truth says, and nothing crosses outside a planted window (3 seeds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
        const { accidental, checked, truth, pending } = scan(seed);
        expect(accidental).toEqual([]);
        expect(pending.size).toBe(0);
        const found = truth.dislocations.filter((d) => d.expected === 'found');
        expect(checked.length).toBe(found.length);
        for (const d of found) {
          expect(d.netProfitMicros).toBeGreaterThanOrEqual(100_000);
          expect(edgeBps(d.netProfitMicros, d.quantity)).toBeGreaterThanOrEqual(10);
        }
      }),
      { numRuns: 3, seed: 42 },
    );
  });

  it('plants every decoy kind, with the domain sizing behind each label', () => {
    const { truth } = run({ seed: 1, games: 6, messages: 12_000 });
    const whys = new Set(truth.dislocations.map((d) => d.why));
    for (const why of [
      'arbitrage',
      'fees_eat_edge',
      'below_threshold',
      'stale_book',
      'invalid_book',
      'first_half_market',
    ]) {
      expect(whys).toContain(why);
    }
    for (const d of truth.dislocations) {
      expect(d.endT).toBeGreaterThan(d.startT);
      expect(d.legs).toHaveLength(2);
      if (d.why === 'fees_eat_edge') expect(d.quantity).toBe(0);
      if (d.why === 'below_threshold') {
        expect(d.quantity).toBeGreaterThan(0);
        expect(d.netProfitMicros < 100_000 || edgeBps(d.netProfitMicros, d.quantity) < 10).toBe(true);
      }
      expect(d.expected).toBe(d.why === 'arbitrage' ? 'found' : 'not_found');
    }
  });
});
