-- Up Migration
-- The evaluator decides each batch under the mode's risk lock (its bankroll row, FOR UPDATE) instead of racing an
-- optimistic lock: evaluators queue, none loses a batch. `pipeline_lock_and_load` takes the lock and then loads the
-- batch's risk state in a statement of its own, so the load sees every batch committed before the lock was granted;
-- the caller decides and calls `pipeline_write_decisions` in the same transaction. Settlement and the kill switch's
-- engage take the same lock.
--
-- Each paper trade and fill now carries its exact cost (what was debited for it, fees apart), so every report sums
-- what moved the bankroll instead of re-multiplying a rounded average price.

ALTER TABLE paper_trades ADD COLUMN cost_micros bigint CHECK (cost_micros >= 0);
UPDATE paper_trades SET cost_micros = (quantity_hundredths * price_micros + 99) / 100;
ALTER TABLE paper_trades ALTER COLUMN cost_micros SET NOT NULL;

ALTER TABLE fills ADD COLUMN cost_micros bigint CHECK (cost_micros >= 0);
UPDATE fills SET cost_micros = (quantity_hundredths * price_micros + 99) / 100;
ALTER TABLE fills ALTER COLUMN cost_micros SET NOT NULL;

CREATE FUNCTION pipeline_lock_and_load(
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

-- Records a batch's candidates before the risk lock is taken, so the lock is never held for their payloads. A
-- candidate seen before keeps its first record (a redelivery, or another evaluator with the same candidate).
CREATE FUNCTION pipeline_record_candidates(p_candidates jsonb, p_received_at_ms bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO signal_candidates (id, payload, received_at)
  SELECT c ->> 'id', c, to_timestamp(p_received_at_ms / 1000.0) FROM jsonb_array_elements(p_candidates) AS c
  ON CONFLICT (id) DO NOTHING;
$$;

-- As migration 0202, but the candidates are recorded before (pipeline_record_candidates), plus: nothing is accepted while the kill switch is engaged (the caller read it under the same
-- lock that the engage takes, so this only catches a caller that skipped the lock), and each paper trade and fill
-- records its exact cost.
CREATE OR REPLACE FUNCTION pipeline_write_decisions(
  p_signals jsonb,
  p_orders jsonb,
  p_mode text,
  p_decided_at_ms bigint,
  p_expected_version bigint,
  p_debit_micros bigint,
  p_ref text
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_written integer;
BEGIN
  IF p_ref IS NOT NULL THEN
    IF (SELECT engaged FROM kill_switch) IS NOT FALSE THEN
      RAISE EXCEPTION 'the kill switch is engaged: nothing may be accepted' USING ERRCODE = 'serialization_failure';
    END IF;
    UPDATE bankroll SET balance_micros = balance_micros - p_debit_micros, version = version + 1,
                        last_reason = CASE WHEN p_mode = 'paper' THEN 'paper_fills' ELSE 'live_orders' END,
                        last_ref = p_ref
     WHERE account = 'default' AND mode = p_mode AND version = p_expected_version;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'bankroll % moved past version %', p_mode, p_expected_version
        USING ERRCODE = 'serialization_failure';
    END IF;
  END IF;

  WITH d AS (
    SELECT * FROM jsonb_to_recordset(p_signals) AS d(
      candidate_id text, signal_id uuid, decision text, reason text, edge_bps integer,
      win_probability double precision, size_hundredths bigint, stake_micros bigint, details jsonb)
  ), o AS (
    SELECT * FROM jsonb_to_recordset(p_orders) AS o(
      order_id uuid, signal_id uuid, client_order_id text, venue text, market_id uuid, side text,
      count_hundredths bigint, limit_price_micros bigint, average_price_micros bigint, cost_micros bigint,
      fee_micros bigint)
  ), sig AS (
    INSERT INTO trading_signals (id, candidate_id, decision, reason, mode, edge_bps, win_probability, size_hundredths,
                                 stake_micros, details, decided_at)
    SELECT signal_id, candidate_id, decision, reason, p_mode, edge_bps, win_probability, size_hundredths, stake_micros,
           details, to_timestamp(p_decided_at_ms / 1000.0)
      FROM d
    ON CONFLICT (candidate_id) DO NOTHING
    RETURNING id
  ), ord AS (
    INSERT INTO orders (id, signal_id, venue, market_id, side, count_hundredths, limit_price_micros, filled_hundredths,
                        status, mode, client_order_id, created_at)
    SELECT o.order_id, o.signal_id, o.venue, o.market_id, o.side, o.count_hundredths, o.limit_price_micros,
           CASE WHEN p_mode = 'paper' THEN o.count_hundredths ELSE 0 END,
           CASE WHEN p_mode = 'paper' THEN 'filled' ELSE 'pending' END, p_mode, o.client_order_id,
           to_timestamp(p_decided_at_ms / 1000.0)
      FROM o JOIN sig ON sig.id = o.signal_id
    RETURNING id
  ), paper AS (
    SELECT o.* FROM o JOIN ord ON ord.id = o.order_id WHERE p_mode = 'paper'
  ), fil AS (
    INSERT INTO fills (order_id, venue, venue_fill_id, quantity_hundredths, price_micros, cost_micros, fee_micros,
                       filled_at)
    SELECT order_id, venue, 'paper-' || order_id, count_hundredths, average_price_micros, cost_micros, fee_micros,
           to_timestamp(p_decided_at_ms / 1000.0)
      FROM paper
  ), trade AS (
    INSERT INTO paper_trades (signal_id, order_id, market_id, side, quantity_hundredths, price_micros, cost_micros,
                              fee_micros, executed_at)
    SELECT signal_id, order_id, market_id, side, count_hundredths, average_price_micros, cost_micros, fee_micros,
           to_timestamp(p_decided_at_ms / 1000.0)
      FROM paper
  ), pos AS (
    INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, fees_micros, opened_at)
    SELECT market_id, side, 'paper', sum(count_hundredths), sum(cost_micros), sum(fee_micros),
           to_timestamp(p_decided_at_ms / 1000.0)
      FROM paper GROUP BY market_id, side
    ON CONFLICT (mode, market_id, side) WHERE status = 'open' DO UPDATE
      SET quantity_hundredths = positions.quantity_hundredths + EXCLUDED.quantity_hundredths,
          cost_micros = positions.cost_micros + EXCLUDED.cost_micros,
          fees_micros = positions.fees_micros + EXCLUDED.fees_micros
  )
  SELECT count(*) INTO v_written FROM sig;

  IF v_written <> jsonb_array_length(p_signals) THEN
    RAISE EXCEPTION 'a candidate of the batch was decided concurrently' USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN v_written;
END;
$$;

-- Down Migration
DROP FUNCTION pipeline_record_candidates(jsonb, bigint);
DROP FUNCTION pipeline_lock_and_load(jsonb, text, uuid[], bigint, bigint, text[]);
ALTER TABLE fills DROP COLUMN cost_micros;
ALTER TABLE paper_trades DROP COLUMN cost_micros;
