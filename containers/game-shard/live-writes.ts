import { upsertMarketPrices } from '#adapters/pg/market-prices';
import { recordGameState } from '#adapters/pg/reference-data';
import type { Queryable } from '#adapters/pg/rows';
import type { TopOfBook } from '#domain/prices';
import type { GameStateRow } from '../../shared/domain/shard/markets.ts';
import type { PriceCache } from '../../shared/ports/price-cache.ts';
import type { DependencyStatus } from './health.ts';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface CacheWriter {
  /** Hands the latest tops to the cache and returns at once: a decision never waits on the cache. */
  put(prices: readonly TopOfBook[]): void;
  status(): DependencyStatus;
  /** Waits for the writes in flight. */
  drain(): Promise<void>;
}

/**
 * Latest top of book to the price cache, fire and forget: a failed write is counted and marks the cache down (health
 * shows it) until a write goes through again; the next book change writes a newer price anyway.
 */
export function createCacheWriter(cache: PriceCache): CacheWriter {
  const state: DependencyStatus = { up: true, errors: 0 };
  const inFlight = new Set<Promise<void>>();
  return {
    put: (prices) => {
      if (prices.length === 0) return;
      const write: Promise<void> = cache
        .put(prices)
        .then(() => {
          state.up = true;
        })
        .catch((error: unknown) => {
          state.up = false;
          state.errors += 1;
          state.lastError = errorText(error);
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
    },
    status: () => ({ ...state }),
    drain: async () => {
      await Promise.all(inFlight);
    },
  };
}

export interface PgSampler {
  prices(prices: readonly TopOfBook[]): void;
  gameState(state: GameStateRow): void;
  /** Writes what is buffered: prices in one upsert, then the states. Failures are counted, the rows dropped. */
  flush(): Promise<void>;
  status(): DependencyStatus;
  /** Rows waiting for the next flush. */
  pending(): number;
}

/**
 * Sampled prices and game states to Postgres: at most one price row per market side per `sampleMs` (the first
 * observation of each window; the cache holds the latest), written in batches by `flush`, which the live loop calls
 * on a timer and once more on shutdown. A database that is down costs samples, never a decision.
 */
export function createPgSampler(db: Queryable, opts: { sampleMs?: number } = {}): PgSampler {
  const sampleMs = opts.sampleMs ?? 1_000;
  const state: DependencyStatus = { up: true, errors: 0 };
  const lastWindow = new Map<string, number>();
  let prices: TopOfBook[] = [];
  let states: GameStateRow[] = [];
  let flushing: Promise<void> = Promise.resolve();

  const write = async (batch: TopOfBook[], rows: GameStateRow[]) => {
    try {
      if (batch.length > 0) await upsertMarketPrices(db, batch);
      for (const row of rows) await recordGameState(db, row);
      state.up = true;
    } catch (error) {
      state.up = false;
      state.errors += 1;
      state.lastError = errorText(error);
    }
  };

  return {
    prices: (observed) => {
      for (const price of observed) {
        const key = `${price.marketId}|${price.side}`;
        const window = Math.floor(price.observedAtMs / sampleMs);
        if (lastWindow.get(key) === window) continue;
        lastWindow.set(key, window);
        prices.push(price);
      }
    },
    gameState: (row) => {
      states.push(row);
    },
    flush: () => {
      const batch = prices;
      const rows = states;
      prices = [];
      states = [];
      // One flush at a time, in order: a game state never lands before the one observed earlier.
      flushing = flushing.then(() => write(batch, rows));
      return flushing;
    },
    status: () => ({ ...state }),
    pending: () => prices.length + states.length,
  };
}
