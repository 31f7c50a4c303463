import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEspnScoreboard } from '#adapters/venues/espn/wire';
import { parsePolymarketBook } from '#adapters/venues/polymarket/wire';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8'));

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
