-- Up Migration
-- Least-privilege roles (issue 15): one login role per component, each granted what its own code reads and writes;
-- the master user that runs migrations owns every table and is the only one with DDL. The names are those of
-- shared/config/database-roles.ts. No passwords here: in AWS the migrate function sets each role's password from its
-- own Secrets Manager secret; locally and in tests the components switch to their role on the owner's connection.
--
-- Roles belong to the whole server while grants belong to one database. Every test file's database and every run on
-- a shared Postgres execute this: a role is created when missing (a concurrent creator makes ours fail with a
-- duplicate, which means it exists) and never altered or dropped afterwards, so runs never fight over it.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['sharpline_api', 'sharpline_evaluator', 'sharpline_settlement', 'sharpline_retention',
                           'sharpline_game_shard', 'sharpline_browser_worker'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I LOGIN', r);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
END;
$$;

-- DDL stays with the owner (Postgres 15+ already denies CREATE on public; older servers and RDS upgrades may not).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Functions are executable only by whom they are granted to, including those later migrations add.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- The rule for functions: the pipeline's `pipeline_*` functions belong to the evaluator and settlement. They run
-- with the caller's rights (SECURITY INVOKER), so the table grants below still bound what a call can touch. The
-- migration runner calls this after every run, so a `pipeline_*` function added by any later migration, whatever
-- its number, is granted too.
CREATE FUNCTION sharpline_grant_pipeline_functions() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'pipeline\_%' LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO sharpline_evaluator, sharpline_settlement', f);
  END LOOP;
END;
$$;
REVOKE EXECUTE ON FUNCTION sharpline_grant_pipeline_functions() FROM PUBLIC;
SELECT sharpline_grant_pipeline_functions();

-- API (shared/services/api): consents, sessions, jobs, workers, its audit trail and the kill switch; reads of
-- trading results. No bankroll, position or order writes, nothing of the pipeline's decisions.
GRANT SELECT, INSERT, UPDATE ON user_consents, jobs, workers, kill_switch TO sharpline_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON sportsbook_sessions TO sharpline_api;
GRANT INSERT ON audit_logs, deletion_audit TO sharpline_api; -- deletion_audit: the trigger on a session delete
GRANT SELECT ON trading_signals, paper_trades, positions, bankroll, games, teams, markets TO sharpline_api;

-- Signal evaluator (pipeline_write_decisions): candidates, signals, orders, paper fills and trades, positions, and the
-- bankroll debit (whose trigger writes bankroll_audit); reads what it decides on.
GRANT SELECT, INSERT ON signal_candidates, trading_signals, orders, fills, paper_trades TO sharpline_evaluator;
GRANT SELECT, INSERT, UPDATE ON positions TO sharpline_evaluator;
GRANT SELECT, UPDATE ON bankroll TO sharpline_evaluator;
GRANT INSERT ON bankroll_audit TO sharpline_evaluator;
GRANT SELECT ON kill_switch, markets, games TO sharpline_evaluator;

-- Settlement: closes positions of final games, marks their markets settled, credits the bankroll.
GRANT SELECT, UPDATE ON positions, bankroll TO sharpline_settlement;
GRANT SELECT, INSERT ON bankroll_audit TO sharpline_settlement;
GRANT SELECT ON markets, games, game_states TO sharpline_settlement;
GRANT UPDATE (status, settled_outcome) ON markets TO sharpline_settlement;

-- Retention: deletes raw prices past their period (recording each run), rolls prices and results up.
GRANT SELECT, DELETE ON market_prices TO sharpline_retention;
GRANT SELECT, INSERT, UPDATE ON retention_runs, market_prices_hourly, daily_performance TO sharpline_retention;
GRANT SELECT ON paper_trades, fills, orders, positions TO sharpline_retention;

-- Game shard: the games, teams and markets it follows, their state and the venues' prices. Nothing else.
GRANT SELECT, INSERT, UPDATE ON teams, games, markets, market_prices TO sharpline_game_shard;
GRANT SELECT, INSERT ON game_states TO sharpline_game_shard;

-- Browser worker (runs untrusted sportsbook pages): its jobs' progress, the sessions it drives and price rows.
-- Column grants: it cannot re-target a job (user, type, payload) nor re-assign a session to another user.
GRANT SELECT ON jobs, sportsbook_sessions TO sharpline_browser_worker;
GRANT UPDATE (status, attempts, response, error, worker_id, started_at, finished_at) ON jobs
  TO sharpline_browser_worker;
GRANT UPDATE (status, ciphertext, nonce, auth_tag, key_id, expires_at) ON sportsbook_sessions
  TO sharpline_browser_worker;
GRANT SELECT, INSERT, UPDATE ON market_prices TO sharpline_browser_worker;

-- Identity columns insert without sequence rights; USAGE lets a writer read its rows' sequence (currval, nextval).
GRANT USAGE ON SEQUENCE audit_logs_id_seq, deletion_audit_id_seq TO sharpline_api;
GRANT USAGE ON SEQUENCE bankroll_audit_id_seq TO sharpline_evaluator, sharpline_settlement;
GRANT USAGE ON SEQUENCE retention_runs_id_seq TO sharpline_retention;
GRANT USAGE ON SEQUENCE game_states_id_seq TO sharpline_game_shard;
