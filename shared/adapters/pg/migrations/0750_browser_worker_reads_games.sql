-- Up Migration
-- The browser worker pairs a sportsbook event with our game of the same teams and date (issue 13: surebets with the
-- prediction markets' asks): it reads the games and their teams, nothing it could change.
GRANT SELECT ON games, teams TO sharpline_browser_worker;

-- Down Migration
REVOKE SELECT ON games, teams FROM sharpline_browser_worker;
