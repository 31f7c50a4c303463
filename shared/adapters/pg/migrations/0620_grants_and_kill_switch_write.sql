-- Up Migration
-- Grants for what migrations 0500 to 0610 added beside the roles of 0400, and the kill switch's write as a function.
-- Engaging the kill switch takes every bankroll row's lock, the risk lock an evaluator batch holds from its snapshot to
-- its commit; a lock needs UPDATE rights on bankroll, which the API must not have, so the API calls this function
-- (running as the owner) and may do nothing else to the bankroll.
CREATE FUNCTION kill_switch_set(p_engaged boolean, p_reason text, p_updated_by text)
RETURNS TABLE (o_engaged boolean, o_reason text, o_updated_by text, o_updated_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM 1 FROM bankroll ORDER BY account, mode FOR UPDATE;
  RETURN QUERY
    INSERT INTO kill_switch AS k (id, engaged, reason, updated_by) VALUES (true, p_engaged, p_reason, p_updated_by)
    ON CONFLICT (id) DO UPDATE SET engaged = EXCLUDED.engaged, reason = EXCLUDED.reason, updated_by = EXCLUDED.updated_by
    RETURNING k.engaged, k.reason, k.updated_by, k.updated_at;
END;
$$;
REVOKE EXECUTE ON FUNCTION kill_switch_set(boolean, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kill_switch_set(boolean, text, text) TO sharpline_api;
-- The API reads the switch and writes it only through the function.
REVOKE INSERT, UPDATE ON kill_switch FROM sharpline_api;

-- Settlement rules (0600): the admin route enters a venue's value; settlement records what YES paid.
GRANT SELECT ON market_settlement_facts TO sharpline_api, sharpline_settlement;
GRANT UPDATE (venue_yes_payout_micros, venue_payout_source, venue_payout_entered_by, venue_payout_entered_at)
  ON markets TO sharpline_api;
GRANT UPDATE (settled_yes_payout_micros) ON markets TO sharpline_settlement;

-- Job outbox (0550): the API writes an entry with each job and sends it; its relay (which logs in as the API) marks it.
GRANT SELECT, INSERT, UPDATE ON job_outbox TO sharpline_api;

-- Retention of worker heartbeat audit rows (0500): retention may delete those and no other audit row, so it gets this
-- function, not DELETE on the table. Returns the ids it deleted (one row each, for the run's count).
CREATE FUNCTION audit_logs_prune_heartbeats(p_before timestamptz, p_limit integer) RETURNS SETOF bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM audit_logs WHERE id = ANY (ARRAY(
    SELECT id FROM audit_logs WHERE action = 'worker.heartbeat' AND at < p_before ORDER BY at LIMIT p_limit))
  RETURNING id;
$$;
REVOKE EXECUTE ON FUNCTION audit_logs_prune_heartbeats(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_logs_prune_heartbeats(timestamptz, integer) TO sharpline_retention;

-- Down Migration
DROP FUNCTION audit_logs_prune_heartbeats(timestamptz, integer);
REVOKE SELECT, INSERT, UPDATE ON job_outbox FROM sharpline_api;
REVOKE UPDATE (settled_yes_payout_micros) ON markets FROM sharpline_settlement;
REVOKE UPDATE (venue_yes_payout_micros, venue_payout_source, venue_payout_entered_by, venue_payout_entered_at)
  ON markets FROM sharpline_api;
REVOKE SELECT ON market_settlement_facts FROM sharpline_api, sharpline_settlement;
GRANT INSERT, UPDATE ON kill_switch TO sharpline_api;
DROP FUNCTION kill_switch_set(boolean, text, text);
