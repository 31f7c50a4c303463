-- Up Migration
-- The bankroll's history for the API (GET /v1/bankroll/history): every balance change is a bankroll_audit row, written
-- by the bankroll's trigger. The API reads it; it writes none of it.
GRANT SELECT ON bankroll_audit TO sharpline_api;

-- Down Migration
REVOKE SELECT ON bankroll_audit FROM sharpline_api;
