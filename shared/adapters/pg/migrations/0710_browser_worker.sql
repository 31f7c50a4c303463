-- Up Migration
-- The browser worker (issue 13). Sportsbook prices live beside the prediction markets' under the venue
-- `sportsbook:<name>`: a sportsbook market is one selection of one event, its YES ask the price of a $1 payout
-- (1 / decimal odds), and the offered American odds are kept as quoted so nothing is lost to that rounding.
ALTER TABLE markets DROP CONSTRAINT markets_venue_check,
  ADD CONSTRAINT markets_venue_check
    CHECK (venue IN ('kalshi', 'polymarket') OR venue ~ '^sportsbook:[a-z0-9][a-z0-9_-]{0,63}$');
ALTER TABLE market_prices DROP CONSTRAINT market_prices_venue_check,
  ADD CONSTRAINT market_prices_venue_check
    CHECK (venue IN ('kalshi', 'polymarket') OR venue ~ '^sportsbook:[a-z0-9][a-z0-9_-]{0,63}$'),
  ADD COLUMN american_odds integer CHECK (american_odds IS NULL OR american_odds <= -100 OR american_odds >= 100),
  ADD CONSTRAINT market_prices_odds_only_sportsbooks CHECK (american_odds IS NULL OR venue LIKE 'sportsbook:%');

-- What a job produced, apart from the API's stored idempotent response (`response`): the worker's result, the key of
-- its final screenshot, and when a live bet's confirmation was clicked (set before the click, so a worker that takes
-- the job over after a crash looks the bet up in the book's history instead of placing it again).
ALTER TABLE jobs
  ADD COLUMN result jsonb CHECK (result IS NULL OR jsonb_typeof(result) = 'object'),
  ADD COLUMN screenshot_key text CHECK (length(screenshot_key) BETWEEN 1 AND 1024),
  ADD COLUMN confirming_at timestamptz;

-- A sportsbook that challenges a session (a CAPTCHA, a verification step) pauses it until its owner acts.
ALTER TABLE sportsbook_sessions DROP CONSTRAINT sportsbook_sessions_status_check,
  ADD CONSTRAINT sportsbook_sessions_status_check CHECK (status IN ('active', 'paused', 'revoked', 'expired'));

-- The worker checks consents itself at the moment it uses a session, registers and beats in the worker registry,
-- names the sportsbook markets it prices, and records its results.
GRANT SELECT ON user_consents TO sharpline_browser_worker;
GRANT SELECT, INSERT, UPDATE ON workers TO sharpline_browser_worker;
GRANT SELECT, INSERT ON markets TO sharpline_browser_worker;
GRANT UPDATE (result, screenshot_key, confirming_at) ON jobs TO sharpline_browser_worker;

-- Down Migration
REVOKE UPDATE (result, screenshot_key, confirming_at) ON jobs FROM sharpline_browser_worker;
REVOKE SELECT, INSERT ON markets FROM sharpline_browser_worker;
REVOKE SELECT, INSERT, UPDATE ON workers FROM sharpline_browser_worker;
REVOKE SELECT ON user_consents FROM sharpline_browser_worker;
UPDATE sportsbook_sessions SET status = 'expired' WHERE status = 'paused';
ALTER TABLE sportsbook_sessions DROP CONSTRAINT sportsbook_sessions_status_check,
  ADD CONSTRAINT sportsbook_sessions_status_check CHECK (status IN ('active', 'revoked', 'expired'));
ALTER TABLE jobs DROP COLUMN confirming_at, DROP COLUMN screenshot_key, DROP COLUMN result;
DELETE FROM market_prices WHERE venue LIKE 'sportsbook:%';
DELETE FROM markets WHERE venue LIKE 'sportsbook:%';
ALTER TABLE market_prices DROP CONSTRAINT market_prices_odds_only_sportsbooks, DROP COLUMN american_odds,
  DROP CONSTRAINT market_prices_venue_check,
  ADD CONSTRAINT market_prices_venue_check CHECK (venue IN ('kalshi', 'polymarket'));
ALTER TABLE markets DROP CONSTRAINT markets_venue_check,
  ADD CONSTRAINT markets_venue_check CHECK (venue IN ('kalshi', 'polymarket'));
