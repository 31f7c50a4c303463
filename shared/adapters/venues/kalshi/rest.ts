/**
 * Kalshi's public market-data REST endpoints (REFERENCE.md 1.4-1.5) over plain fetch. Kalshi's own SDK
 * (kalshi-typescript) goes through axios, which hides the raw body record mode keeps and ignores an injected fetch.
 */
import { z } from 'zod';
import type { FeedSource, KalshiMarketInfo } from '#domain/feed/events';
import type { PriceLevel } from '#domain/order-book';
import { FeedParseError } from '../feed-parse-error.ts';
import type { KalshiSigner } from './auth.ts';
import { parseKalshiMarketsResponse, parseKalshiOrderbookResponse } from './wire.ts';

export interface KalshiRestOptions {
  /** Up to and including `/trade-api/v2`, e.g. `https://api.elections.kalshi.com/trade-api/v2`. */
  baseUrl: string;
  fetch?: typeof globalThis.fetch;
  /** Market data needs no auth; given, every request is signed anyway. */
  signer?: KalshiSigner;
  /** Record mode: each successful body as received; `path` is relative to `baseUrl`, with its query. */
  onRaw?: (source: FeedSource, raw: string, receivedAtMs: number, path?: string) => void;
  now: () => number;
}

export interface KalshiMarketsQuery {
  seriesTicker?: string;
  eventTicker?: string;
  /** The filter's own vocabulary: `open`, `closed`, `settled`, `unopened`. */
  status?: string;
  /** Page size, 1..1000. */
  limit?: number;
}

export interface KalshiRestClient {
  /** Every page of `GET /markets`, following `cursor` until it comes back empty. */
  getMarkets(query?: KalshiMarketsQuery): Promise<KalshiMarketInfo[]>;
  getMarket(ticker: string): Promise<KalshiMarketInfo>;
  /** `depth` 0 (the default) is every level. */
  getOrderbook(ticker: string, depth?: number): Promise<{ yesBids: PriceLevel[]; noBids: PriceLevel[] }>;
}

export class KalshiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
  ) {
    super(`Kalshi ${path} answered HTTP ${status}`);
    this.name = 'KalshiHttpError';
  }
}

const cursorOf = z.object({ cursor: z.string().nullish() });

export function createKalshiRestClient(options: KalshiRestOptions): KalshiRestClient {
  const get = (path: string) => getJson(options, path);
  return {
    async getMarkets(query = {}) {
      const markets: KalshiMarketInfo[] = [];
      let cursor: string | undefined;
      do {
        const body = await get(`/markets${queryString({ ...marketsParams(query), cursor })}`);
        markets.push(...parseKalshiMarketsResponse(body));
        cursor = cursorOf.parse(body).cursor || undefined;
      } while (cursor);
      return markets;
    },
    async getMarket(ticker) {
      const [market] = parseKalshiMarketsResponse(await get(`/markets/${encodeURIComponent(ticker)}`));
      if (!market) throw new FeedParseError('kalshi_rest', `no market in the answer for ${ticker}`, ticker);
      return market;
    },
    async getOrderbook(ticker, depth = 0) {
      const path = `/markets/${encodeURIComponent(ticker)}/orderbook${queryString({ depth: String(depth) })}`;
      return parseKalshiOrderbookResponse(await get(path));
    },
  };
}

function marketsParams(query: KalshiMarketsQuery): Record<string, string | undefined> {
  return {
    series_ticker: query.seriesTicker,
    event_ticker: query.eventTicker,
    status: query.status,
    limit: query.limit === undefined ? undefined : String(query.limit),
  };
}

function queryString(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined)}`;
}

async function getJson(options: KalshiRestOptions, path: string): Promise<unknown> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.signer) Object.assign(headers, options.signer('GET', new URL(url).pathname));
  const response = await (options.fetch ?? globalThis.fetch)(url, { headers });
  const text = await response.text();
  if (!response.ok) throw new KalshiHttpError(response.status, path);
  options.onRaw?.('kalshi_rest', text, options.now(), path);
  try {
    return JSON.parse(text);
  } catch {
    throw new FeedParseError('kalshi_rest', `${path}: not JSON`, text);
  }
}
