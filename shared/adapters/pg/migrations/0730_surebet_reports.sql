-- Up Migration
-- Surebets (issue 13) share the candidates queue with the game shard's candidates but are never traded by the
-- evaluator: sportsbook bets are placed only through place_bet jobs under the user's consented session. The
-- evaluator decides each surebet once, as a trading signal `reported` for the user to act on (or `rejected` with its
-- reason), its legs, stakes, odds and guaranteed profit in `details`. A reported signal sizes no contract of ours.
ALTER TABLE trading_signals DROP CONSTRAINT trading_signals_decision_check,
  ADD CONSTRAINT trading_signals_decision_check CHECK (decision IN ('accepted', 'rejected', 'reported')),
  DROP CONSTRAINT trading_signals_check,
  ADD CONSTRAINT trading_signals_accepted_sized CHECK (decision <> 'accepted' OR size_hundredths IS NOT NULL),
  -- IS TRUE: a missing field (NULL) fails the check instead of passing it.
  ADD CONSTRAINT trading_signals_reported_surebet CHECK (
    decision <> 'reported' OR (
      reason = 'surebet_place_bet_required' AND size_hundredths IS NULL AND stake_micros > 0
      AND details ->> 'kind' = 'surebet' AND jsonb_typeof(details -> 'legs') = 'array'
      AND (details ->> 'guaranteedProfitMicros')::bigint > 0) IS TRUE);

-- Writes a batch's surebet decisions and returns each candidate's first one: a candidate decided before (a
-- redelivery, or another evaluator at the same moment) keeps its decision, and the caller answers with that. The
-- INSERT waits on a concurrent insert of the same candidate, so the SELECT after it sees the winner's row.
CREATE FUNCTION pipeline_report_surebets(p_signals jsonb, p_mode text, p_decided_at_ms bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  v_decided json;
BEGIN
  INSERT INTO trading_signals (id, candidate_id, decision, reason, mode, edge_bps, stake_micros, details, decided_at)
  SELECT d.signal_id, d.candidate_id, d.decision, d.reason, p_mode, d.edge_bps, d.stake_micros, d.details,
         to_timestamp(p_decided_at_ms / 1000.0)
    FROM jsonb_to_recordset(p_signals) AS d(candidate_id text, signal_id uuid, decision text, reason text,
                                            edge_bps integer, stake_micros bigint, details jsonb)
  ON CONFLICT (candidate_id) DO NOTHING;

  SELECT coalesce(json_agg(json_build_object('candidate_id', ts.candidate_id, 'signal_id', ts.id,
                                             'decision', ts.decision, 'reason', ts.reason)), '[]')
    INTO v_decided
    FROM trading_signals ts
   WHERE ts.candidate_id IN (SELECT s ->> 'candidate_id' FROM jsonb_array_elements(p_signals) AS s);
  RETURN v_decided;
END;
$$;

-- Down Migration
DROP FUNCTION pipeline_report_surebets(jsonb, text, bigint);
DELETE FROM trading_signals WHERE decision = 'reported';
ALTER TABLE trading_signals DROP CONSTRAINT trading_signals_reported_surebet,
  DROP CONSTRAINT trading_signals_accepted_sized,
  ADD CONSTRAINT trading_signals_check CHECK (decision = 'rejected' OR size_hundredths IS NOT NULL),
  DROP CONSTRAINT trading_signals_decision_check,
  ADD CONSTRAINT trading_signals_decision_check CHECK (decision IN ('accepted', 'rejected'));
