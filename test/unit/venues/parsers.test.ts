import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEspnScoreboard } from '#adapters/venues/espn/wire';
import { parseKalshiOrderbookResponse } from '#adapters/venues/kalshi';
import { parsePolymarketBook } from '#adapters/venues/polymarket/wire';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8'));

describe('Kalshi order book', () => {
  it('derives YES asks from NO bids (YES ask = 1 - NO bid), best first', () => {
    const { yes, no } = parseKalshiOrderbookResponse(fixture('kalshi_get_orderbook_response.json'));
    // Fixture scenario (REFERENCE.md section 4): best YES bid 0.69 x 275, best NO bid 0.29 x 190 -> YES ask 0.71.
    expect(yes.bids[0]).toEqual({ priceMicros: 690_000, quantity: 27_500 });
    expect(yes.asks[0]).toEqual({ priceMicros: 710_000, quantity: 19_000 });
    expect(no.asks[0]).toEqual({ priceMicros: 310_000, quantity: 27_500 });
    expect(yes.asks.map((l) => l.priceMicros)).toEqual([710_000, 720_000, 730_000, 740_000, 750_000]);
  });
});

describe('Polymarket book', () => {
  it('orders bids high to low and asks low to high whatever the wire order', () => {
    const { book, assetId } = parsePolymarketBook(fixture('polymarket_clob_book.json'));
    expect(assetId).toMatch(/^9156/);
    expect(book.bids[0]).toEqual({ priceMicros: 700_000, quantity: 64_055 });
    expect(book.asks[0]).toEqual({ priceMicros: 710_000, quantity: 42_030 });
    expect(book.asks.at(-1)?.priceMicros).toBe(750_000);
  });
});

describe('ESPN scoreboard', () => {
  it('reads the NBA game state: DEN 76 - BOS 71, Q3 5:42 -> 1782 s of regulation left', () => {
    const [game] = parseEspnScoreboard('nba', fixture('espn_nba_scoreboard_in_progress.json'));
    expect(game).toMatchObject({
      espnEventId: '401810233',
      home: { abbreviation: 'DEN', score: 76 },
      away: { abbreviation: 'BOS', score: 71 },
      period: 3,
      secondsRemaining: 720 + 342,
      status: 'in_progress',
    });
  });

  it('reads the NFL game state: BUF 20 - KC 17, Q3 8:14', () => {
    const [game] = parseEspnScoreboard('nfl', fixture('espn_nfl_scoreboard_in_progress.json'));
    expect(game).toMatchObject({ home: { abbreviation: 'BUF', score: 20 }, away: { abbreviation: 'KC', score: 17 } });
    expect(game?.secondsRemaining).toBe(900 + 8 * 60 + 14);
  });

  it('rejects a body that is not a scoreboard', () => {
    expect(() => parseEspnScoreboard('nba', { events: [{ id: 1 }] })).toThrow();
  });
});

describe('malformed venue messages', () => {
  it('rejects prices it cannot represent exactly, or outside $0..$1, instead of rounding them', () => {
    const book = (price: string) => ({ orderbook_fp: { yes_dollars: [[price, '1.00']] } });
    expect(() => parseKalshiOrderbookResponse(book('0.1234567'))).toThrow(RangeError);
    expect(() => parseKalshiOrderbookResponse(book('1.0100'))).toThrow(RangeError);
    expect(() => parseKalshiOrderbookResponse(book('0.5e2'))).toThrow(RangeError);
    expect(() => parseKalshiOrderbookResponse({ orderbook: { yes: [[45, 100]] } })).toThrow();
  });
});
