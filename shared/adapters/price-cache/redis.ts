import { Redis, type Result } from 'ioredis';
import type { MarketSideId, TopOfBook } from '#domain/prices';
import type { PriceCache } from '../../ports/price-cache.ts';
import { checkedPrice, DEFAULT_TTL_MS, keyOf, topOfBookSchema } from './price.ts';

export interface RedisPriceCacheOptions {
  /** `redis://host:port` or, for ElastiCache with encryption in transit, `rediss://host:port` (TLS). */
  url: string;
  /** The ElastiCache AUTH token (`REDIS_AUTH_TOKEN`). */
  authToken?: string;
  ttlMs?: number;
  /** Keys are `<prefix><marketId>:<side>`. */
  keyPrefix?: string;
}

/** Writes a price unless the held one was observed later, atomically: prices of one side can arrive out of order. */
const PUT_IF_NOT_OLDER = `
local held = redis.call('GET', KEYS[1])
if held and tonumber(cjson.decode(held).observedAtMs) > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

// The script's command on the client and its pipelines, as ioredis documents for `defineCommand`.
declare module 'ioredis' {
  interface RedisCommander<Context> {
    putLatestPrice(key: string, json: string, observedAtMs: number, ttlMs: number): Result<number, Context>;
  }
}

/** The price cache on Redis (ElastiCache in AWS), through ioredis. */
export function createRedisPriceCache(opts: RedisPriceCacheOptions): PriceCache {
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  const client = new Redis(opts.url, {
    password: opts.authToken,
    keyPrefix: opts.keyPrefix ?? 'sharpline:price:',
    // Connect on first use and fail a command fast while Redis is away: a price that cannot be cached now is
    // replaced by the next one, and a health check must answer within its timeout.
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
  });
  // Failures reach callers as rejected commands; without a listener ioredis would also print each one.
  client.on('error', () => undefined);
  client.defineCommand('putLatestPrice', { numberOfKeys: 1, lua: PUT_IF_NOT_OLDER });

  return {
    put: async (prices) => {
      if (prices.length === 0) return;
      const checked = prices.map(checkedPrice);
      const pipeline = client.pipeline();
      for (const price of checked) {
        pipeline.putLatestPrice(keyOf(price), JSON.stringify(price), price.observedAtMs, ttlMs);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    },
    get: async (keys: readonly MarketSideId[]) => {
      if (keys.length === 0) return [];
      const values = await client.mget(keys.map(keyOf));
      return values.map((value): TopOfBook | undefined =>
        value === null ? undefined : topOfBookSchema.parse(JSON.parse(value)),
      );
    },
    ping: async () => {
      await client.ping();
      return undefined;
    },
    close: async () => {
      client.disconnect();
    },
  };
}
