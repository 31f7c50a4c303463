/** The Postgres data layer. `embedded.ts` (local mode and tests only) is left out so Lambda bundles stay small. */
export * from './bankroll.ts';
export * from './market-prices.ts';
export * from './migrate.ts';
export * from './pool.ts';
export * from './retention.ts';
export * from './rollups.ts';
export * from './rows.ts';
