import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, startApiStack } from './harness.ts';

let stack: ApiStack;
let viewer: string;
const ids = { game1: '', game2: '', kalshi: '', poly: '', signals: [] as string[] };

/** Seeds reference data and decisions the way the pipeline writes them, straight into the tables. */
async function seed(stack: ApiStack) {
  const q = (sql: string, params: unknown[] = []) => stack.pool.query(sql, params);
  const teams = await q(
    `INSERT INTO teams (sport, abbreviation, name) VALUES ('nba','BOS','Celtics'),('nba','NYK','Knicks'),
       ('nfl','KC','Chiefs'),('nfl','BUF','Bills') RETURNING id`,
  );
  const [bos, nyk, kc, buf] = teams.rows.map((r) => r.id as string);
  const games = await q(
    `INSERT INTO games (sport, home_team_id, away_team_id, starts_at, status) VALUES
       ('nba', $1, $2, '2026-11-20T00:00:00Z', 'final'), ('nfl', $3, $4, '2026-11-24T18:00:00Z', 'scheduled')
     RETURNING id`,
    [bos, nyk, kc, buf],
  );
  ids.game1 = games.rows[0].id;
  ids.game2 = games.rows[1].id;
  const markets = await q(
    `INSERT INTO markets (venue, venue_market_id, game_id, outcome_team_id, yes_meaning, resolution_rule, resolution_key)
     VALUES ('kalshi', 'KXNBA-BOS', $1, $2, 'BOS wins', 'incl. OT', 'moneyline:incl_ot'),
            ('polymarket', '0xabc', $1, $2, 'BOS wins', 'incl. OT', 'moneyline:incl_ot') RETURNING id`,
    [ids.game1, bos],
  );
  ids.kalshi = markets.rows[0].id;
  ids.poly = markets.rows[1].id;
  for (let i = 0; i < 5; i++) {
    await q(`INSERT INTO signal_candidates (id, payload) VALUES ($1, '{}')`, [`cand-${i}`]);
    const accepted = i % 2 === 0;
    const signal = await q(
      `INSERT INTO trading_signals (candidate_id, decision, reason, edge_bps, size_hundredths, stake_micros, decided_at)
       VALUES ($1, $2, $3, 250, $4, 5300000, '2026-11-20T01:00:00Z'::timestamptz + $5 * interval '1 second')
       RETURNING id`,
      [`cand-${i}`, accepted ? 'accepted' : 'rejected', accepted ? 'edge' : 'stale', accepted ? 1000 : null, i],
    );
    ids.signals.push(signal.rows[0].id);
  }
  await q(
    `INSERT INTO paper_trades (signal_id, market_id, side, quantity_hundredths, price_micros, cost_micros, fee_micros, executed_at)
     VALUES ($1, $2, 'yes', 1000, 530000, 5300000, 70000, '2026-11-20T01:00:01Z')`,
    [ids.signals[0], ids.kalshi],
  );
  await q(
    `INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, fees_micros)
     VALUES ($1, 'yes', 'paper', 1000, 5300000, 70000)`,
    [ids.kalshi],
  );
  await q(
    `UPDATE bankroll SET balance_micros = 1000000000, version = version + 1, last_reason = 'deposit'
     WHERE account = 'default' AND mode = 'paper'`,
  );
}

beforeAll(async () => {
  stack = await startApiStack();
  viewer = await stack.token('vera', 'viewer');
  await seed(stack);
});
afterAll(() => stack?.stop());

async function getItems(path: string) {
  const res = await stack.call('GET', path, { token: viewer });
  expect(res.status, path).toBe(200);
  return res.body as { items: Record<string, unknown>[]; nextCursor: string | null };
}

describe('trading reads', () => {
  it('pages signals in a stable order with filters', async () => {
    const seen: string[] = [];
    let path = '/v1/signals?limit=2';
    for (;;) {
      const page = await getItems(path);
      seen.push(...page.items.map((s) => s.id as string));
      if (!page.nextCursor) break;
      path = `/v1/signals?limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(ids.signals);
    const rejected = await getItems('/v1/signals?decision=rejected');
    expect(rejected.items.map((s) => s.id)).toEqual([ids.signals[1], ids.signals[3]]);
    expect((await getItems('/v1/signals?since=2026-11-20T01:00:03Z')).items).toHaveLength(2);
    expect((await getItems('/v1/signals?limit=1')).items[0]).toMatchObject({
      decision: 'accepted',
      stakeMicros: 5_300_000,
      sizeHundredths: 1000,
      edgeBps: 250,
    });
  });

  it('lists trades, positions, bankroll, games and markets in camelCase with integer units', async () => {
    expect((await getItems(`/v1/trades?marketId=${ids.kalshi}`)).items).toEqual([
      expect.objectContaining({
        marketId: ids.kalshi,
        priceMicros: 530_000,
        quantityHundredths: 1000,
        feeMicros: 70_000,
      }),
    ]);
    expect((await getItems(`/v1/trades?marketId=${ids.poly}`)).items).toEqual([]);
    expect((await getItems('/v1/positions?status=open&mode=paper')).items).toEqual([
      expect.objectContaining({ marketId: ids.kalshi, costMicros: 5_300_000, status: 'open', settledAt: null }),
    ]);
    expect((await getItems('/v1/bankroll?mode=paper')).items).toEqual([
      expect.objectContaining({ account: 'default', mode: 'paper', balanceMicros: 1_000_000_000, version: 1 }),
    ]);
    const bankroll = await getItems('/v1/bankroll?limit=1');
    expect(bankroll.nextCursor).not.toBeNull();
    expect((await getItems(`/v1/bankroll?limit=1&cursor=${bankroll.nextCursor}`)).items[0]).toMatchObject({
      mode: 'paper',
    });
    expect((await getItems('/v1/games?sport=nfl')).items).toEqual([
      expect.objectContaining({ id: ids.game2, homeTeam: expect.objectContaining({ abbreviation: 'KC' }) }),
    ]);
    expect(
      (await getItems('/v1/games?from=2026-11-19T00:00:00Z&to=2026-11-21T00:00:00Z')).items.map((g) => g.id),
    ).toEqual([ids.game1]);
    expect((await getItems('/v1/markets?venue=polymarket')).items).toEqual([
      expect.objectContaining({ id: ids.poly, venueMarketId: '0xabc', gameId: ids.game1 }),
    ]);
    expect((await getItems(`/v1/markets?gameId=${ids.game2}`)).items).toEqual([]);
  });
});
