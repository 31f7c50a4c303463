import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolymarketRestClient, PolymarketHttpError } from '#adapters/venues/polymarket/rest';
import type { FeedSource } from '#domain/feed/events';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8');
const market = JSON.parse(fixture('polymarket_gamma_market.json')) as Record<string, unknown>;
const clobBook = fixture('polymarket_clob_book.json');

/** Five Gamma markets, distinct ids, the fourth without an order book. */
const markets = Array.from({ length: 5 }, (_, i) => ({
  ...market,
  id: String(1000 + i),
  slug: `market-${i}`,
  ...(i === 3 ? { enableOrderBook: false } : {}),
}));

interface Seen {
  method: string;
  url: string;
  body: string;
}

describe('Polymarket REST client against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => resolve(body));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await readBody(req);
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/gamma/markets') {
        const limit = Number(url.searchParams.get('limit'));
        const offset = Number(url.searchParams.get('offset'));
        res.end(JSON.stringify(markets.slice(offset, offset + limit)));
      } else if (url.pathname === '/book' && url.searchParams.get('token_id')) {
        res.end(clobBook);
      } else if (url.pathname === '/books' && req.method === 'POST') {
        const tokens = JSON.parse(body) as { token_id: string }[];
        res.end(JSON.stringify(tokens.map(() => JSON.parse(clobBook))));
      } else {
        res.statusCode = 500;
        res.end('{"error":"boom"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('pages Gamma /markets with limit/offset until a short page, every raw body to onRaw', async () => {
    seen.length = 0;
    const raws: { source: FeedSource; raw: string; t: number; path?: string }[] = [];
    const client = createPolymarketRestClient({
      gammaBaseUrl: `${base}/gamma/`,
      clobBaseUrl: base,
      now: () => 42,
      onRaw: (source, raw, t, path) => raws.push({ source, raw, t, ...(path === undefined ? {} : { path }) }),
    });
    const found = await client.allGammaMarkets(
      { slug: ['a', 'b'], tagId: 745, active: true, closed: false },
      {
        pageSize: 2,
      },
    );
    // Pages of 2, 2 and 1 (the short page ends it); the market without a book is left out.
    expect(found.map((m) => m.gammaId)).toEqual(['1000', '1001', '1002', '1004']);
    expect(seen.map((s) => new URL(s.url, base).searchParams.get('offset'))).toEqual(['0', '2', '4']);
    const first = new URL(seen[0]!.url, base).searchParams;
    expect(first.getAll('slug')).toEqual(['a', 'b']);
    expect([first.get('tag_id'), first.get('active'), first.get('closed'), first.get('limit')]).toEqual([
      '745',
      'true',
      'false',
      '2',
    ]);
    expect(raws).toHaveLength(3);
    expect(raws[0]).toMatchObject({ source: 'polymarket_gamma', t: 42, path: seen[0]!.url.replace('/gamma', '') });
    expect(JSON.parse(raws[2]!.raw)).toHaveLength(1);
  });

  it('reads one Gamma page, and CLOB /book and POST /books (not recorded: resync is over the WebSocket)', async () => {
    seen.length = 0;
    const raws: string[] = [];
    const client = createPolymarketRestClient({
      gammaBaseUrl: `${base}/gamma`,
      clobBaseUrl: base,
      onRaw: (_source, raw) => raws.push(raw),
    });
    const page = await client.gammaMarkets({ slug: ['x'] }, { limit: 3, offset: 1 });
    expect(page.map((m) => m.gammaId)).toEqual(['1001', '1002']);
    const book = await client.book('915626');
    expect(book).toMatchObject({ type: 'polymarket_book', tickSizeMicros: 10_000 });
    expect(seen.at(-1)!.url).toBe('/book?token_id=915626');
    const books = await client.books(['1', '2']);
    expect(books).toEqual([book, book]);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/books', body: '[{"token_id":"1"},{"token_id":"2"}]' });
    expect(raws).toHaveLength(1);
  });

  it('throws PolymarketHttpError on a non-2xx answer and uses the injected fetch', async () => {
    const client = createPolymarketRestClient({ gammaBaseUrl: `${base}/nowhere`, clobBaseUrl: base });
    await expect(client.gammaMarkets({})).rejects.toBeInstanceOf(PolymarketHttpError);
    const urls: string[] = [];
    const injected = createPolymarketRestClient({
      gammaBaseUrl: 'https://gamma.invalid',
      clobBaseUrl: 'https://clob.invalid',
      fetch: async (input) => {
        urls.push(String(input));
        return new Response(clobBook, { status: 200 });
      },
    });
    await injected.book('7');
    expect(urls).toEqual(['https://clob.invalid/book?token_id=7']);
  });
});
