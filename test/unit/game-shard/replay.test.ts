import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gameIdFor } from '#contracts/ids';
import { replayFeed } from '../../../containers/game-shard/replay.ts';
import { formatSummary } from '../../../containers/game-shard/summary.ts';

const TICKER = 'KXNBAGAME-26NOV14BOSDEN-DEN';
const T = 1_794_700_060_000;
const settings = { minEdgeBps: 200, minArbProfitMicros: 100_000, minArbEdgeBps: 10, priceStaleAfterMs: 30_000 };
const spec = {
  gameId: gameIdFor('nba', '401'),
  sport: 'nba' as const,
  espnEventId: '401',
  startsAtMs: T - 60_000,
  home: { abbreviation: 'DEN' },
  away: { abbreviation: 'BOS' },
  markets: [
    {
      venue: 'kalshi' as const,
      venueMarketId: TICKER,
      yesTeam: 'DEN',
      buy: ['yes', 'no'] as const,
      fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 } as const,
      minOrderQuantity: 100,
      resolutionKey: 'k',
    },
    {
      venue: 'polymarket' as const,
      venueMarketId: 'token-bos',
      yesTeam: 'BOS',
      buy: ['yes'] as const,
      fee: { venue: 'polymarket', rate: 0.03, exponent: 1 } as const,
      minOrderQuantity: 100,
      resolutionKey: 'k',
    },
  ],
};

/** An evening in miniature: the cross opens, moves, closes, opens again; a malformed line and a bad frame. */
function feed(): string {
  const rows: string[] = [];
  const line = (t: number, source: string, raw: unknown) =>
    rows.push(JSON.stringify({ t, source, raw: typeof raw === 'string' ? raw : JSON.stringify(raw) }));
  line(T, 'kalshi_ws', {
    type: 'orderbook_snapshot',
    sid: 1,
    seq: 1,
    msg: { market_ticker: TICKER, yes_dollars_fp: [['0.5800', '50.00']], no_dollars_fp: [['0.3800', '300.00']] },
  });
  line(T + 1, 'polymarket_ws', {
    event_type: 'book',
    market: '0xc',
    asset_id: 'token-bos',
    timestamp: '1',
    hash: 'h',
    bids: [],
    asks: [
      { price: '0.33', size: '400' },
      { price: '0.34', size: '1000' },
    ],
  });
  rows.push('this is not json');
  for (let i = 0; i < 20; i++) {
    const delta = i % 2 === 0 ? '-100.00' : '100.00';
    line(T + 2 + i, 'kalshi_ws', {
      type: 'orderbook_delta',
      sid: 1,
      seq: 2 + i,
      msg: { market_ticker: TICKER, price_dollars: '0.3800', delta_fp: delta, side: 'no' },
    });
  }
  line(T + 30, 'kalshi_ws', '{"type":"orderbook_delta","sid":1');
  return `${rows.join('\n')}\n`;
}

describe('replay', () => {
  it('is deterministic: two runs of one file write the same candidate bytes; malformed lines are skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const file = join(dir, 'feed.jsonl');
    writeFileSync(file, feed());
    const outs = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    const summaries = [];
    for (const out of outs) {
      summaries.push(
        await replayFeed({
          feed: file,
          settings,
          games: [spec],
          candidatesOut: out,
          summaryOut: `${out}.summary.json`,
        }),
      );
    }
    const [a, b] = outs.map((o) => readFileSync(o));
    expect(a?.equals(b as Buffer)).toBe(true);
    const records = (a as Buffer)
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThan(1);
    expect(records.every((r) => r.candidate.kind === 'arbitrage')).toBe(true);
    expect(summaries[0]).toMatchObject({
      malformedLines: 1,
      parseFailures: { kalshi_ws: 1 },
      messages: { kalshi_ws: 22, polymarket_ws: 1 },
    });
    expect(formatSummary(summaries[0]!)).toContain('candidates suppressed as stale');
  });
});
