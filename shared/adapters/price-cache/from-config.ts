import type { ApiConfig } from '#config/env';
import type { PriceCache } from '../../ports/price-cache.ts';
import { createInMemoryPriceCache } from './in-memory.ts';
import { createRedisPriceCache } from './redis.ts';

/** Redis when `REDIS_URL` is set (with `REDIS_AUTH_TOKEN` in AWS), else the in-memory cache (DESIGN.md section 2). */
export function priceCacheFromConfig(config: Pick<ApiConfig, 'REDIS_URL' | 'REDIS_AUTH_TOKEN'>): PriceCache {
  return config.REDIS_URL
    ? createRedisPriceCache({ url: config.REDIS_URL, authToken: config.REDIS_AUTH_TOKEN })
    : createInMemoryPriceCache();
}
