import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '#adapters/venues/feed-parse-error';
import type { KalshiAuthHeaders } from '#adapters/venues/kalshi/auth';
import { createKalshiRestClient, KalshiHttpError } from '#adapters/venues/kalshi/rest';

const fixtureText = (name: string): string =>
  readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8');
const BASE = 'https://kalshi.test/trade-api/v2';
const TICKER = 'KXNBAGAME-26NOV14BOSDEN-DEN';

/** A fetch that answers from a table of URL -> [status, body] and keeps what it was asked. */
function fakeFetch(answers: Record<string, [number, string]>) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
    const [status, body] = answers[url] ?? [404, '{"error":"not found"}'];
    return new Response(body, { status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('Kalshi REST client', () => {
  it('pages GET /markets through the cursor and records every body with its path', async () => {
    const page = JSON.parse(fixtureText('kalshi_get_markets_response.json'));
    const second = { ...page.markets[0], ticker: 'KXNBAGAME-26NOV14BOSDEN-BOS' };
    const { fetch, calls } = fakeFetch({
      [`${BASE}/markets?series_ticker=KXNBAGAME&limit=1`]: [200, JSON.stringify({ ...page, cursor: 'c2' })],
      [`${BASE}/markets?series_ticker=KXNBAGAME&limit=1&cursor=c2`]: [
        200,
        JSON.stringify({ markets: [second], cursor: '' }),
      ],
    });
    const recorded: unknown[][] = [];
    const client = createKalshiRestClient({
      baseUrl: `${BASE}/`,
      fetch,
      onRaw: (...args) => recorded.push(args),
      now: () => 42,
    });
    const markets = await client.getMarkets({ seriesTicker: 'KXNBAGAME', limit: 1 });
    expect(markets.map((m) => m.ticker)).toEqual([TICKER, 'KXNBAGAME-26NOV14BOSDEN-BOS']);
    expect(calls).toHaveLength(2);
    expect(recorded).toEqual([
      ['kalshi_rest', JSON.stringify({ ...page, cursor: 'c2' }), 42, '/markets?series_ticker=KXNBAGAME&limit=1'],
      [
        'kalshi_rest',
        JSON.stringify({ markets: [second], cursor: '' }),
        42,
        '/markets?series_ticker=KXNBAGAME&limit=1&cursor=c2',
      ],
    ]);
  });

  it('gets one market and an order book, signing the path under the base URL when given a signer', async () => {
    const { fetch, calls } = fakeFetch({
      [`${BASE}/markets/${TICKER}`]: [200, fixtureText('kalshi_get_market_response.json')],
      [`${BASE}/markets/${TICKER}/orderbook?depth=0`]: [200, fixtureText('kalshi_get_orderbook_response.json')],
    });
    const signed: string[] = [];
    const signer = (method: string, path: string): KalshiAuthHeaders => {
      signed.push(`${method} ${path}`);
      return { 'KALSHI-ACCESS-KEY': 'k', 'KALSHI-ACCESS-TIMESTAMP': '1', 'KALSHI-ACCESS-SIGNATURE': 's' };
    };
    const client = createKalshiRestClient({ baseUrl: BASE, fetch, signer, now: () => 0 });
    expect((await client.getMarket(TICKER)).seriesTicker).toBe('KXNBAGAME');
    const book = await client.getOrderbook(TICKER);
    expect(book.yesBids.at(-1)).toEqual({ priceMicros: 690_000, quantity: 27_500 });
    expect(signed).toEqual([`GET /trade-api/v2/markets/${TICKER}`, `GET /trade-api/v2/markets/${TICKER}/orderbook`]);
    expect(calls[1]?.headers['KALSHI-ACCESS-KEY']).toBe('k');
  });

  it('fails on an HTTP error without recording it, and on a body that does not parse', async () => {
    const recorded: unknown[] = [];
    const { fetch } = fakeFetch({
      [`${BASE}/markets/BAD/orderbook?depth=0`]: [200, '{"orderbook_fp":{"yes_dollars":[["2.0000","1.00"]]}}'],
    });
    const client = createKalshiRestClient({ baseUrl: BASE, fetch, onRaw: (...a) => recorded.push(a), now: () => 0 });
    await expect(client.getMarket('MISSING')).rejects.toThrow(KalshiHttpError);
    await expect(client.getOrderbook('BAD')).rejects.toThrow(FeedParseError);
    expect(recorded).toHaveLength(1);
  });
});
