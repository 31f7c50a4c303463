import type pg from 'pg';
import type {
  BankrollHistoryRow,
  BankrollRow,
  GameRow,
  MarketRow,
  PositionRow,
  SignalRow,
  TradeRow,
} from '../../ports/api/trading-reads.ts';
import { runQuery } from './errors.ts';

/**
 * Read-only queries behind the trading routes. Each is one static statement: optional filters are `$n IS NULL OR`
 * conditions, and pages are keyset pages on the listed order, fetching `limit + 1` rows to tell whether more follow.
 */
type Db = pg.Pool | pg.PoolClient;
interface After {
  k: string;
  id: string;
}
const cursorParams = (after: After | undefined) => [after?.k ?? null, after?.id ?? null];

export async function listSignals(
  db: Db,
  q: { decision?: string; kind?: string; mode?: string; since?: string; limit: number; after?: After },
): Promise<SignalRow[]> {
  const { rows } = await runQuery<SignalRow>(
    db,
    `SELECT id, candidate_id, decision, reason, mode, edge_bps, win_probability, size_hundredths, stake_micros,
            details ->> 'kind' AS kind, CASE WHEN details ->> 'kind' = 'surebet' THEN details END AS surebet,
            decided_at, decided_at::text AS cursor_key
     FROM trading_signals
     WHERE ($1::text IS NULL OR decision = $1) AND ($2::text IS NULL OR mode = $2)
       AND ($3::timestamptz IS NULL OR decided_at >= $3)
       AND ($4::timestamptz IS NULL OR (decided_at, id) > ($4::timestamptz, $5::uuid))
       AND ($7::text IS NULL OR details ->> 'kind' = $7)
     ORDER BY decided_at, id LIMIT $6`,
    [q.decision ?? null, q.mode ?? null, q.since ?? null, ...cursorParams(q.after), q.limit + 1, q.kind ?? null],
  );
  return rows;
}

export async function listTrades(
  db: Db,
  q: { marketId?: string; signalId?: string; since?: string; limit: number; after?: After },
): Promise<TradeRow[]> {
  const { rows } = await runQuery<TradeRow>(
    db,
    `SELECT id, signal_id, order_id, market_id, side, action, quantity_hundredths, price_micros, cost_micros,
            fee_micros, executed_at, executed_at::text AS cursor_key
     FROM paper_trades
     WHERE ($1::uuid IS NULL OR market_id = $1) AND ($2::uuid IS NULL OR signal_id = $2)
       AND ($3::timestamptz IS NULL OR executed_at >= $3)
       AND ($4::timestamptz IS NULL OR (executed_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY executed_at, id LIMIT $6`,
    [q.marketId ?? null, q.signalId ?? null, q.since ?? null, ...cursorParams(q.after), q.limit + 1],
  );
  return rows;
}

export async function listPositions(
  db: Db,
  q: { status?: string; mode?: string; marketId?: string; limit: number; after?: After },
): Promise<PositionRow[]> {
  const { rows } = await runQuery<PositionRow>(
    db,
    `SELECT id, market_id, side, mode, quantity_hundredths, cost_micros, fees_micros, status, realized_pnl_micros,
            opened_at, settled_at, opened_at::text AS cursor_key,
            -- Contracts of this live position an arbitrage's second leg left uncovered (migration 0700).
            (SELECT coalesce(sum(h.unhedged_hundredths), 0)::bigint FROM open_hedges h
               JOIN orders o ON o.id = h.first_order_id
              WHERE h.status = 'open' AND o.market_id = positions.market_id AND o.side = positions.side
                AND positions.mode = 'live' AND positions.status = 'open') AS open_hedge_hundredths,
            -- The hedges whose first leg bought into it that its rule acted on (migration 0740), latest first.
            (SELECT coalesce(json_agg(json_build_object(
                      'signalId', x.signal_id, 'status', x.status, 'unhedgedHundredths', x.unhedged_hundredths,
                      'attempts', x.attempts, 'resolution', x.resolution) ORDER BY x.opened_at DESC), '[]')
               FROM (SELECT h.* FROM open_hedges h JOIN orders o ON o.id = h.first_order_id
                      WHERE h.resolution IS NOT NULL AND o.market_id = positions.market_id AND o.side = positions.side
                        AND positions.mode = 'live' AND positions.status = 'open'
                      ORDER BY h.opened_at DESC LIMIT 20) x) AS hedges
     FROM positions
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR mode = $2)
       AND ($3::uuid IS NULL OR market_id = $3)
       AND ($4::timestamptz IS NULL OR (opened_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY opened_at, id LIMIT $6`,
    [q.status ?? null, q.mode ?? null, q.marketId ?? null, ...cursorParams(q.after), q.limit + 1],
  );
  return rows;
}

/** Keyed by (account, mode): the cursor's `k` is the account and its `id` the mode. */
export async function listBankrolls(
  db: Db,
  q: { mode?: string; limit: number; after?: After },
): Promise<BankrollRow[]> {
  const { rows } = await runQuery<BankrollRow>(
    db,
    `SELECT account, mode, balance_micros, version, updated_at FROM bankroll
     WHERE ($1::text IS NULL OR mode = $1)
       AND ($2::text IS NULL OR (account, mode) > ($2::text, $3::text))
     ORDER BY account, mode LIMIT $4`,
    [q.mode ?? null, ...cursorParams(q.after), q.limit + 1],
  );
  return rows;
}

/**
 * The audit rows of one bankroll, keyed by the row id: each change is written under the bankroll row's lock, so id
 * order is the order of the balances (version order). The cursor's `k` is that id.
 */
export async function listBankrollHistory(
  db: Db,
  q: { account: string; mode: string; since?: string; limit: number; after?: After },
): Promise<BankrollHistoryRow[]> {
  const { rows } = await runQuery<BankrollHistoryRow>(
    db,
    `SELECT id, account, mode, new_balance_micros AS balance_micros, delta_micros, new_version AS version, reason, ref, at
     FROM bankroll_audit
     WHERE account = $1 AND mode = $2 AND ($3::timestamptz IS NULL OR at >= $3)
       AND ($4::bigint IS NULL OR id > $4::bigint)
     ORDER BY id LIMIT $5`,
    [q.account, q.mode, q.since ?? null, q.after?.k ?? null, q.limit + 1],
  );
  return rows;
}

export async function listGames(
  db: Db,
  q: { sport?: string; status?: string; from?: string; to?: string; limit: number; after?: After },
): Promise<GameRow[]> {
  const { rows } = await runQuery<GameRow>(
    db,
    `SELECT g.id, g.sport, g.starts_at, g.status, g.espn_event_id, g.winner_team_id,
            h.id AS home_team_id, h.abbreviation AS home_abbreviation, h.name AS home_name,
            a.id AS away_team_id, a.abbreviation AS away_abbreviation, a.name AS away_name,
            g.starts_at::text AS cursor_key
     FROM games g JOIN teams h ON h.id = g.home_team_id JOIN teams a ON a.id = g.away_team_id
     WHERE ($1::text IS NULL OR g.sport = $1) AND ($2::text IS NULL OR g.status = $2)
       AND ($3::timestamptz IS NULL OR g.starts_at >= $3) AND ($4::timestamptz IS NULL OR g.starts_at < $4)
       AND ($5::timestamptz IS NULL OR (g.starts_at, g.id) > ($5::timestamptz, $6::uuid))
     ORDER BY g.starts_at, g.id LIMIT $7`,
    [q.sport ?? null, q.status ?? null, q.from ?? null, q.to ?? null, ...cursorParams(q.after), q.limit + 1],
  );
  return rows;
}

export async function listMarkets(
  db: Db,
  q: { venue?: string; gameId?: string; status?: string; limit: number; after?: After },
): Promise<MarketRow[]> {
  const { rows } = await runQuery<MarketRow>(
    db,
    `SELECT id, venue, venue_market_id, game_id, outcome_team_id, title, yes_meaning, resolution_key, status,
            settled_outcome, tick_size_micros, closes_at, created_at, created_at::text AS cursor_key
     FROM markets
     WHERE ($1::text IS NULL OR venue = $1) AND ($2::uuid IS NULL OR game_id = $2)
       AND ($3::text IS NULL OR status = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY created_at, id LIMIT $6`,
    [q.venue ?? null, q.gameId ?? null, q.status ?? null, ...cursorParams(q.after), q.limit + 1],
  );
  return rows;
}
