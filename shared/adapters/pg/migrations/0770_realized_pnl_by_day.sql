-- Up Migration
-- The daily loss limit counts a loss in the day it is realized. A sale (an open hedge's unwind) realizes P&L when it
-- fills, hours before its position settles at game end; counting it only at settlement let a bad evening of unwinds
-- lose money all evening before the limit tripped. Each sale's fill now records what it realized, in the transaction
-- that books it, and the day's realized P&L is one function the evaluator's snapshot and the executor's send-time
-- check both call.

-- One row per sale fill (unique on the fill, written only when the fill row is new). mode and realized_at (the fill's
-- own time, as fills.filled_at) are copied here so a day's rows are read off one index.
CREATE TABLE sale_realized_pnl (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  fill_id              uuid NOT NULL UNIQUE REFERENCES fills (id),
  position_id          uuid NOT NULL REFERENCES positions (id),
  mode                 text NOT NULL CHECK (mode IN ('paper', 'live')),
  realized_pnl_micros  bigint NOT NULL,
  realized_at          timestamptz NOT NULL
);
CREATE INDEX sale_realized_pnl_mode_at_idx ON sale_realized_pnl (mode, realized_at);
CREATE INDEX sale_realized_pnl_position_idx ON sale_realized_pnl (position_id);
CREATE TRIGGER sale_realized_pnl_deletion_audit AFTER DELETE ON sale_realized_pnl
  FOR EACH ROW EXECUTE FUNCTION audit_deletion();

-- The P&L realized since p_since_ms (the UTC day's start, as both callers compute it): what sales realized with fill
-- time since then, plus for positions settled since then what settlement alone realized (a position's total less its
-- sales, which counted on their own day). A sale booked before this migration has no row: it counts at settlement,
-- as it did.
CREATE FUNCTION risk_realized_pnl_since(p_mode text, p_since_ms bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT (SELECT coalesce(sum(p.realized_pnl_micros - coalesce(
                   (SELECT sum(r.realized_pnl_micros) FROM sale_realized_pnl r WHERE r.position_id = p.id), 0)), 0)
            FROM positions p
           WHERE p.mode = p_mode AND p.status = 'settled' AND p.settled_at >= to_timestamp(p_since_ms / 1000.0))::bigint
       + (SELECT coalesce(sum(r.realized_pnl_micros), 0)
            FROM sale_realized_pnl r
           WHERE r.mode = p_mode AND r.realized_at >= to_timestamp(p_since_ms / 1000.0))::bigint;
$$;

-- As migration 0610, with the day's realized P&L from the function above.
CREATE OR REPLACE FUNCTION pipeline_lock_and_load(
  p_legs jsonb,
  p_mode text,
  p_game_ids uuid[],
  p_cooldown_since_ms bigint,
  p_day_start_ms bigint,
  p_candidate_ids text[]
) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  v_snapshot json;
BEGIN
  PERFORM 1 FROM bankroll WHERE account = 'default' AND mode = p_mode FOR UPDATE;

  WITH keys AS (
    SELECT DISTINCT k.venue, k.venue_market_id FROM jsonb_to_recordset(p_legs) AS k(venue text, venue_market_id text)
  ), mk AS (
    SELECT m.id, m.venue, m.venue_market_id, m.game_id, m.resolution_key, m.outcome_team_id, m.tick_size_micros,
           m.tie_yes_payout_micros, m.cancel_yes_payout_micros, m.postpone_window_hours,
           m.status = 'open' AS open, coalesce(g.status, 'scheduled') IN ('scheduled', 'in_progress') AS game_live
      FROM markets m JOIN keys USING (venue, venue_market_id) LEFT JOIN games g ON g.id = m.game_id
  ), open_cost AS (
    SELECT p.market_id, p.cost_micros + p.fees_micros AS micros, p.quantity_hundredths AS hundredths
      FROM positions p WHERE p.status = 'open' AND p.mode = p_mode
    UNION ALL
    -- Live orders not yet filled count at their limit price, rounded up; the filled part is already a position.
    SELECT o.market_id, ((o.count_hundredths - o.filled_hundredths) * o.limit_price_micros + 99) / 100,
           o.count_hundredths - o.filled_hundredths
      FROM orders o WHERE o.mode = 'live' AND p_mode = 'live' AND o.status IN ('pending', 'sent', 'partially_filled')
  )
  SELECT json_build_object(
    'kill', (SELECT engaged FROM kill_switch),
    'bankroll', (SELECT json_build_object('balance', balance_micros, 'version', version)
                   FROM bankroll WHERE account = 'default' AND mode = p_mode),
    'markets', (SELECT coalesce(json_agg(mk), '[]') FROM mk),
    'market_exposure', (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT mk.venue, mk.venue_market_id, sum(oc.micros)::bigint AS micros, sum(oc.hundredths)::bigint AS hundredths
         FROM open_cost oc JOIN mk ON mk.id = oc.market_id GROUP BY mk.venue, mk.venue_market_id) x),
    'game_exposure', (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT m.game_id, sum(oc.micros)::bigint AS micros
         FROM open_cost oc JOIN markets m ON m.id = oc.market_id
        WHERE m.game_id = ANY(p_game_ids) GROUP BY m.game_id) x),
    'total_exposure', (SELECT coalesce(sum(micros), 0)::bigint FROM open_cost),
    'realized_today', risk_realized_pnl_since(p_mode, p_day_start_ms),
    'last_accepted', (SELECT coalesce(json_agg(x), '[]') FROM (
       -- Only accepted signals have orders, created when the signal was decided: the latest one per market side.
       SELECT mk.venue, mk.venue_market_id, s.side, (extract(epoch FROM latest.created_at) * 1000)::bigint AS at_ms
         FROM mk CROSS JOIN (VALUES ('yes'), ('no')) AS s(side)
         JOIN LATERAL (
           SELECT o.created_at FROM orders o
            WHERE o.market_id = mk.id AND o.side = s.side AND o.mode = p_mode AND o.signal_id IS NOT NULL
              AND o.created_at >= to_timestamp(p_cooldown_since_ms / 1000.0)
            ORDER BY o.created_at DESC LIMIT 1) latest ON true) x),
    'existing', (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT ts.candidate_id, ts.id AS signal_id, ts.decision, ts.reason,
              coalesce((SELECT json_agg(json_build_object(
                          'id', o.id, 'client_order_id', o.client_order_id, 'venue', o.venue,
                          'venue_market_id', m.venue_market_id, 'side', o.side, 'count_hundredths', o.count_hundredths,
                          'limit_price_micros', o.limit_price_micros, 'status', o.status) ORDER BY o.created_at, o.id)
                          FROM orders o JOIN markets m ON m.id = o.market_id WHERE o.signal_id = ts.id), '[]') AS orders
         FROM trading_signals ts WHERE ts.candidate_id = ANY(p_candidate_ids)) x)
  ) INTO v_snapshot;
  RETURN v_snapshot;
END;
$$;

-- The evaluator (in pipeline_lock_and_load) and the executor (its send-time check) read the day's total; the executor
-- books the sales. Not a pipeline_* function: those the runner grants to the evaluator and settlement only (0400).
GRANT SELECT ON sale_realized_pnl TO sharpline_evaluator;
GRANT SELECT, INSERT ON sale_realized_pnl TO sharpline_executor;
GRANT EXECUTE ON FUNCTION risk_realized_pnl_since(text, bigint) TO sharpline_evaluator, sharpline_executor;

-- Down Migration
CREATE OR REPLACE FUNCTION pipeline_lock_and_load(
  p_legs jsonb,
  p_mode text,
  p_game_ids uuid[],
  p_cooldown_since_ms bigint,
  p_day_start_ms bigint,
  p_candidate_ids text[]
) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  v_snapshot json;
BEGIN
  PERFORM 1 FROM bankroll WHERE account = 'default' AND mode = p_mode FOR UPDATE;

  WITH keys AS (
    SELECT DISTINCT k.venue, k.venue_market_id FROM jsonb_to_recordset(p_legs) AS k(venue text, venue_market_id text)
  ), mk AS (
    SELECT m.id, m.venue, m.venue_market_id, m.game_id, m.resolution_key, m.outcome_team_id, m.tick_size_micros,
           m.tie_yes_payout_micros, m.cancel_yes_payout_micros, m.postpone_window_hours,
           m.status = 'open' AS open, coalesce(g.status, 'scheduled') IN ('scheduled', 'in_progress') AS game_live
      FROM markets m JOIN keys USING (venue, venue_market_id) LEFT JOIN games g ON g.id = m.game_id
  ), open_cost AS (
    SELECT p.market_id, p.cost_micros + p.fees_micros AS micros, p.quantity_hundredths AS hundredths
      FROM positions p WHERE p.status = 'open' AND p.mode = p_mode
    UNION ALL
    -- Live orders not yet filled count at their limit price, rounded up; the filled part is already a position.
    SELECT o.market_id, ((o.count_hundredths - o.filled_hundredths) * o.limit_price_micros + 99) / 100,
           o.count_hundredths - o.filled_hundredths
      FROM orders o WHERE o.mode = 'live' AND p_mode = 'live' AND o.status IN ('pending', 'sent', 'partially_filled')
  )
  SELECT json_build_object(
    'kill', (SELECT engaged FROM kill_switch),
    'bankroll', (SELECT json_build_object('balance', balance_micros, 'version', version)
                   FROM bankroll WHERE account = 'default' AND mode = p_mode),
    'markets', (SELECT coalesce(json_agg(mk), '[]') FROM mk),
    'market_exposure', (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT mk.venue, mk.venue_market_id, sum(oc.micros)::bigint AS micros, sum(oc.hundredths)::bigint AS hundredths
         FROM open_cost oc JOIN mk ON mk.id = oc.market_id GROUP BY mk.venue, mk.venue_market_id) x),
    'game_exposure', (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT m.game_id, sum(oc.micros)::bigint AS micros
         FROM open_cost oc JOIN markets m ON m.id = oc.market_id
        WHERE m.game_id = ANY(p_game_ids) GROUP BY m.game_id) x),
    'total_exposure', (SELECT coalesce(sum(micros), 0)::bigint FROM open_cost),
    'realized_today', (SELECT coalesce(sum(realized_pnl_micros), 0)::bigint FROM positions
                        WHERE mode = p_mode AND status = 'settled'
                          AND settled_at >= to_timestamp(p_day_start_ms / 1000.0)),
    'last_accepted', (SELECT coalesce(json_agg(x), '[]') FROM (
       -- Only accepted signals have orders, created when the signal was decided: the latest one per market side.
       SELECT mk.venue, mk.venue_market_id, s.side, (extract(epoch FROM latest.created_at) * 1000)::bigint AS at_ms
         FROM mk CROSS JOIN (VALUES ('yes'), ('no')) AS s(side)
         JOIN LATERAL (
           SELECT o.created_at FROM orders o
            WHERE o.market_id = mk.id AND o.side = s.side AND o.mode = p_mode AND o.signal_id IS NOT NULL
              AND o.created_at >= to_timestamp(p_cooldown_since_ms / 1000.0)
            ORDER BY o.created_at DESC LIMIT 1) latest ON true) x),
    'existing', (SELECT coalesce(json_agg(x), '[]') FROM (
       SELECT ts.candidate_id, ts.id AS signal_id, ts.decision, ts.reason,
              coalesce((SELECT json_agg(json_build_object(
                          'id', o.id, 'client_order_id', o.client_order_id, 'venue', o.venue,
                          'venue_market_id', m.venue_market_id, 'side', o.side, 'count_hundredths', o.count_hundredths,
                          'limit_price_micros', o.limit_price_micros, 'status', o.status) ORDER BY o.created_at, o.id)
                          FROM orders o JOIN markets m ON m.id = o.market_id WHERE o.signal_id = ts.id), '[]') AS orders
         FROM trading_signals ts WHERE ts.candidate_id = ANY(p_candidate_ids)) x)
  ) INTO v_snapshot;
  RETURN v_snapshot;
END;
$$;

DROP FUNCTION risk_realized_pnl_since(text, bigint);
DROP TABLE sale_realized_pnl;
