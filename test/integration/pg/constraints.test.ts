import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '#adapters/pg/migrate';
import { createEmptyTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { insertMarketFixture, type MarketFixture } from '../../support/pg-fixtures.ts';

type Row = Record<string, unknown>;

interface BadRow {
  table: string;
  row: () => Promise<Row> | Row;
  constraint: string;
  code: '23514' | '23505';
  /** For a unique constraint: the valid row inserted first, which `row` then collides with. */
  first?: () => Promise<Row> | Row;
}

/** UNIQUE (id, venue) on markets is implied by the primary key; it exists only as the target of composite keys. */
const NOT_INDEPENDENTLY_VIOLABLE = new Set(['markets_id_venue_key']);

let seq = 0;
const next = () => ++seq;
const HOUR_MS = 3_600_000;

async function insert(db: TestDatabase, table: string, row: Row): Promise<void> {
  const columns = Object.keys(row);
  await db.pool.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(row),
  );
}

/** Only this layer's migrations (0001-0099): the constraints this test must cover, free of other ranges' columns. */
async function migrateCoreOnly(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const quiet = () => {};
  try {
    await runner({
      dbClient: client,
      dir: migrationsDir,
      ignorePattern: '(\\..*|0[1-9]\\d\\d_.*)',
      migrationsTable: 'schema_migrations',
      direction: 'up',
      checkOrder: false,
      logger: { debug: quiet, info: quiet, warn: quiet, error: console.error },
    });
  } finally {
    await client.end();
  }
}

describe('every CHECK and unique constraint rejects a bad row', () => {
  let db: TestDatabase;
  let fx: MarketFixture;
  let other: MarketFixture;
  let consentId: string;
  let orderId: string;

  const team = (over: Row = {}): Row => ({ sport: 'nba', abbreviation: `T${next()}`, name: 'Team', ...over });
  const alias = (over: Row = {}): Row => ({ team_id: fx.homeTeamId, sport: 'nba', alias: `alias ${next()}`, ...over });
  const game = (over: Row = {}): Row => ({
    sport: 'nba',
    home_team_id: fx.homeTeamId,
    away_team_id: fx.awayTeamId,
    starts_at: new Date(),
    espn_event_id: `ev-${next()}`,
    ...over,
  });
  const market = (over: Row = {}): Row => ({
    venue: 'kalshi',
    venue_market_id: `mkt-${next()}`,
    game_id: fx.gameId,
    outcome_team_id: fx.homeTeamId,
    yes_meaning: 'home wins',
    resolution_rule: 'rule',
    resolution_key: 'moneyline',
    ...over,
  });
  const price = (over: Row = {}): Row => ({
    observed_at: new Date(Date.UTC(2026, 0, 1) + next()),
    market_id: fx.kalshiMarketId,
    venue: 'kalshi',
    side: 'yes',
    bid_micros: 1,
    ask_micros: 2,
    ...over,
  });
  const hourly = (over: Row = {}): Row => ({
    bucket_start: new Date(Date.UTC(2026, 0, 1) + next() * HOUR_MS),
    market_id: fx.kalshiMarketId,
    side: 'yes',
    samples: 1,
    ...over,
  });
  const gameState = (over: Row = {}): Row => ({
    game_id: fx.gameId,
    observed_at: new Date(Date.UTC(2026, 0, 1) + next()),
    status: 'in_progress',
    period: 1,
    clock_remaining_seconds: 10,
    ...over,
  });
  const candidate = (over: Row = {}): Row => ({ id: `cand-${next()}`, payload: JSON.stringify({ a: 1 }), ...over });
  const signal = async (over: Row = {}): Promise<Row> => {
    const c = candidate();
    await insert(db, 'signal_candidates', c);
    return { candidate_id: c.id, decision: 'accepted', reason: 'edge', size_hundredths: 100, ...over };
  };
  const order = (over: Row = {}): Row => ({
    venue: 'kalshi',
    market_id: fx.kalshiMarketId,
    side: 'yes',
    count_hundredths: 100,
    limit_price_micros: 500_000,
    mode: 'paper',
    client_order_id: `co-${next()}`,
    venue_order_id: `vo-${next()}`,
    ...over,
  });
  const fill = (over: Row = {}): Row => ({
    order_id: orderId,
    venue: 'kalshi',
    venue_fill_id: `vf-${next()}`,
    quantity_hundredths: 1,
    price_micros: 1,
    filled_at: new Date(),
    ...over,
  });
  const trade = (over: Row = {}): Row => ({
    market_id: fx.kalshiMarketId,
    side: 'yes',
    quantity_hundredths: 1,
    price_micros: 1,
    ...over,
  });
  const position = (over: Row = {}): Row => ({
    market_id: fx.kalshiMarketId,
    side: 'yes',
    mode: 'paper',
    quantity_hundredths: 1,
    cost_micros: 1,
    status: 'settled',
    realized_pnl_micros: 0,
    settled_at: new Date(),
    ...over,
  });
  const openPosition = (): Row =>
    position({ market_id: fx.polymarketMarketId, status: 'open', realized_pnl_micros: null, settled_at: null });
  const bankroll = (over: Row = {}): Row => ({
    account: `acct-${next()}`,
    mode: 'paper',
    balance_micros: 0,
    last_reason: 'opening',
    ...over,
  });
  const bankrollAudit = (): Row => ({
    account: 'default',
    mode: 'paper',
    new_balance_micros: 0,
    delta_micros: 0,
    new_version: 0,
    reason: 'stake',
    ref: 'same-ref',
  });
  const day = (over: Row = {}): Row => ({
    day: new Date(Date.UTC(2026, 0, 1) + next() * 24 * HOUR_MS).toISOString().slice(0, 10),
    mode: 'paper',
    ...over,
  });
  const job = (over: Row = {}): Row => ({
    user_id: 'user-1',
    type: 'check_odds',
    payload: JSON.stringify({}),
    idempotency_key: `key-${next()}`,
    request_hash: 'hash',
    ...over,
  });
  const worker = (over: Row = {}): Row => ({ name: `worker-${next()}`, ...over });
  const audit = (over: Row = {}): Row => ({ actor: 'user-1', action: 'create', resource_type: 'job', ...over });
  const retention = (over: Row = {}): Row => ({
    table_name: 'market_prices',
    cutoff: new Date(),
    batch_size: 1,
    ...over,
  });
  const session = (over: Row = {}): Row => ({
    user_id: 'user-1',
    sportsbook: 'draftkings',
    consent_id: consentId,
    ciphertext: Buffer.from([1, 2, 3]),
    nonce: Buffer.alloc(12),
    auth_tag: Buffer.alloc(16),
    key_id: 'alias/sessions',
    expires_at: new Date(),
    ...over,
  });
  const consent = (over: Row = {}): Row => ({
    user_id: 'user-1',
    scope: 'store_session',
    sportsbook: 'draftkings',
    text_version: 'v1',
    ...over,
  });

  const check = (table: string, row: BadRow['row'], constraint: string): BadRow => ({
    table,
    row,
    constraint,
    code: '23514',
  });
  const unique = (table: string, first: BadRow['row'], row: BadRow['row'], constraint: string): BadRow => ({
    table,
    first,
    row,
    constraint,
    code: '23505',
  });
  const sameTwice = (make: () => Row): [() => Row, () => Row] => {
    let made: Row | undefined;
    return [
      () => {
        made = make();
        return made;
      },
      () => ({ ...made }),
    ];
  };

  const cases: BadRow[] = [
    check('audit_logs', () => audit({ action: '' }), 'audit_logs_action_check'),
    check('audit_logs', () => audit({ actor: '' }), 'audit_logs_actor_check'),
    check('audit_logs', () => audit({ resource_type: '' }), 'audit_logs_resource_type_check'),
    check('bankroll', () => bankroll({ account: '' }), 'bankroll_account_check'),
    check('bankroll', () => bankroll({ balance_micros: -1 }), 'bankroll_balance_micros_check'),
    check('bankroll', () => bankroll({ last_reason: '' }), 'bankroll_last_reason_check'),
    check('bankroll', () => bankroll({ mode: 'demo' }), 'bankroll_mode_check'),
    check('bankroll', () => bankroll({ version: -1 }), 'bankroll_version_check'),
    unique('bankroll_audit', bankrollAudit, bankrollAudit, 'bankroll_audit_once_idx'),
    check('daily_performance', () => day({ fees_micros: -1 }), 'daily_performance_fees_micros_check'),
    check('daily_performance', () => day({ losses: -1 }), 'daily_performance_losses_check'),
    check('daily_performance', () => day({ mode: 'demo' }), 'daily_performance_mode_check'),
    check('daily_performance', () => day({ positions_settled: -1 }), 'daily_performance_positions_settled_check'),
    check('daily_performance', () => day({ trades: -1 }), 'daily_performance_trades_check'),
    check('daily_performance', () => day({ volume_micros: -1 }), 'daily_performance_volume_micros_check'),
    check('daily_performance', () => day({ wins: -1 }), 'daily_performance_wins_check'),
    check('fills', () => fill({ fee_micros: -1 }), 'fills_fee_micros_check'),
    check('fills', () => fill({ price_micros: 1_000_001 }), 'fills_price_micros_check'),
    check('fills', () => fill({ price_micros: -1 }), 'fills_price_micros_check'),
    check('fills', () => fill({ quantity_hundredths: 0 }), 'fills_quantity_hundredths_check'),
    check('fills', () => fill({ venue: 'betfair' }), 'fills_venue_check'),
    check('fills', () => fill({ venue_fill_id: '' }), 'fills_venue_fill_id_check'),
    unique('fills', ...sameTwice(() => fill()), 'fills_venue_venue_fill_id_key'),
    check('game_states', () => gameState({ away_score: -1 }), 'game_states_away_score_check'),
    check('game_states', () => gameState({ winner_team_id: fx.homeTeamId }), 'game_states_check'),
    check('game_states', () => gameState({ clock_remaining_seconds: -1 }), 'game_states_clock_remaining_seconds_check'),
    unique('game_states', ...sameTwice(() => gameState()), 'game_states_game_id_observed_at_key'),
    check('game_states', () => gameState({ home_score: -1 }), 'game_states_home_score_check'),
    check('game_states', () => gameState({ period: -1 }), 'game_states_period_check'),
    check('game_states', () => gameState({ status: 'halftime' }), 'game_states_status_check'),
    check('games', () => game({ away_team_id: fx.homeTeamId }), 'games_check'),
    check('games', () => game({ status: 'final', winner_team_id: other.homeTeamId }), 'games_check1'),
    check('games', () => game({ winner_team_id: fx.homeTeamId }), 'games_check2'),
    unique('games', ...sameTwice(() => game()), 'games_espn_event_id_key'),
    check('games', () => game({ sport: 'mlb' }), 'games_sport_check'),
    check('games', () => game({ status: 'halftime' }), 'games_status_check'),
    check('jobs', () => job({ attempts: -1 }), 'jobs_attempts_check'),
    check('jobs', () => job({ idempotency_key: '' }), 'jobs_idempotency_key_check'),
    check('jobs', () => job({ max_attempts: 0 }), 'jobs_max_attempts_check'),
    check('jobs', () => job({ payload: '[]' }), 'jobs_payload_check'),
    check('jobs', () => job({ priority: 0 }), 'jobs_priority_check'),
    check('jobs', () => job({ priority: 11 }), 'jobs_priority_check'),
    check('jobs', () => job({ status: 'lost' }), 'jobs_status_check'),
    check('jobs', () => job({ type: 'withdraw' }), 'jobs_type_check'),
    check('jobs', () => job({ user_id: '' }), 'jobs_user_id_check'),
    unique('jobs', ...sameTwice(() => job()), 'jobs_user_id_idempotency_key_key'),
    check('kill_switch', () => ({ id: false, updated_by: 'test' }), 'kill_switch_id_check'),
    check('market_prices', () => price({ ask_micros: 1_000_001 }), 'market_prices_ask_micros_check'),
    check('market_prices', () => price({ ask_size_hundredths: -1 }), 'market_prices_ask_size_hundredths_check'),
    check('market_prices', () => price({ bid_micros: -1 }), 'market_prices_bid_micros_check'),
    check('market_prices', () => price({ bid_micros: 1_000_001, ask_micros: null }), 'market_prices_bid_micros_check'),
    check('market_prices', () => price({ bid_size_hundredths: -1 }), 'market_prices_bid_size_hundredths_check'),
    check('market_prices', () => price({ bid_micros: 3, ask_micros: 2 }), 'market_prices_check'),
    check('market_prices', () => price({ side: 'maybe' }), 'market_prices_side_check'),
    check('market_prices', () => price({ venue: 'betfair' }), 'market_prices_venue_check'),
    check(
      'market_prices_hourly',
      () => hourly({ ask_high_micros: 1_000_001 }),
      'market_prices_hourly_ask_high_micros_check',
    ),
    check('market_prices_hourly', () => hourly({ ask_low_micros: -1 }), 'market_prices_hourly_ask_low_micros_check'),
    check('market_prices_hourly', () => hourly({ bid_high_micros: -1 }), 'market_prices_hourly_bid_high_micros_check'),
    check(
      'market_prices_hourly',
      () => hourly({ bid_low_micros: 1_000_001 }),
      'market_prices_hourly_bid_low_micros_check',
    ),
    check(
      'market_prices_hourly',
      () => hourly({ bucket_start: new Date(Date.UTC(2026, 0, 1, 0, 30)) }),
      'market_prices_hourly_bucket_start_check',
    ),
    check('market_prices_hourly', () => hourly({ last_ask_micros: -1 }), 'market_prices_hourly_last_ask_micros_check'),
    check(
      'market_prices_hourly',
      () => hourly({ last_bid_micros: 1_000_001 }),
      'market_prices_hourly_last_bid_micros_check',
    ),
    check('market_prices_hourly', () => hourly({ samples: 0 }), 'market_prices_hourly_samples_check'),
    check('market_prices_hourly', () => hourly({ side: 'maybe' }), 'market_prices_hourly_side_check'),
    check('markets', () => market({ settled_outcome: 'yes' }), 'markets_check'),
    check('markets', () => market({ fee_exponent: -1 }), 'markets_fee_exponent_check'),
    check('markets', () => market({ fee_multiplier_ppm: -1 }), 'markets_fee_multiplier_ppm_check'),
    check('markets', () => market({ maker_fee_rate_ppm: 1_000_001 }), 'markets_maker_fee_rate_ppm_check'),
    check('markets', () => market({ resolution_key: '' }), 'markets_resolution_key_check'),
    check('markets', () => market({ status: 'settled', settled_outcome: 'void' }), 'markets_settled_outcome_check'),
    check('markets', () => market({ status: 'halted' }), 'markets_status_check'),
    check('markets', () => market({ taker_fee_rate_ppm: -1 }), 'markets_taker_fee_rate_ppm_check'),
    check('markets', () => market({ tick_size_micros: 0 }), 'markets_tick_size_micros_check'),
    check('markets', () => market({ venue: 'betfair' }), 'markets_venue_check'),
    check('markets', () => market({ venue_market_id: '' }), 'markets_venue_market_id_check'),
    unique('markets', ...sameTwice(() => market()), 'markets_venue_venue_market_id_key'),
    check('orders', () => order({ action: 'hold' }), 'orders_action_check'),
    check('orders', () => order({ filled_hundredths: 101 }), 'orders_check'),
    check('orders', () => order({ client_order_id: '' }), 'orders_client_order_id_check'),
    unique(
      'orders',
      () => order({ client_order_id: 'dup-co' }),
      () => order({ client_order_id: 'dup-co' }),
      'orders_client_order_id_key',
    ),
    check('orders', () => order({ count_hundredths: 0 }), 'orders_count_hundredths_check'),
    check('orders', () => order({ filled_hundredths: -1 }), 'orders_filled_hundredths_check'),
    check('orders', () => order({ limit_price_micros: 1_000_001 }), 'orders_limit_price_micros_check'),
    check('orders', () => order({ mode: 'demo' }), 'orders_mode_check'),
    check('orders', () => order({ side: 'maybe' }), 'orders_side_check'),
    check('orders', () => order({ status: 'lost' }), 'orders_status_check'),
    check('orders', () => order({ venue: 'betfair' }), 'orders_venue_check'),
    unique(
      'orders',
      () => order({ venue_order_id: 'dup-vo' }),
      () => order({ venue_order_id: 'dup-vo' }),
      'orders_venue_venue_order_id_key',
    ),
    check('paper_trades', () => trade({ action: 'hold' }), 'paper_trades_action_check'),
    check('paper_trades', () => trade({ fee_micros: -1 }), 'paper_trades_fee_micros_check'),
    check('paper_trades', () => trade({ price_micros: 1_000_001 }), 'paper_trades_price_micros_check'),
    check('paper_trades', () => trade({ quantity_hundredths: 0 }), 'paper_trades_quantity_hundredths_check'),
    check('paper_trades', () => trade({ side: 'maybe' }), 'paper_trades_side_check'),
    check('positions', () => position({ settled_at: null }), 'positions_check'),
    check('positions', () => position({ realized_pnl_micros: null }), 'positions_check1'),
    check('positions', () => position({ cost_micros: -1 }), 'positions_cost_micros_check'),
    check('positions', () => position({ fees_micros: -1 }), 'positions_fees_micros_check'),
    check('positions', () => position({ mode: 'demo' }), 'positions_mode_check'),
    check('positions', () => position({ quantity_hundredths: -1 }), 'positions_quantity_hundredths_check'),
    check('positions', () => position({ side: 'maybe' }), 'positions_side_check'),
    check('positions', () => position({ status: 'closed', settled_at: null }), 'positions_status_check'),
    unique('positions', openPosition, openPosition, 'positions_one_open_idx'),
    check('retention_runs', () => retention({ batch_size: 0 }), 'retention_runs_batch_size_check'),
    check('retention_runs', () => retention({ batches: -1 }), 'retention_runs_batches_check'),
    check('retention_runs', () => retention({ status: 'succeeded' }), 'retention_runs_check'),
    check('retention_runs', () => retention({ deleted_rows: -1 }), 'retention_runs_deleted_rows_check'),
    check(
      'retention_runs',
      () => retention({ status: 'done', finished_at: new Date() }),
      'retention_runs_status_check',
    ),
    check('signal_candidates', () => candidate({ id: '' }), 'signal_candidates_id_check'),
    check('signal_candidates', () => candidate({ payload: '"text"' }), 'signal_candidates_payload_check'),
    check('sportsbook_sessions', () => session({ auth_tag: Buffer.alloc(15) }), 'sportsbook_sessions_auth_tag_check'),
    check('sportsbook_sessions', () => session({ status: 'revoked' }), 'sportsbook_sessions_check'),
    check(
      'sportsbook_sessions',
      () => session({ ciphertext: Buffer.alloc(0) }),
      'sportsbook_sessions_ciphertext_check',
    ),
    check('sportsbook_sessions', () => session({ key_id: '' }), 'sportsbook_sessions_key_id_check'),
    check('sportsbook_sessions', () => session({ nonce: Buffer.alloc(11) }), 'sportsbook_sessions_nonce_check'),
    check('sportsbook_sessions', () => session({ sportsbook: '' }), 'sportsbook_sessions_sportsbook_check'),
    check('sportsbook_sessions', () => session({ status: 'paused' }), 'sportsbook_sessions_status_check'),
    check('sportsbook_sessions', () => session({ user_id: '' }), 'sportsbook_sessions_user_id_check'),
    check('team_aliases', () => alias({ alias: '   ' }), 'team_aliases_alias_check'),
    check('team_aliases', () => alias({ source: 'rumour' }), 'team_aliases_source_check'),
    check('team_aliases', () => alias({ sport: 'mlb' }), 'team_aliases_sport_check'),
    unique(
      'team_aliases',
      () => alias({ alias: 'Boston Celtics' }),
      () => alias({ alias: 'boston celtics' }),
      'team_aliases_sport_alias_idx',
    ),
    check('teams', () => team({ abbreviation: '' }), 'teams_abbreviation_check'),
    check('teams', () => team({ abbreviation: 'ABCDEFGHI' }), 'teams_abbreviation_check'),
    check('teams', () => team({ name: '' }), 'teams_name_check'),
    unique('teams', ...sameTwice(() => team()), 'teams_sport_abbreviation_key'),
    check('teams', () => team({ sport: 'mlb' }), 'teams_sport_check'),
    unique(
      'teams',
      () => team({ espn_team_id: 'e-1' }),
      () => team({ espn_team_id: 'e-1' }),
      'teams_sport_espn_team_id_key',
    ),
    unique(
      'trading_signals',
      signal,
      async () => {
        const { rows } = await db.pool.query<{ id: string }>('SELECT max(candidate_id) AS id FROM trading_signals');
        return { candidate_id: rows[0]?.id, decision: 'rejected', reason: 'again' };
      },
      'trading_signals_candidate_id_key',
    ),
    check('trading_signals', () => signal({ size_hundredths: null }), 'trading_signals_check'),
    check('trading_signals', () => signal({ decision: 'maybe' }), 'trading_signals_decision_check'),
    check('trading_signals', () => signal({ mode: 'demo' }), 'trading_signals_mode_check'),
    check('trading_signals', () => signal({ reason: '' }), 'trading_signals_reason_check'),
    check('trading_signals', () => signal({ size_hundredths: 0 }), 'trading_signals_size_hundredths_check'),
    check('trading_signals', () => signal({ stake_micros: -1 }), 'trading_signals_stake_micros_check'),
    check('trading_signals', () => signal({ win_probability: 1.0001 }), 'trading_signals_win_probability_check'),
    check('trading_signals', () => signal({ win_probability: -0.0001 }), 'trading_signals_win_probability_check'),
    check(
      'user_consents',
      () => consent({ granted_at: new Date(), revoked_at: new Date(Date.now() - HOUR_MS) }),
      'user_consents_check',
    ),
    check('user_consents', () => consent({ scope: 'everything' }), 'user_consents_scope_check'),
    check('user_consents', () => consent({ sportsbook: '' }), 'user_consents_sportsbook_check'),
    check('user_consents', () => consent({ text_version: '' }), 'user_consents_text_version_check'),
    check('user_consents', () => consent({ user_id: '' }), 'user_consents_user_id_check'),
    check('workers', () => worker({ heartbeat_timeout_ms: 0 }), 'workers_heartbeat_timeout_ms_check'),
    check('workers', () => worker({ name: '' }), 'workers_name_check'),
    unique('workers', ...sameTwice(() => worker()), 'workers_name_key'),
    check('workers', () => worker({ status: 'asleep' }), 'workers_status_check'),
  ];

  beforeAll(async () => {
    db = await createEmptyTestDatabase({ max: 2 });
    await migrateCoreOnly(db.url);
    fx = await insertMarketFixture(db.pool, 'c1');
    other = await insertMarketFixture(db.pool, 'c2');
    const c = await db.pool.query<{ id: string }>(
      `INSERT INTO user_consents (user_id, scope, text_version) VALUES ('user-1', 'store_session', 'v1') RETURNING id`,
    );
    consentId = c.rows[0]!.id;
    const o = await db.pool.query<{ id: string }>(
      `INSERT INTO orders (venue, market_id, side, count_hundredths, limit_price_micros, mode, client_order_id)
       VALUES ('kalshi', $1, 'yes', 100, 500000, 'paper', 'base-order') RETURNING id`,
      [fx.kalshiMarketId],
    );
    orderId = o.rows[0]!.id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each(cases.map((c) => [c.constraint, c] as const))('%s', async (_name, c) => {
    if (c.first) await insert(db, c.table, await c.first());
    const row = await c.row();
    const { rows: before } = await db.pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${c.table}`);
    await expect(insert(db, c.table, row)).rejects.toMatchObject({ code: c.code, constraint: c.constraint });
    const { rows: after } = await db.pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${c.table}`);
    expect(after).toEqual(before);
  });

  it('the cases above cover every CHECK and unique constraint of this layer', async () => {
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT conname AS name FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'u')
       UNION
       SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = 'public'::regnamespace AND i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    );
    const all = rows.map((r) => r.name).filter((name) => !NOT_INDEPENDENTLY_VIOLABLE.has(name));
    const covered = new Set(cases.map((c) => c.constraint));
    expect(all.filter((name) => !covered.has(name))).toEqual([]);
    expect(all.length).toBeGreaterThan(100);
  });
});
