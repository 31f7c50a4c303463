-- Up Migration
-- Each market's own rule for games without a winner (issue 9 item 3; RULES.md section 1). A YES contract pays
-- `tie_yes_payout_micros` on a tie and `cancel_yes_payout_micros` on a cancellation or a postponement past
-- `postpone_window_hours`; NO pays $1 minus YES. NULL payouts mean the venue sets the value, and paper settlement waits
-- for it; a NULL window means the market waits for a postponed game however late it is played.
ALTER TABLE markets
  ADD COLUMN tie_yes_payout_micros integer NULL CHECK (tie_yes_payout_micros BETWEEN 0 AND 1000000),
  ADD COLUMN cancel_yes_payout_micros integer NULL CHECK (cancel_yes_payout_micros BETWEEN 0 AND 1000000),
  ADD COLUMN postpone_window_hours integer NULL CHECK (postpone_window_hours BETWEEN 0 AND 1000000),
  -- The value the venue set where the rule leaves it to the venue (an admin enters it, or it is read from the venue).
  -- Written once: positions may already have been paid with it.
  ADD COLUMN venue_yes_payout_micros integer NULL CHECK (venue_yes_payout_micros BETWEEN 0 AND 1000000),
  ADD COLUMN venue_payout_source text NULL CHECK (length(venue_payout_source) BETWEEN 1 AND 500),
  ADD COLUMN venue_payout_entered_by text NULL CHECK (length(venue_payout_entered_by) BETWEEN 1 AND 256),
  ADD COLUMN venue_payout_entered_at timestamptz NULL,
  -- What YES paid when the market settled; `settled_outcome` stays 'yes'/'no' for a winner and NULL otherwise.
  ADD COLUMN settled_yes_payout_micros integer NULL CHECK (settled_yes_payout_micros BETWEEN 0 AND 1000000),
  ADD CONSTRAINT markets_venue_payout_complete CHECK (
    (venue_yes_payout_micros IS NULL) = (venue_payout_source IS NULL)
    AND (venue_yes_payout_micros IS NULL) = (venue_payout_entered_by IS NULL)
    AND (venue_yes_payout_micros IS NULL) = (venue_payout_entered_at IS NULL)),
  ADD CONSTRAINT markets_settled_payout CHECK (settled_yes_payout_micros IS NULL OR status = 'settled');

-- Kalshi game markets: a tie pays $0.50, a game started within 48 h of its schedule settles on the result, otherwise
-- Kalshi sets a fair price. Polymarket: a tie or a cancellation pays 50-50, a postponed game keeps the market open.
UPDATE markets SET tie_yes_payout_micros = 500000, postpone_window_hours = 48 WHERE venue = 'kalshi' AND game_id IS NOT NULL;
UPDATE markets SET tie_yes_payout_micros = 500000, cancel_yes_payout_micros = 500000 WHERE venue = 'polymarket';
UPDATE markets SET settled_yes_payout_micros = CASE settled_outcome WHEN 'yes' THEN 1000000 ELSE 0 END
 WHERE status = 'settled' AND settled_outcome IS NOT NULL;

-- An open position whose payout the venue sets and has not yet reported. It stays `open` (its exposure still counts);
-- the time stays on the row after it settles, as the record that it waited.
ALTER TABLE positions ADD COLUMN awaiting_venue_since timestamptz NULL;

-- The start a postponement is measured from: it follows `starts_at` until the game is first postponed, then stays.
ALTER TABLE games ADD COLUMN scheduled_starts_at timestamptz;
UPDATE games SET scheduled_starts_at = starts_at;
ALTER TABLE games ALTER COLUMN scheduled_starts_at SET NOT NULL;

CREATE FUNCTION games_keep_scheduled_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.scheduled_starts_at := coalesce(NEW.scheduled_starts_at, NEW.starts_at);
  ELSIF OLD.status = 'postponed' OR NEW.status = 'postponed'
        OR EXISTS (SELECT 1 FROM game_states gs WHERE gs.game_id = NEW.id AND gs.status = 'postponed') THEN
    NEW.scheduled_starts_at := OLD.scheduled_starts_at;
  ELSE
    NEW.scheduled_starts_at := NEW.starts_at;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER games_scheduled_start BEFORE INSERT OR UPDATE ON games
  FOR EACH ROW EXECUTE FUNCTION games_keep_scheduled_start();

-- A game has a state per observation (thousands while live): these keep the view's first-postponed and first-ended
-- look-ups to one index probe per game instead of a scan of its states.
CREATE INDEX game_states_postponed_idx ON game_states (game_id, observed_at) WHERE status = 'postponed';
CREATE INDEX game_states_ended_idx ON game_states (game_id, observed_at) WHERE status IN ('final', 'cancelled');

-- What settlement needs to know about each game market, in one place for the settlement run and the admin API:
-- the market's rule and venue value, the game's latest state, and when it was postponed, played and ended.
CREATE VIEW market_settlement_facts AS
SELECT m.id AS market_id,
       m.tie_yes_payout_micros, m.cancel_yes_payout_micros, m.postpone_window_hours, m.venue_yes_payout_micros,
       last.status AS game_status,
       (last.winner_team_id = m.outcome_team_id) AS yes_team_won,
       last.home_score, last.away_score,
       g.scheduled_starts_at,
       postponed.at AS postponed_at,
       played.at AS played_at,
       ended.at AS ended_at
  FROM markets m
  JOIN games g ON g.id = m.game_id
  JOIN LATERAL (
    SELECT gs.status, gs.winner_team_id, gs.home_score, gs.away_score FROM game_states gs
     WHERE gs.game_id = g.id ORDER BY gs.observed_at DESC LIMIT 1) last ON true
  LEFT JOIN LATERAL (
    SELECT min(gs.observed_at) AS at FROM game_states gs WHERE gs.game_id = g.id AND gs.status = 'postponed') postponed
    ON true
  LEFT JOIN LATERAL (
    SELECT min(gs.observed_at) AS at FROM game_states gs
     WHERE gs.game_id = g.id AND gs.status IN ('in_progress', 'final') AND gs.observed_at > postponed.at) played ON true
  LEFT JOIN LATERAL (
    SELECT min(gs.observed_at) AS at FROM game_states gs
     WHERE gs.game_id = g.id AND gs.status IN ('final', 'cancelled')) ended ON true
 WHERE m.outcome_team_id IS NOT NULL;

-- Down Migration
DROP VIEW market_settlement_facts;
DROP INDEX game_states_ended_idx;
DROP INDEX game_states_postponed_idx;
DROP TRIGGER games_scheduled_start ON games;
DROP FUNCTION games_keep_scheduled_start();
ALTER TABLE games DROP COLUMN scheduled_starts_at;
ALTER TABLE positions DROP COLUMN awaiting_venue_since;
ALTER TABLE markets
  DROP CONSTRAINT markets_settled_payout,
  DROP CONSTRAINT markets_venue_payout_complete,
  DROP COLUMN settled_yes_payout_micros,
  DROP COLUMN venue_payout_entered_at,
  DROP COLUMN venue_payout_entered_by,
  DROP COLUMN venue_payout_source,
  DROP COLUMN venue_yes_payout_micros,
  DROP COLUMN postpone_window_hours,
  DROP COLUMN cancel_yes_payout_micros,
  DROP COLUMN tie_yes_payout_micros;
