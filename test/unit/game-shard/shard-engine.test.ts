import { describe, expect, it } from 'vitest';
import { parseKalshiWsFrame } from '#adapters/venues/kalshi/wire';
import { parsePolymarketWsFrame } from '#adapters/venues/polymarket/wire';
import { gameIdFor } from '#contracts/ids';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { optimalArbitrage } from '#domain';
import type { FeedLine } from '#domain/feed/events';
import { type CandidateRecord, createShardEngine, type ShardEngine } from '../../../containers/game-shard/engine.ts';
import { type ShardGameSpec, ShardState } from '../../../shared/domain/shard/state.ts';

const KALSHI_FEE = { venue: 'kalshi', liquidity: 'taker', multiplier: 1 } as const;
const POLY_FEE = { venue: 'polymarket', rate: 0.03, exponent: 1 } as const;
const TICKER = 'KXNBAGAME-26NOV14BOSDEN-DEN';
const BOS_TOKEN = 'token-bos';
const DEN_TOKEN = 'token-den';
const START = 1_794_700_000_000;
const gameId = gameIdFor('nba', '401');

const spec: ShardGameSpec = {
  gameId,
  sport: 'nba',
  espnEventId: '401',
  startsAtMs: START,
  home: { abbreviation: 'DEN' },
  away: { abbreviation: 'BOS' },
  markets: [
    {
      venue: 'kalshi',
      venueMarketId: TICKER,
      yesTeam: 'DEN',
      buy: ['yes', 'no'],
      fee: KALSHI_FEE,
      minOrderQuantity: 100,
      resolutionKey: 'k',
    },
    ...[
      [BOS_TOKEN, 'BOS'],
      [DEN_TOKEN, 'DEN'],
    ].map(([id, team]) => ({
      venue: 'polymarket' as const,
      venueMarketId: id as string,
      yesTeam: team as string,
      buy: ['yes' as const],
      fee: POLY_FEE,
      minOrderQuantity: 100,
      resolutionKey: 'k',
    })),
  ],
};

const levels = (ls: [number, number][]) => ls.map(([p, q]) => [(p / 100).toFixed(4), q.toFixed(2)]);
const kSnapshot = (seq: number, yes: [number, number][], no: [number, number][], sid = 1) =>
  JSON.stringify({
    type: 'orderbook_snapshot',
    sid,
    seq,
    msg: { market_ticker: TICKER, market_id: 'm', yes_dollars_fp: levels(yes), no_dollars_fp: levels(no) },
  });
const kDelta = (seq: number, side: 'yes' | 'no', cents: number, delta: number, sid = 1) =>
  JSON.stringify({
    type: 'orderbook_delta',
    sid,
    seq,
    msg: {
      market_ticker: TICKER,
      market_id: 'm',
      price_dollars: (cents / 100).toFixed(4),
      delta_fp: delta.toFixed(2),
      side,
    },
  });
const pBook = (asset: string, bids: [number, number][], asks: [number, number][]) =>
  JSON.stringify({
    event_type: 'book',
    market: '0xc',
    asset_id: asset,
    timestamp: '1',
    hash: 'h',
    bids: bids.map(([p, s]) => ({ price: (p / 100).toFixed(2), size: String(s) })),
    asks: asks.map(([p, s]) => ({ price: (p / 100).toFixed(2), size: String(s) })),
  });

function run(lines: [number, FeedLine['source'], string][], settings = {}) {
  const records: CandidateRecord[] = [];
  const resyncs: [string, string[]][] = [];
  const engine: ShardEngine = createShardEngine({
    settings: {
      minEdgeBps: 200,
      minArbProfitMicros: 100_000,
      minArbEdgeBps: 10,
      priceStaleAfterMs: 30_000,
      ...settings,
    },
    outputs: { candidate: (r) => records.push(r), resync: (v, ids) => resyncs.push([v, ids]) },
  });
  engine.register(spec);
  for (const [i, [t, source, raw]] of lines.entries()) engine.handle({ t, source, raw }, i);
  return { records, resyncs, engine, summary: engine.summary() };
}

// Kalshi DEN YES asks at 0.62 (NO bids at 0.38), Polymarket BOS asks at 0.33: a cross of 5c before fees.
const T = START + 60_000;
const kalshiCross = kSnapshot(1, [[58, 5_000]], [[38, 300]]);
const polyBos = pBook(
  BOS_TOKEN,
  [[30, 100]],
  [
    [33, 400],
    [34, 1_000],
  ],
);

describe('shard engine on hand-built feeds', () => {
  it('publishes one arbitrage sized with optimalArbitrage, as a valid SignalCandidate, and again only on a change', () => {
    const { records, summary } = run([
      [T, 'kalshi_ws', kalshiCross],
      [T + 1, 'polymarket_ws', polyBos],
      [T + 2, 'polymarket_ws', pBook(DEN_TOKEN, [[60, 10]], [[70, 10]])],
      [T + 3, 'kalshi_ws', kDelta(2, 'yes', 50, 10)],
    ]);
    const arbs = records.filter((r) => r.candidate.kind === 'arbitrage');
    expect(arbs).toHaveLength(1);
    const [arb] = arbs;
    const best = optimalArbitrage(
      [{ priceMicros: 620_000, quantity: 30_000 }],
      [
        { priceMicros: 330_000, quantity: 40_000 },
        { priceMicros: 340_000, quantity: 100_000 },
      ],
      { yes: KALSHI_FEE, no: POLY_FEE },
    );
    expect(arb).toMatchObject({
      line: 1,
      t: T + 1,
      legs: [
        { venue: 'kalshi', instrument: TICKER, side: 'yes', priceMicros: 620_000 },
        { venue: 'polymarket', instrument: BOS_TOKEN, side: 'yes', priceMicros: 330_000 },
      ],
      sizing: { quantity: best.count * 100, netProfitMicros: best.profitMicros },
    });
    expect(signalCandidateSchema.parse(arb?.candidate)).toEqual(arb?.candidate);
    expect(arb?.candidate.gameId).toBe(gameId);
    expect(summary.candidates.arbitrage).toBe(1);
  });

  it('marks the book invalid on a sequence gap, asks for a resync, and prices nothing from it until a snapshot', () => {
    const { records, resyncs, summary } = run([
      [T, 'polymarket_ws', polyBos],
      [T + 1, 'kalshi_ws', kSnapshot(1, [[58, 5_000]], [[30, 300]])],
      // seq 3 after 1: a gap; then the NO bid that would make the cross arrives while the book is invalid.
      [T + 2, 'kalshi_ws', kDelta(3, 'no', 38, 300)],
      [T + 3, 'kalshi_ws', kDelta(4, 'no', 38, 300)],
      [T + 4, 'kalshi_ws', kSnapshot(5, [[58, 5_000]], [[38, 300]])],
    ]);
    expect(summary).toMatchObject({ sequenceGaps: 1, booksInvalidated: 1, resyncs: 1 });
    expect(resyncs).toEqual([['kalshi', [TICKER]]]);
    expect(records.filter((r) => r.candidate.kind === 'arbitrage').map((r) => r.line)).toEqual([4]);
  });

  it('counts a malformed frame, never throws, and holds the book it names invalid until its next snapshot', () => {
    const broken = kDelta(2, 'no', 38, 300).replace('"delta_fp":"300.00"', '"delta_fp":"lots"');
    const { records, summary } = run([
      [T, 'polymarket_ws', polyBos],
      [T + 1, 'kalshi_ws', kSnapshot(1, [[58, 5_000]], [[30, 300]])],
      [T + 2, 'kalshi_ws', broken],
      [T + 3, 'kalshi_ws', kDelta(3, 'no', 38, 300)],
      [T + 4, 'kalshi_ws', '{not json'],
      [T + 5, 'polymarket_ws', '[{"event_type":"book"}]'],
      [T + 6, 'kalshi_ws', kSnapshot(4, [[58, 5_000]], [[38, 300]])],
    ]);
    expect(summary.parseFailures).toEqual({ kalshi_ws: 2, polymarket_ws: 1 });
    expect(summary.booksInvalidated).toBe(1);
    expect(records.filter((r) => r.candidate.kind === 'arbitrage').map((r) => r.line)).toEqual([6]);
  });

  it('asks for no resync on a broken frame that carried no book state, and for one on a book frame cut short', () => {
    const ticker = JSON.stringify({ type: 'ticker', sid: '9', msg: { market_ticker: TICKER, price_dollars: 0.5 } });
    const trade = JSON.stringify({ event_type: 'last_trade_price', market: '0xc', asset_id: BOS_TOKEN, price: 0.5 });
    const { records, resyncs, summary } = run([
      [T, 'polymarket_ws', polyBos],
      [T + 1, 'kalshi_ws', kSnapshot(1, [[58, 5_000]], [[30, 300]])],
      [T + 2, 'kalshi_ws', ticker],
      [T + 3, 'kalshi_ws', ticker.slice(0, 40)],
      [T + 4, 'polymarket_ws', trade],
      // The NO bid that makes the cross: the books are whole, so it is priced.
      [T + 5, 'kalshi_ws', kDelta(2, 'no', 38, 300)],
      [T + 6, 'polymarket_ws', polyBos.slice(0, 120)],
    ]);
    expect(summary.parseFailures).toEqual({ kalshi_ws: 2, polymarket_ws: 2 });
    expect(records.filter((r) => r.candidate.kind === 'arbitrage').map((r) => r.line)).toEqual([5]);
    // Polymarket's `book` names its event type last: a frame cut short may be one, so its token is resynced.
    expect(resyncs).toEqual([['polymarket', [BOS_TOKEN]]]);
    expect(summary).toMatchObject({ booksInvalidated: 1, resyncs: 1 });
  });

  it('asks for no resync of a book no held game prices (a first-half token)', () => {
    const { resyncs, summary } = run([
      [T, 'polymarket_ws', pBook('token-1h', [[40, 100]], [[45, 100]])],
      [T + 1, 'polymarket_ws', pBook('token-1h', [[40, 100]], [[45, 100]]).slice(0, 90)],
    ]);
    expect(resyncs).toEqual([]);
    expect(summary).toMatchObject({ booksInvalidated: 0, resyncs: 0 });
  });

  it('invalidates every book of a venue that disconnected', () => {
    const records: CandidateRecord[] = [];
    const engine = createShardEngine({
      settings: { minEdgeBps: 200, minArbProfitMicros: 100_000, minArbEdgeBps: 10, priceStaleAfterMs: 30_000 },
      outputs: { candidate: (r) => records.push(r) },
    });
    engine.register(spec);
    engine.handle({ t: T, source: 'kalshi_ws', raw: kSnapshot(1, [[58, 5_000]], [[30, 300]]) }, 0);
    engine.venueDisconnected('kalshi');
    engine.handle({ t: T + 1, source: 'polymarket_ws', raw: polyBos }, 1);
    engine.handle({ t: T + 2, source: 'kalshi_ws', raw: kDelta(2, 'no', 38, 300) }, 2);
    expect(records).toEqual([]);
    expect(engine.summary().booksInvalidated).toBe(1);
  });

  it('suppresses an arbitrage whose leg is older than PRICE_STALE_AFTER_MS, and counts it once', () => {
    const { records, summary } = run([
      [T, 'polymarket_ws', polyBos],
      [T + 40_000, 'kalshi_ws', kalshiCross],
      [T + 40_001, 'kalshi_ws', kDelta(2, 'yes', 50, 10)],
    ]);
    expect(records.filter((r) => r.candidate.kind === 'arbitrage')).toEqual([]);
    expect(summary.suppressedStale).toBe(1);
  });

  it('publishes again when the prices change, or once the opportunity had gone', () => {
    const { records } = run([
      [T, 'kalshi_ws', kalshiCross],
      [T + 1, 'polymarket_ws', polyBos],
      // The cross goes (NO bid withdrawn), comes back at the same prices, then the Kalshi size changes.
      [T + 2, 'kalshi_ws', kDelta(2, 'no', 38, -300)],
      [T + 3, 'kalshi_ws', kDelta(3, 'no', 38, 300)],
      [T + 4, 'kalshi_ws', kDelta(4, 'no', 38, 100)],
      [T + 5, 'kalshi_ws', kDelta(5, 'yes', 50, 10)],
    ]);
    expect(records.filter((r) => r.candidate.kind === 'arbitrage').map((r) => r.line)).toEqual([1, 3, 4]);
  });

  it('finds nothing in a 1-contract cross whose rounded fee equals the gross', () => {
    const noFee = {
      ...spec,
      markets: spec.markets.map((m) =>
        m.venue === 'polymarket' ? { ...m, fee: { venue: 'polymarket', rate: 0, exponent: 1 } as const } : m,
      ),
    };
    const records: CandidateRecord[] = [];
    const engine = createShardEngine({
      settings: { minEdgeBps: 10_000, minArbProfitMicros: 0, minArbEdgeBps: 0, priceStaleAfterMs: 30_000 },
      outputs: { candidate: (r) => records.push(r) },
    });
    engine.register(noFee);
    engine.handle({ t: T, source: 'kalshi_ws', raw: kSnapshot(1, [[40, 100]], [[50, 1]]) }, 0);
    engine.handle({ t: T + 1, source: 'polymarket_ws', raw: pBook(BOS_TOKEN, [], [[48, 1]]) }, 1);
    expect(records).toEqual([]);
  });

  it('stores the venues de-vigged pregame consensus with the game, frozen once the game starts', () => {
    const state = new ShardState(
      { minEdgeBps: 200, minArbProfitMicros: 100_000, minArbEdgeBps: 10, priceStaleAfterMs: 30_000 },
      { candidate: () => undefined, resync: () => undefined },
    );
    state.registerGame(spec);
    expect(state.pregameHomeWinProbability(gameId)).toBeNull();
    // DEN YES ask 0.63 (NO bid 0.37), DEN NO ask 0.40 (YES bid 0.60); Polymarket DEN 0.61, BOS 0.41.
    state.applyKalshi(parseKalshiWsFrame(kSnapshot(1, [[60, 100]], [[37, 100]])), START - 60_000);
    state.applyPolymarket(parsePolymarketWsFrame(pBook(DEN_TOKEN, [], [[61, 100]])), START - 50_000);
    state.applyPolymarket(parsePolymarketWsFrame(pBook(BOS_TOKEN, [], [[41, 100]])), START - 40_000);
    const expected = (0.63 / 1.03 + 0.61 / 1.02) / 2;
    expect(state.pregameHomeWinProbability(gameId)).toBeCloseTo(expected, 12);
    state.applyPolymarket(parsePolymarketWsFrame(pBook(BOS_TOKEN, [], [[20, 100]])), START + 1);
    expect(state.pregameHomeWinProbability(gameId)).toBeCloseTo(expected, 12);
  });
});
