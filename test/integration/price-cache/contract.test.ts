import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { TopOfBook } from '#domain/prices';
import { createInMemoryPriceCache } from '../../../shared/adapters/price-cache/in-memory.ts';
import { createRedisPriceCache } from '../../../shared/adapters/price-cache/redis.ts';
import type { PriceCache } from '../../../shared/ports/price-cache.ts';
import { findRedis } from '../../support/redis.ts';

const redisUrl = await findRedis();
if (!redisUrl) {
  console.log('[price-cache] no Redis (REDIS_URL unset, nothing on 127.0.0.1:6379): the Redis contract run is skipped');
}

/** Each cache under test on its own keys (a unique prefix in Redis), deleted afterwards. */
const prefixes: string[] = [];
const implementations: { name: string; available: boolean; make(opts?: { ttlMs?: number }): PriceCache }[] = [
  { name: 'in-memory', available: true, make: (opts) => createInMemoryPriceCache(opts) },
  {
    name: 'redis',
    available: redisUrl !== undefined,
    make: (opts) => {
      const keyPrefix = `sharpline-test:${randomUUID()}:`;
      prefixes.push(keyPrefix);
      return createRedisPriceCache({ url: redisUrl as string, keyPrefix, ...opts });
    },
  },
];

afterAll(async () => {
  if (!redisUrl || prefixes.length === 0) return;
  const admin = new Redis(redisUrl);
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  admin.disconnect();
});

const price = (overrides: Partial<TopOfBook> = {}): TopOfBook => ({
  marketId: 'market-1',
  side: 'yes',
  venue: 'kalshi',
  bidMicros: 530_000,
  askMicros: 540_000,
  bidSizeHundredths: 1_000,
  askSizeHundredths: 250,
  observedAtMs: 1_795_431_600_000,
  ...overrides,
});

describe.each(implementations)('price cache contract: $name', ({ available, make }) => {
  const caches: PriceCache[] = [];
  const cache = (opts?: { ttlMs?: number }) => {
    const made = make(opts);
    caches.push(made);
    return made;
  };
  afterAll(async () => {
    for (const made of caches) await made.close();
  });

  it.skipIf(!available)('answers undefined for what it never held, and nothing for no keys', async () => {
    const c = cache();
    expect(await c.get([{ marketId: 'market-1', side: 'yes' }])).toEqual([undefined]);
    expect(await c.get([])).toEqual([]);
    await c.put([]);
  });

  it.skipIf(!available)(
    'returns the latest price of each side, in the order asked, with its observation time',
    async () => {
      const c = cache();
      const yes = price();
      const no = price({ side: 'no', bidMicros: 450_000, askMicros: null, askSizeHundredths: null });
      const other = price({ marketId: 'market-2', venue: 'polymarket', bidMicros: 0, askMicros: 1_000_000 });
      await c.put([yes, no, other]);
      expect(
        await c.get([
          { marketId: 'market-2', side: 'yes' },
          { marketId: 'market-1', side: 'no' },
          { marketId: 'market-2', side: 'no' },
          { marketId: 'market-1', side: 'yes' },
        ]),
      ).toEqual([other, no, undefined, yes]);
    },
  );

  it.skipIf(!available)('keeps a later observation over an earlier one that arrives after it', async () => {
    const c = cache();
    const later = price({ observedAtMs: 2_000, bidMicros: 600_000 });
    await c.put([later]);
    await c.put([price({ observedAtMs: 1_999, bidMicros: 100_000 })]);
    expect(await c.get([later])).toEqual([later]);
    const same = price({ observedAtMs: 2_000, bidMicros: 610_000 });
    await c.put([same]);
    expect(await c.get([later])).toEqual([same]);
    const newer = price({ observedAtMs: 2_001, bidMicros: 620_000 });
    await c.put([price({ observedAtMs: 2_500 }), newer].reverse());
    expect((await c.get([later]))[0]?.observedAtMs).toBe(2_500);
  });

  it.skipIf(!available)('refuses a price that is not integers in range, writing none of the batch', async () => {
    const c = cache();
    for (const bad of [
      { bidMicros: 0.5 },
      { askMicros: 1_000_001 },
      { bidSizeHundredths: -1 },
      { observedAtMs: 1.5 },
    ]) {
      await expect(c.put([price({ marketId: 'market-ok' }), price(bad)])).rejects.toThrow();
    }
    expect(await c.get([{ marketId: 'market-ok', side: 'yes' }])).toEqual([undefined]);
  });

  it.skipIf(!available)('lets an entry expire ttlMs after it was written', async () => {
    const c = cache({ ttlMs: 50 });
    await c.put([price()]);
    expect((await c.get([price()]))[0]).toBeDefined();
    const deadline = Date.now() + 5_000;
    let held = await c.get([price()]);
    while (held[0] !== undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      held = await c.get([price()]);
    }
    expect(held).toEqual([undefined]);
  });

  it.skipIf(!available)('answers a ping while up', async () => {
    await expect(cache().ping()).resolves.not.toThrow();
  });
});

describe('redis price cache when Redis is away', () => {
  it('rejects commands and pings quickly instead of hanging', async () => {
    const c = createRedisPriceCache({ url: 'redis://127.0.0.1:1' });
    try {
      const started = Date.now();
      await expect(c.ping()).rejects.toThrow();
      await expect(c.put([price()])).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await c.close();
    }
  });
});
