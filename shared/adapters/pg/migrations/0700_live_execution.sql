-- Up Migration
-- Live executors (issue 14). Each send to a venue is written ahead as an attempt before the call, so a retried
-- message that finds an attempt of unknown outcome (timeout, 5xx, lost connection) looks the client order id up at
-- the venue before anything is sent again. Fills carry the venue's own fee; where it differs from ours the difference
-- is kept on the fill. An arbitrage whose second leg filled less than its first leaves an open hedge, reported until
-- it is closed.
DO $$
BEGIN
  EXECUTE format('CREATE ROLE %I LOGIN', 'sharpline_executor');
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END;
$$;

CREATE TABLE execution_attempts (
  order_id         uuid NOT NULL REFERENCES orders (id),
  attempt          integer NOT NULL CHECK (attempt > 0),
  -- 'sending' is written before the call; a row still 'sending' or 'unknown' means the venue may hold the order.
  outcome          text NOT NULL DEFAULT 'sending'
                   CHECK (outcome IN ('sending', 'accepted', 'rejected', 'unknown', 'not_found')),
  detail           text CHECK (length(detail) <= 512),
  venue_order_id   text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (order_id, attempt)
);
CREATE TRIGGER execution_attempts_deletion_audit AFTER DELETE ON execution_attempts
  FOR EACH ROW EXECUTE FUNCTION audit_deletion();

-- Our fee for the fill by the market's fee rule; the fill's fee_micros is the venue's figure, which the bankroll pays.
ALTER TABLE fills ADD COLUMN expected_fee_micros bigint CHECK (expected_fee_micros >= 0);
ALTER TABLE fills ADD COLUMN liquidity text CHECK (liquidity IN ('taker', 'maker'));

CREATE TABLE open_hedges (
  signal_id               uuid PRIMARY KEY REFERENCES trading_signals (id),
  first_order_id          uuid NOT NULL REFERENCES orders (id),
  second_order_id         uuid NOT NULL REFERENCES orders (id),
  -- Contracts (hundredths) the first leg holds that the second does not cover.
  unhedged_hundredths     bigint NOT NULL CHECK (unhedged_hundredths >= 0),
  status                  text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  reason                  text NOT NULL CHECK (length(reason) BETWEEN 1 AND 128),
  opened_at               timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'closed') = (unhedged_hundredths = 0))
);
CREATE INDEX open_hedges_open_idx ON open_hedges (opened_at) WHERE status = 'open';
CREATE TRIGGER open_hedges_updated_at BEFORE UPDATE ON open_hedges FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Executor: reads its order, the signal and candidate it came from and the risk state; moves the order's status,
-- writes attempts, fills, live positions and the live bankroll (whose trigger writes bankroll_audit), open hedges.
GRANT SELECT ON signal_candidates, trading_signals, markets, games, kill_switch TO sharpline_executor;
GRANT SELECT ON orders TO sharpline_executor;
GRANT UPDATE (status, filled_hundredths, venue_order_id, reject_reason, count_hundredths) ON orders
  TO sharpline_executor;
GRANT SELECT, INSERT ON fills TO sharpline_executor;
GRANT SELECT, INSERT, UPDATE ON positions, execution_attempts, open_hedges TO sharpline_executor;
GRANT SELECT, UPDATE ON bankroll TO sharpline_executor;
GRANT INSERT ON bankroll_audit TO sharpline_executor;
GRANT USAGE ON SEQUENCE bankroll_audit_id_seq TO sharpline_executor;
-- The API shows open hedges beside trades and positions.
GRANT SELECT ON open_hedges, orders TO sharpline_api;

-- Down Migration
REVOKE SELECT ON open_hedges, orders FROM sharpline_api;
DROP TABLE open_hedges;
ALTER TABLE fills DROP COLUMN liquidity;
ALTER TABLE fills DROP COLUMN expected_fee_micros;
DROP TABLE execution_attempts;
