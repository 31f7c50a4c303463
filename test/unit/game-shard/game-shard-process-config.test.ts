import { describe, expect, it } from 'vitest';
import { gameShardConfig, loadConfig } from '#config/env';

describe('gameShardConfig', () => {
  it('defaults to one shard, the shared thresholds and the venues real base URLs', () => {
    expect(loadConfig(gameShardConfig, { env: {} })).toMatchObject({
      SHARD_INDEX: 0,
      SHARD_COUNT: 1,
      MIN_EDGE_BPS: 200,
      MIN_ARB_PROFIT_MICROS: 100_000,
      MIN_ARB_EDGE_BPS: 10,
      PRICE_STALE_AFTER_MS: 30_000,
      KALSHI_WS_URL: 'wss://api.elections.kalshi.com/trade-api/ws/v2',
      KALSHI_REST_URL: 'https://api.elections.kalshi.com/trade-api/v2',
      POLYMARKET_WS_URL: 'wss://ws-subscriptions-clob.polymarket.com/ws/market',
      POLYMARKET_GAMMA_URL: 'https://gamma-api.polymarket.com',
      ESPN_BASE_URL: 'https://site.api.espn.com',
      ESPN_LEAGUES: ['nba'],
      HEALTH_PORT: 8080,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('refuses a shard index at or above the count, naming the variable', () => {
    expect(() => loadConfig(gameShardConfig, { env: { SHARD_INDEX: '3', SHARD_COUNT: '3' } })).toThrow(
      /SHARD_INDEX: must be below SHARD_COUNT \(3\)/,
    );
    expect(loadConfig(gameShardConfig, { env: { SHARD_INDEX: '2', SHARD_COUNT: '3' } }).SHARD_INDEX).toBe(2);
  });

  it('parses leagues, refuses unknown ones, and wants the Kalshi key id and its secret together', () => {
    expect(loadConfig(gameShardConfig, { env: { ESPN_LEAGUES: 'NBA, nfl' } }).ESPN_LEAGUES).toEqual(['nba', 'nfl']);
    expect(() => loadConfig(gameShardConfig, { env: { ESPN_LEAGUES: 'nba,mlb' } })).toThrow(/ESPN_LEAGUES/);
    expect(() => loadConfig(gameShardConfig, { env: { KALSHI_API_KEY_ID: 'k' } })).toThrow(/KALSHI_API_KEY_ID/);
  });
});
