-- Up Migration
-- The whole platform schema (DESIGN.md sections 4-5). Units live in column names: *_micros are integer micro-dollars
-- (prices: micros of a $1 payout, 0..1_000_000), *_hundredths are hundredths of a contract, *_ms milliseconds.
-- Every enumerated status is a CHECKed text column, so a bad value is rejected by the database itself.

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- Whole deleted row as JSONB, for tables whose rows are money or secrets: a delete is never silent.
CREATE TABLE deletion_audit (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_name  text NOT NULL,
  row_id      text,
  row_data    jsonb NOT NULL,
  deleted_by  text NOT NULL DEFAULT current_user,
  deleted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deletion_audit_table_idx ON deletion_audit (table_name, deleted_at);

CREATE FUNCTION audit_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  data jsonb := to_jsonb(OLD);
BEGIN
  INSERT INTO deletion_audit (table_name, row_id, row_data) VALUES (TG_TABLE_NAME, data ->> 'id', data);
  RETURN OLD;
END;
$$;

-- ---------------------------------------------------------------- API: consents, sessions, jobs, workers, audit

CREATE TABLE user_consents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 256),
  scope         text NOT NULL CHECK (scope IN ('store_session', 'automate_sportsbook', 'live_trading')),
  sportsbook    text CHECK (length(sportsbook) BETWEEN 1 AND 64),
  text_version  text NOT NULL CHECK (length(text_version) BETWEEN 1 AND 64),
  granted_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);
CREATE INDEX user_consents_user_page_idx ON user_consents (user_id, granted_at, id);
CREATE INDEX user_consents_active_idx ON user_consents (user_id, scope, sportsbook) WHERE revoked_at IS NULL;

-- Credentials are stored encrypted only: there is no column a plaintext could go in.
CREATE TABLE sportsbook_sessions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 256),
  sportsbook  text NOT NULL CHECK (length(sportsbook) BETWEEN 1 AND 64),
  consent_id  uuid NOT NULL REFERENCES user_consents (id),
  ciphertext  bytea NOT NULL CHECK (octet_length(ciphertext) > 0),
  nonce       bytea NOT NULL CHECK (octet_length(nonce) BETWEEN 12 AND 24),
  auth_tag    bytea CHECK (octet_length(auth_tag) = 16),
  key_id      text NOT NULL CHECK (length(key_id) BETWEEN 1 AND 2048),
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'expired')),
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  CHECK (status <> 'revoked' OR revoked_at IS NOT NULL)
);
CREATE INDEX sportsbook_sessions_user_page_idx ON sportsbook_sessions (user_id, created_at, id);
CREATE INDEX sportsbook_sessions_consent_idx ON sportsbook_sessions (consent_id);
CREATE TRIGGER sportsbook_sessions_updated_at BEFORE UPDATE ON sportsbook_sessions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER sportsbook_sessions_deletion_audit AFTER DELETE ON sportsbook_sessions
  FOR EACH ROW EXECUTE FUNCTION audit_deletion();

CREATE TABLE workers (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                  text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  capabilities          text[] NOT NULL DEFAULT '{}',
  status                text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'busy', 'offline')),
  last_heartbeat_at     timestamptz,
  heartbeat_timeout_ms  integer NOT NULL DEFAULT 30000 CHECK (heartbeat_timeout_ms > 0),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workers_capabilities_idx ON workers USING gin (capabilities);
CREATE TRIGGER workers_updated_at BEFORE UPDATE ON workers FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE jobs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 256),
  type             text NOT NULL CHECK (type IN ('check_odds', 'place_bet')),
  payload          jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  priority         smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
  status           text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts     integer NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
  idempotency_key  text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash     text,
  response         jsonb,
  error            text,
  worker_id        uuid REFERENCES workers (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX jobs_user_page_idx ON jobs (user_id, created_at, id);
CREATE INDEX jobs_queued_idx ON jobs (priority, created_at, id) WHERE status = 'queued';
CREATE TRIGGER jobs_updated_at BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE audit_logs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor          text NOT NULL CHECK (length(actor) BETWEEN 1 AND 256),
  action         text NOT NULL CHECK (length(action) BETWEEN 1 AND 128),
  resource_type  text NOT NULL CHECK (length(resource_type) BETWEEN 1 AND 64),
  resource_id    text,
  request_id     text,
  details        jsonb NOT NULL DEFAULT '{}',
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_actor_idx ON audit_logs (actor, at, id);
CREATE INDEX audit_logs_resource_idx ON audit_logs (resource_type, resource_id, at);

-- Exactly one row: the boolean key can only be true.
CREATE TABLE kill_switch (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  engaged     boolean NOT NULL DEFAULT false,
  reason      text,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO kill_switch (id, engaged, reason, updated_by) VALUES (true, false, 'initial state', 'migration');
CREATE TRIGGER kill_switch_updated_at BEFORE UPDATE ON kill_switch FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------- Pipeline: reference data

CREATE TABLE teams (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sport         text NOT NULL CHECK (sport IN ('nba', 'nfl')),
  abbreviation  text NOT NULL CHECK (length(abbreviation) BETWEEN 1 AND 8),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  espn_team_id  text,
  UNIQUE (sport, abbreviation),
  UNIQUE (sport, espn_team_id)
);

-- The names venues and feeds use for a team; matched case-insensitively within a sport.
CREATE TABLE team_aliases (
  id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id  uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  sport    text NOT NULL CHECK (sport IN ('nba', 'nfl')),
  alias    text NOT NULL CHECK (length(btrim(alias)) > 0),
  source   text NOT NULL DEFAULT 'manual' CHECK (source IN ('espn', 'kalshi', 'polymarket', 'manual'))
);
CREATE UNIQUE INDEX team_aliases_sport_alias_idx ON team_aliases (sport, lower(alias));

CREATE TABLE games (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sport           text NOT NULL CHECK (sport IN ('nba', 'nfl')),
  home_team_id    uuid NOT NULL REFERENCES teams (id),
  away_team_id    uuid NOT NULL REFERENCES teams (id),
  starts_at       timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'scheduled'
                  CHECK (status IN ('scheduled', 'in_progress', 'final', 'postponed', 'cancelled')),
  espn_event_id   text UNIQUE,
  winner_team_id  uuid REFERENCES teams (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (home_team_id <> away_team_id),
  CHECK (winner_team_id IS NULL OR winner_team_id IN (home_team_id, away_team_id)),
  CHECK (winner_team_id IS NULL OR status = 'final')
);
CREATE INDEX games_starts_at_idx ON games (starts_at, id);
CREATE TRIGGER games_updated_at BEFORE UPDATE ON games FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One venue contract. `outcome_team_id` is the team whose win makes YES pay. Two markets are paired only when their
-- `resolution_key` (our canonical form of the venue's rule, e.g. 'moneyline:incl_ot') and game are equal.
CREATE TABLE markets (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  venue               text NOT NULL CHECK (venue IN ('kalshi', 'polymarket')),
  venue_market_id     text NOT NULL CHECK (length(venue_market_id) BETWEEN 1 AND 256),
  game_id             uuid REFERENCES games (id),
  outcome_team_id     uuid REFERENCES teams (id),
  yes_meaning         text NOT NULL,
  title               text,
  resolution_rule     text NOT NULL,
  resolution_key      text NOT NULL CHECK (length(resolution_key) BETWEEN 1 AND 256),
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'settled')),
  settled_outcome     text CHECK (settled_outcome IN ('yes', 'no')),
  tick_size_micros    integer NOT NULL DEFAULT 10000 CHECK (tick_size_micros BETWEEN 1 AND 1000000),
  fractional_allowed  boolean NOT NULL DEFAULT false,
  -- Fee schedule: Kalshi rate x multiplier, rounded up to the cent; Polymarket shares x rate x (p(1-p))^exponent.
  taker_fee_rate_ppm  integer NOT NULL DEFAULT 0 CHECK (taker_fee_rate_ppm BETWEEN 0 AND 1000000),
  maker_fee_rate_ppm  integer NOT NULL DEFAULT 0 CHECK (maker_fee_rate_ppm BETWEEN 0 AND 1000000),
  fee_multiplier_ppm  integer NOT NULL DEFAULT 1000000 CHECK (fee_multiplier_ppm >= 0),
  fee_exponent        smallint NOT NULL DEFAULT 1 CHECK (fee_exponent >= 0),
  closes_at           timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (venue, venue_market_id),
  UNIQUE (id, venue),
  CHECK (settled_outcome IS NULL OR status = 'settled')
);
CREATE INDEX markets_pairing_idx ON markets (game_id, resolution_key);
CREATE TRIGGER markets_updated_at BEFORE UPDATE ON markets FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Top of book per observation. The composite key to markets keeps `venue` consistent with the market's venue.
CREATE TABLE market_prices (
  observed_at          timestamptz NOT NULL,
  market_id            uuid NOT NULL,
  venue                text NOT NULL CHECK (venue IN ('kalshi', 'polymarket')),
  side                 text NOT NULL CHECK (side IN ('yes', 'no')),
  bid_micros           bigint CHECK (bid_micros BETWEEN 0 AND 1000000),
  ask_micros           bigint CHECK (ask_micros BETWEEN 0 AND 1000000),
  bid_size_hundredths  bigint CHECK (bid_size_hundredths >= 0),
  ask_size_hundredths  bigint CHECK (ask_size_hundredths >= 0),
  received_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (market_id, side, observed_at),
  FOREIGN KEY (market_id, venue) REFERENCES markets (id, venue) ON DELETE CASCADE,
  CHECK (bid_micros IS NULL OR ask_micros IS NULL OR bid_micros <= ask_micros)
);
CREATE INDEX market_prices_observed_at_idx ON market_prices (observed_at);

CREATE TABLE game_states (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  game_id                  uuid NOT NULL REFERENCES games (id) ON DELETE CASCADE,
  observed_at              timestamptz NOT NULL,
  status                   text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'final', 'postponed', 'cancelled')),
  period                   smallint NOT NULL DEFAULT 0 CHECK (period >= 0),
  clock_remaining_seconds  integer CHECK (clock_remaining_seconds >= 0),
  home_score               integer NOT NULL DEFAULT 0 CHECK (home_score >= 0),
  away_score               integer NOT NULL DEFAULT 0 CHECK (away_score >= 0),
  possession_team_id       uuid REFERENCES teams (id),
  winner_team_id           uuid REFERENCES teams (id),
  received_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (game_id, observed_at),
  CHECK (winner_team_id IS NULL OR status = 'final')
);

-- ---------------------------------------------------------------- Pipeline: decisions and trading

CREATE TABLE signal_candidates (
  id           text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 256),
  payload      jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signal_candidates_received_at_idx ON signal_candidates (received_at);

-- One decision per candidate: a redelivered candidate cannot be decided twice.
CREATE TABLE trading_signals (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  candidate_id      text NOT NULL UNIQUE REFERENCES signal_candidates (id),
  decision          text NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 512),
  mode              text NOT NULL DEFAULT 'paper' CHECK (mode IN ('paper', 'live')),
  edge_bps          integer,
  win_probability   double precision CHECK (win_probability BETWEEN 0 AND 1),
  size_hundredths   bigint CHECK (size_hundredths > 0),
  stake_micros      bigint CHECK (stake_micros >= 0),
  details           jsonb NOT NULL DEFAULT '{}',
  decided_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (decision = 'rejected' OR size_hundredths IS NOT NULL)
);
CREATE INDEX trading_signals_decided_at_idx ON trading_signals (decided_at, id);

CREATE TABLE orders (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  signal_id           uuid REFERENCES trading_signals (id),
  venue               text NOT NULL CHECK (venue IN ('kalshi', 'polymarket')),
  market_id           uuid NOT NULL,
  side                text NOT NULL CHECK (side IN ('yes', 'no')),
  action              text NOT NULL DEFAULT 'buy' CHECK (action IN ('buy', 'sell')),
  count_hundredths    bigint NOT NULL CHECK (count_hundredths > 0),
  limit_price_micros  bigint NOT NULL CHECK (limit_price_micros BETWEEN 0 AND 1000000),
  filled_hundredths   bigint NOT NULL DEFAULT 0 CHECK (filled_hundredths >= 0),
  status              text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sent', 'filled', 'partially_filled', 'cancelled', 'rejected')),
  mode                text NOT NULL CHECK (mode IN ('paper', 'live')),
  client_order_id     text NOT NULL UNIQUE CHECK (length(client_order_id) BETWEEN 1 AND 128),
  venue_order_id      text,
  reject_reason       text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (market_id, venue) REFERENCES markets (id, venue),
  UNIQUE (venue, venue_order_id),
  CHECK (filled_hundredths <= count_hundredths)
);
CREATE INDEX orders_signal_idx ON orders (signal_id);
CREATE INDEX orders_page_idx ON orders (created_at, id);
CREATE TRIGGER orders_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER orders_deletion_audit AFTER DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit_deletion();

-- A venue fill id is unique per venue, so a fill reported twice is never counted twice.
CREATE TABLE fills (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id             uuid NOT NULL REFERENCES orders (id),
  venue                text NOT NULL CHECK (venue IN ('kalshi', 'polymarket')),
  venue_fill_id        text NOT NULL CHECK (length(venue_fill_id) BETWEEN 1 AND 256),
  quantity_hundredths  bigint NOT NULL CHECK (quantity_hundredths > 0),
  price_micros         bigint NOT NULL CHECK (price_micros BETWEEN 0 AND 1000000),
  fee_micros           bigint NOT NULL DEFAULT 0 CHECK (fee_micros >= 0),
  filled_at            timestamptz NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (venue, venue_fill_id)
);
CREATE INDEX fills_order_idx ON fills (order_id);
CREATE TRIGGER fills_deletion_audit AFTER DELETE ON fills FOR EACH ROW EXECUTE FUNCTION audit_deletion();

CREATE TABLE paper_trades (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  signal_id            uuid REFERENCES trading_signals (id),
  order_id             uuid REFERENCES orders (id),
  market_id            uuid NOT NULL REFERENCES markets (id),
  side                 text NOT NULL CHECK (side IN ('yes', 'no')),
  action               text NOT NULL DEFAULT 'buy' CHECK (action IN ('buy', 'sell')),
  quantity_hundredths  bigint NOT NULL CHECK (quantity_hundredths > 0),
  price_micros         bigint NOT NULL CHECK (price_micros BETWEEN 0 AND 1000000),
  fee_micros           bigint NOT NULL DEFAULT 0 CHECK (fee_micros >= 0),
  executed_at          timestamptz NOT NULL DEFAULT now(),
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paper_trades_signal_idx ON paper_trades (signal_id);
CREATE INDEX paper_trades_executed_at_idx ON paper_trades (executed_at, id);
CREATE TRIGGER paper_trades_deletion_audit AFTER DELETE ON paper_trades
  FOR EACH ROW EXECUTE FUNCTION audit_deletion();

CREATE TABLE positions (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  market_id            uuid NOT NULL REFERENCES markets (id),
  side                 text NOT NULL CHECK (side IN ('yes', 'no')),
  mode                 text NOT NULL CHECK (mode IN ('paper', 'live')),
  quantity_hundredths  bigint NOT NULL CHECK (quantity_hundredths >= 0),
  cost_micros          bigint NOT NULL CHECK (cost_micros >= 0),
  fees_micros          bigint NOT NULL DEFAULT 0 CHECK (fees_micros >= 0),
  status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'settled')),
  realized_pnl_micros  bigint,
  opened_at            timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  settled_at           timestamptz,
  CHECK ((status = 'settled') = (settled_at IS NOT NULL)),
  CHECK (status = 'open' OR realized_pnl_micros IS NOT NULL)
);
CREATE UNIQUE INDEX positions_one_open_idx ON positions (mode, market_id, side) WHERE status = 'open';
CREATE INDEX positions_settled_at_idx ON positions (settled_at) WHERE status = 'settled';
CREATE TRIGGER positions_updated_at BEFORE UPDATE ON positions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER positions_deletion_audit AFTER DELETE ON positions FOR EACH ROW EXECUTE FUNCTION audit_deletion();

-- ---------------------------------------------------------------- Bankroll

-- One row per account and mode. Writers must bump `version` by exactly one (optimistic locking) and say why in
-- `last_reason`/`last_ref`; the trigger below turns every change into a bankroll_audit row.
CREATE TABLE bankroll (
  account         text NOT NULL DEFAULT 'default' CHECK (length(account) BETWEEN 1 AND 64),
  mode            text NOT NULL CHECK (mode IN ('paper', 'live')),
  balance_micros  bigint NOT NULL CHECK (balance_micros >= 0),
  version         bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
  last_reason     text NOT NULL CHECK (length(last_reason) BETWEEN 1 AND 64),
  last_ref        text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, mode)
);

CREATE TABLE bankroll_audit (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account             text NOT NULL,
  mode                text NOT NULL,
  old_balance_micros  bigint,
  new_balance_micros  bigint NOT NULL,
  delta_micros        bigint NOT NULL,
  old_version         bigint,
  new_version         bigint NOT NULL,
  reason              text NOT NULL,
  ref                 text,
  at                  timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (account, mode) REFERENCES bankroll (account, mode)
);
CREATE INDEX bankroll_audit_account_idx ON bankroll_audit (account, mode, id);
-- A change with a reference (order id, fill id, settlement id) applies once: a replay hits this index.
CREATE UNIQUE INDEX bankroll_audit_once_idx ON bankroll_audit (account, mode, reason, ref) WHERE ref IS NOT NULL;

CREATE FUNCTION bankroll_write_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.account <> OLD.account OR NEW.mode <> OLD.mode THEN
      RAISE EXCEPTION 'bankroll account and mode are immutable' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.version <> OLD.version + 1 THEN
      RAISE EXCEPTION 'bankroll version must advance by one (% -> %)', OLD.version, NEW.version
        USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := now();
    INSERT INTO bankroll_audit (account, mode, old_balance_micros, new_balance_micros, delta_micros,
                                old_version, new_version, reason, ref)
    VALUES (NEW.account, NEW.mode, OLD.balance_micros, NEW.balance_micros, NEW.balance_micros - OLD.balance_micros,
            OLD.version, NEW.version, NEW.last_reason, NEW.last_ref);
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER bankroll_audit_update BEFORE UPDATE ON bankroll FOR EACH ROW EXECUTE FUNCTION bankroll_write_audit();

CREATE FUNCTION bankroll_write_opening_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bankroll_audit (account, mode, old_balance_micros, new_balance_micros, delta_micros,
                              old_version, new_version, reason, ref)
  VALUES (NEW.account, NEW.mode, NULL, NEW.balance_micros, NEW.balance_micros, NULL, NEW.version,
          NEW.last_reason, NEW.last_ref);
  RETURN NULL;
END;
$$;
CREATE TRIGGER bankroll_audit_insert AFTER INSERT ON bankroll FOR EACH ROW EXECUTE FUNCTION bankroll_write_opening_audit();

INSERT INTO bankroll (account, mode, balance_micros, last_reason) VALUES ('default', 'paper', 0, 'opening'),
                                                                         ('default', 'live', 0, 'opening');

-- ---------------------------------------------------------------- Retention and rollups

CREATE TABLE retention_runs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_name     text NOT NULL,
  cutoff         timestamptz NOT NULL,
  batch_size     integer NOT NULL CHECK (batch_size > 0),
  batches        integer NOT NULL DEFAULT 0 CHECK (batches >= 0),
  deleted_rows   bigint NOT NULL DEFAULT 0 CHECK (deleted_rows >= 0),
  status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  error          text,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX retention_runs_started_at_idx ON retention_runs (table_name, started_at);

-- Hourly top-of-book summary per market side; survives the retention of raw market_prices.
CREATE TABLE market_prices_hourly (
  bucket_start     timestamptz NOT NULL,
  market_id        uuid NOT NULL REFERENCES markets (id) ON DELETE CASCADE,
  side             text NOT NULL CHECK (side IN ('yes', 'no')),
  samples          integer NOT NULL CHECK (samples > 0),
  bid_low_micros   bigint CHECK (bid_low_micros BETWEEN 0 AND 1000000),
  bid_high_micros  bigint CHECK (bid_high_micros BETWEEN 0 AND 1000000),
  ask_low_micros   bigint CHECK (ask_low_micros BETWEEN 0 AND 1000000),
  ask_high_micros  bigint CHECK (ask_high_micros BETWEEN 0 AND 1000000),
  last_bid_micros  bigint CHECK (last_bid_micros BETWEEN 0 AND 1000000),
  last_ask_micros  bigint CHECK (last_ask_micros BETWEEN 0 AND 1000000),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (market_id, side, bucket_start),
  CHECK (date_trunc('hour', bucket_start) = bucket_start)
);

-- Daily results per trading mode (UTC days), from settled positions and executed trades.
CREATE TABLE daily_performance (
  day                  date NOT NULL,
  mode                 text NOT NULL CHECK (mode IN ('paper', 'live')),
  trades               integer NOT NULL DEFAULT 0 CHECK (trades >= 0),
  volume_micros        bigint NOT NULL DEFAULT 0 CHECK (volume_micros >= 0),
  fees_micros          bigint NOT NULL DEFAULT 0 CHECK (fees_micros >= 0),
  positions_settled    integer NOT NULL DEFAULT 0 CHECK (positions_settled >= 0),
  wins                 integer NOT NULL DEFAULT 0 CHECK (wins >= 0),
  losses               integer NOT NULL DEFAULT 0 CHECK (losses >= 0),
  realized_pnl_micros  bigint NOT NULL DEFAULT 0,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mode, day)
);
