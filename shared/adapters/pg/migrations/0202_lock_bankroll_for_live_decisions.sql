-- Up Migration
-- Every batch that accepts anything takes the bankroll's optimistic lock, in live mode too, where nothing is debited
-- until the venue fills: otherwise two evaluators deciding from the same snapshot could both accept against the same
-- exposure headroom and cooldown. A live batch's row bumps the version with a zero delta ('live_orders').
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
      candidate_id text, payload jsonb, signal_id uuid, decision text, reason text, edge_bps integer,
      win_probability double precision, size_hundredths bigint, stake_micros bigint, details jsonb)
  ), o AS (
    SELECT * FROM jsonb_to_recordset(p_orders) AS o(
      order_id uuid, signal_id uuid, client_order_id text, venue text, market_id uuid, side text,
      count_hundredths bigint, limit_price_micros bigint, average_price_micros bigint, cost_micros bigint,
      fee_micros bigint)
  ), cand AS (
    INSERT INTO signal_candidates (id, payload, received_at)
    SELECT candidate_id, payload, to_timestamp(p_decided_at_ms / 1000.0) FROM d
    ON CONFLICT (id) DO NOTHING
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
           CASE WHEN p_mode = 'paper' THEN 'filled' ELSE 'pending' END, p_mode, o.client_order_id, to_timestamp(p_decided_at_ms / 1000.0)
      FROM o JOIN sig ON sig.id = o.signal_id
    RETURNING id
  ), paper AS (
    SELECT o.* FROM o JOIN ord ON ord.id = o.order_id WHERE p_mode = 'paper'
  ), fil AS (
    INSERT INTO fills (order_id, venue, venue_fill_id, quantity_hundredths, price_micros, fee_micros, filled_at)
    SELECT order_id, venue, 'paper-' || order_id, count_hundredths, average_price_micros, fee_micros,
           to_timestamp(p_decided_at_ms / 1000.0)
      FROM paper
  ), trade AS (
    INSERT INTO paper_trades (signal_id, order_id, market_id, side, quantity_hundredths, price_micros, fee_micros,
                              executed_at)
    SELECT signal_id, order_id, market_id, side, count_hundredths, average_price_micros, fee_micros,
           to_timestamp(p_decided_at_ms / 1000.0)
      FROM paper
  ), pos AS (
    INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, fees_micros, opened_at)
    SELECT market_id, side, 'paper', sum(count_hundredths), sum(cost_micros), sum(fee_micros), to_timestamp(p_decided_at_ms / 1000.0)
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
