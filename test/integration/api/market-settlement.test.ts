import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordGameState } from '#adapters/pg/reference-data';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../../support/seed.ts';
import { type ApiStack, startApiStack } from './harness.ts';

/**
 * PUT /v1/markets/{id}/settlement: an admin enters the payout Kalshi set for a cancelled game, and settlement pays the
 * positions that were waiting for it, exactly, once. Everything else (role, input, a market its own rule decides,
 * a second different value) is refused and writes nothing.
 */
let stack: ApiStack;
let admin: string;
let game: SampleGame;
let yesId: string;
let noId: string;
const INITIAL = 500_000_000;

const path = (marketId: string) => `/v1/markets/${marketId}/settlement`;

async function settle() {
  const { settleFinishedGames } = await import('../../../shared/settlement/settle.ts');
  const { createPgSettlementStore } = await import('#adapters/pg/settlement-store');
  return settleFinishedGames(createPgSettlementStore(stack.pool), Date.now());
}

async function auditRows() {
  const { rows } = await stack.pool.query(
    `SELECT actor, action, resource_type, resource_id, details FROM audit_logs WHERE action = 'market.venue_settlement'`,
  );
  return rows;
}

const balance = async () =>
  (await stack.pool.query<{ b: number }>(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'paper'`)).rows[0]!.b;

beforeAll(async () => {
  stack = await startApiStack();
  admin = await stack.token('ops-admin', 'admin');
  game = await seedSampleGame(stack.pool);
  await fundPaperBankroll(stack.pool, INITIAL);
  const insert = async (side: string, quantity: number, cost: number) =>
    (
      await stack.pool.query<{ id: string }>(
        `INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros) VALUES ($1, $2, 'paper', $3, $4)
         RETURNING id`,
        [game.kalshiMarketId, side, quantity, cost],
      )
    ).rows[0]!.id;
  yesId = await insert('yes', 1_001, 4_000_000);
  noId = await insert('no', 250, 1_300_000);
});

afterAll(async () => {
  await stack?.stop();
});

describe('PUT /v1/markets/{id}/settlement', () => {
  it('refuses a market whose game has not ended, then anyone but an admin, and bad input, writing nothing', async () => {
    const body = { yesPayoutMicros: 412_345, source: 'Kalshi settlement notice' };
    expect((await stack.call('PUT', path(game.kalshiMarketId), { token: admin, body })).body).toMatchObject({
      error: { code: 'not_awaiting_venue' },
    });
    await recordGameState(stack.pool, {
      gameId: game.gameId,
      observedAtMs: Date.now() - 60_000,
      status: 'cancelled',
      period: 0,
      clockRemainingSeconds: 0,
      homeScore: 0,
      awayScore: 0,
      winnerTeamId: null,
    });
    expect(await settle()).toMatchObject({ settled: 0, awaitingVenue: 2 });

    const trader = await stack.token('t', 'trader');
    expect((await stack.call('PUT', path(game.kalshiMarketId), { token: trader, body })).status).toBe(403);
    expect((await stack.call('PUT', path(game.kalshiMarketId), { body })).status).toBe(401);
    for (const bad of [
      { yesPayoutMicros: 1_000_001, source: 's' },
      { yesPayoutMicros: -1, source: 's' },
      { yesPayoutMicros: 0.5, source: 's' },
      { yesPayoutMicros: '412345', source: 's' },
      { yesPayoutMicros: 1, source: '  ' },
      { yesPayoutMicros: 1 },
      { ...body, extra: true },
    ]) {
      const res = await stack.call('PUT', path(game.kalshiMarketId), { token: admin, body: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await stack.call('PUT', '/v1/markets/not-a-uuid/settlement', { token: admin, body })).status).toBe(400);
    const unknown = await stack.call('PUT', path('00000000-0000-4000-8000-000000000000'), { token: admin, body });
    expect(unknown.status).toBe(404);
    // Polymarket's own rule pays a cancellation 50-50: there is nothing for the venue to set.
    const poly = await stack.call('PUT', path(game.polymarketMarketId), { token: admin, body });
    expect(poly).toMatchObject({ status: 409, body: { error: { code: 'not_awaiting_venue' } } });
    expect(await auditRows()).toEqual([]);
    const { rows } = await stack.pool.query(`SELECT venue_yes_payout_micros FROM markets WHERE id = $1`, [
      game.kalshiMarketId,
    ]);
    expect(rows).toEqual([{ venue_yes_payout_micros: null }]);
  });

  it('stores the value once, audited, and settlement then pays it exactly', async () => {
    const body = { yesPayoutMicros: 412_345, source: 'Kalshi settlement notice' };
    const res = await stack.call('PUT', path(game.kalshiMarketId), { token: admin, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      marketId: game.kalshiMarketId,
      yesPayoutMicros: 412_345,
      noPayoutMicros: 587_655,
      source: 'Kalshi settlement notice',
      enteredBy: 'ops-admin',
    });
    expect(await auditRows()).toEqual([
      {
        actor: 'ops-admin',
        action: 'market.venue_settlement',
        resource_type: 'market',
        resource_id: game.kalshiMarketId,
        details: body,
      },
    ]);
    // The same value again changes nothing; another one is refused.
    expect((await stack.call('PUT', path(game.kalshiMarketId), { token: admin, body })).status).toBe(200);
    const other = await stack.call('PUT', path(game.kalshiMarketId), {
      token: admin,
      body: { ...body, yesPayoutMicros: 500_000 },
    });
    expect(other).toMatchObject({ status: 409, body: { error: { code: 'settlement_value_set' } } });
    expect(await auditRows()).toHaveLength(1);

    const before = await balance();
    // 10.01 contracts x $0.412345 = $4.12757345 and 2.50 x $0.587655 = $1.4691375, each rounded down to the micro.
    expect(await settle()).toMatchObject({ settled: 2, payoutMicros: 4_127_573 + 1_469_137, awaitingVenue: 0 });
    expect(await balance()).toBe(before + 4_127_573 + 1_469_137);
    const { rows } = await stack.pool.query(
      `SELECT id, status, realized_pnl_micros AS pnl FROM positions WHERE id = ANY($1::uuid[]) ORDER BY quantity_hundredths`,
      [[yesId, noId]],
    );
    expect(rows).toEqual([
      { id: noId, status: 'settled', pnl: 1_469_137 - 1_300_000 },
      { id: yesId, status: 'settled', pnl: 4_127_573 - 4_000_000 },
    ]);
    expect((await settle()).settled).toBe(0);
  });
});
