import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestMarketPrice, upsertMarketPrices } from '#adapters/pg/market-prices';
import type { TopOfBook } from '#domain/prices';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { insertMarketFixture, type MarketFixture } from '../../support/pg-fixtures.ts';

describe('market prices', () => {
  let db: TestDatabase;
  let fx: MarketFixture;
  const t0 = Date.UTC(2026, 10, 20, 18, 0, 0, 123);
  const price = (over: Partial<TopOfBook> = {}): TopOfBook => ({
    observedAtMs: t0,
    marketId: fx.kalshiMarketId,
    venue: 'kalshi',
    side: 'yes',
    bidMicros: 530_000,
    askMicros: 540_000,
    bidSizeHundredths: 1_000,
    askSizeHundredths: 2_550,
    ...over,
  });
  const count = async () => (await db.pool.query<{ n: number }>('SELECT count(*) AS n FROM market_prices')).rows[0]?.n;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await insertMarketFixture(db.pool, 'mp');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('round-trips exact integers and the millisecond timestamp', async () => {
    expect(await upsertMarketPrices(db.pool, [price()])).toBe(1);
    expect(await latestMarketPrice(db.pool, fx.kalshiMarketId, 'yes')).toEqual(price());
  });

  it('a duplicate (time, market, side) updates the row instead of adding one', async () => {
    const before = await count();
    await upsertMarketPrices(db.pool, [price({ bidMicros: 531_000 })]);
    await upsertMarketPrices(db.pool, [price({ bidMicros: 532_000 }), price({ bidMicros: 533_000 })]);
    expect(await count()).toBe(before);
    expect((await latestMarketPrice(db.pool, fx.kalshiMarketId, 'yes'))?.bidMicros).toBe(533_000);
  });

  it('keeps sides and instants apart, and the latest is the latest observation', async () => {
    await upsertMarketPrices(db.pool, [
      price({ side: 'no', bidMicros: 460_000, askMicros: 470_000 }),
      price({ observedAtMs: t0 + 1, bidMicros: 520_000 }),
    ]);
    expect((await latestMarketPrice(db.pool, fx.kalshiMarketId, 'no'))?.bidMicros).toBe(460_000);
    expect(await latestMarketPrice(db.pool, fx.kalshiMarketId, 'yes')).toMatchObject({
      observedAtMs: t0 + 1,
      bidMicros: 520_000,
    });
  });

  it('rejects a price out of range, a crossed book and a venue that is not the market venue, writing nothing', async () => {
    const before = await count();
    const at = t0 + 10_000;
    await expect(
      upsertMarketPrices(db.pool, [price({ observedAtMs: at, askMicros: 1_000_001 })]),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      upsertMarketPrices(db.pool, [price({ observedAtMs: at, bidMicros: 600_000, askMicros: 590_000 })]),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(upsertMarketPrices(db.pool, [price({ observedAtMs: at, venue: 'polymarket' })])).rejects.toMatchObject(
      { code: '23503' },
    );
    await expect(upsertMarketPrices(db.pool, [price({ observedAtMs: at, bidMicros: 0.5 })])).rejects.toThrow(
      RangeError,
    );
    expect(await count()).toBe(before);
  });
});
