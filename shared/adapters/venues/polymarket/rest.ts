/**
 * Polymarket REST: Gamma market discovery (`GET /markets`) and the CLOB's public books (`GET /book`, `POST /books`),
 * over plain `fetch`. The official `@polymarket/clob-client-v2` is not used: it brings viem, ethers providers and
 * axios (86 packages) for a wallet we do not need to read two public endpoints, and it does not cover Gamma.
 *
 * Every Gamma body goes to `onRaw('polymarket_gamma', ...)` before it is parsed, so record mode keeps what
 * discovery saw. CLOB books are for tools and tests: the shard resyncs a book by resubscribing on the WebSocket.
 */
import type { FeedSource, PolymarketBookSnapshot, PolymarketMarketInfo } from '#domain/feed/events';
import { parseGammaMarkets, parsePolymarketBookResponse, parsePolymarketBooksResponse } from './wire.ts';

/** Production hosts (REFERENCE.md 2.1), for the config to default to. */
export const polymarketHosts = {
  gamma: 'https://gamma-api.polymarket.com',
  clob: 'https://clob.polymarket.com',
  marketWs: 'wss://ws-subscriptions-clob.polymarket.com/ws/market',
} as const;

export type OnRaw = (source: FeedSource, raw: string, receivedAtMs: number, path?: string) => void;

export interface PolymarketRestOptions {
  gammaBaseUrl: string;
  clobBaseUrl: string;
  fetch?: typeof fetch;
  onRaw?: OnRaw;
  now?: () => number;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

/** Gamma `GET /markets` filters (repeatable ones as arrays). */
export interface GammaMarketsQuery {
  slug?: readonly string[];
  conditionIds?: readonly string[];
  clobTokenIds?: readonly string[];
  tagId?: number | string;
  active?: boolean;
  closed?: boolean;
  /** ISO-8601 bounds on `endDate` (for game markets, the scheduled start). */
  endDateMin?: string;
  endDateMax?: string;
  order?: string;
  ascending?: boolean;
}

/** A non-2xx answer. */
export class PolymarketHttpError extends Error {
  readonly status: number;
  readonly path: string;

  constructor(status: number, path: string, body: string) {
    super(`Polymarket ${path} answered ${status}: ${body.slice(0, 200)}`);
    this.name = 'PolymarketHttpError';
    this.status = status;
    this.path = path;
  }
}

export interface PolymarketRestClient {
  /** One page of `GET /markets`. */
  gammaMarkets(query: GammaMarketsQuery, page?: { limit: number; offset: number }): Promise<PolymarketMarketInfo[]>;
  /** Every page of `GET /markets` (limit/offset) until a short page, or `maxPages`. */
  allGammaMarkets(
    query: GammaMarketsQuery,
    paging?: { pageSize?: number; maxPages?: number },
  ): Promise<PolymarketMarketInfo[]>;
  /** CLOB `GET /book?token_id=`. */
  book(tokenId: string): Promise<PolymarketBookSnapshot>;
  /** CLOB `POST /books` with `[{token_id}, ...]`. */
  books(tokenIds: readonly string[]): Promise<PolymarketBookSnapshot[]>;
}

function gammaSearch(query: GammaMarketsQuery, page: { limit: number; offset: number }): URLSearchParams {
  const params = new URLSearchParams();
  for (const slug of query.slug ?? []) params.append('slug', slug);
  for (const id of query.conditionIds ?? []) params.append('condition_ids', id);
  for (const id of query.clobTokenIds ?? []) params.append('clob_token_ids', id);
  if (query.tagId !== undefined) params.set('tag_id', String(query.tagId));
  if (query.active !== undefined) params.set('active', String(query.active));
  if (query.closed !== undefined) params.set('closed', String(query.closed));
  if (query.endDateMin !== undefined) params.set('end_date_min', query.endDateMin);
  if (query.endDateMax !== undefined) params.set('end_date_max', query.endDateMax);
  if (query.order !== undefined) params.set('order', query.order);
  if (query.ascending !== undefined) params.set('ascending', String(query.ascending));
  params.set('limit', String(page.limit));
  params.set('offset', String(page.offset));
  return params;
}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_MAX_PAGES = 50;

export function createPolymarketRestClient(options: PolymarketRestOptions): PolymarketRestClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function request(
    base: string,
    path: string,
    init: { method: 'GET' | 'POST'; body?: string },
    source?: FeedSource,
  ): Promise<unknown> {
    const response = await doFetch(`${base.replace(/\/+$/, '')}${path}`, {
      method: init.method,
      headers: {
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new PolymarketHttpError(response.status, path, text);
    if (source !== undefined) options.onRaw?.(source, text, now(), path);
    try {
      return JSON.parse(text);
    } catch {
      throw new PolymarketHttpError(response.status, path, `not JSON: ${text}`);
    }
  }

  /** One Gamma page: the raw body (its length decides paging) and the markets parsed from it. */
  async function gammaPage(query: GammaMarketsQuery, page: { limit: number; offset: number }) {
    const path = `/markets?${gammaSearch(query, page).toString()}`;
    const body = await request(options.gammaBaseUrl, path, { method: 'GET' }, 'polymarket_gamma');
    return { body, markets: parseGammaMarkets(body) };
  }

  return {
    async gammaMarkets(query, page = { limit: DEFAULT_PAGE_SIZE, offset: 0 }) {
      return (await gammaPage(query, page)).markets;
    },

    async allGammaMarkets(query, paging = {}) {
      const limit = paging.pageSize ?? DEFAULT_PAGE_SIZE;
      const maxPages = paging.maxPages ?? DEFAULT_MAX_PAGES;
      const markets: PolymarketMarketInfo[] = [];
      for (let page = 0; page < maxPages; page += 1) {
        const { body, markets: parsed } = await gammaPage(query, { limit, offset: page * limit });
        markets.push(...parsed);
        // Count the raw page, not the parsed one: markets without a book are left out of the parse.
        if (!Array.isArray(body) || body.length < limit) break;
      }
      return markets;
    },

    async book(tokenId) {
      const path = `/book?${new URLSearchParams({ token_id: tokenId }).toString()}`;
      return parsePolymarketBookResponse(await request(options.clobBaseUrl, path, { method: 'GET' }));
    },

    async books(tokenIds) {
      const body = JSON.stringify(tokenIds.map((token_id) => ({ token_id })));
      return parsePolymarketBooksResponse(await request(options.clobBaseUrl, '/books', { method: 'POST', body }));
    },
  };
}
