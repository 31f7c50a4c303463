-- Up Migration
-- An open hedge is acted on by rule (domain/execution/hedge.ts): its second leg retried, or its first leg sold back
-- (unwound), each as a follow-up order the executor writes ahead before sending it, tied to the hedge. The hedge counts
-- the follow-ups it sent and says how it ended: covered by a retry, unwound, or still open (no order could be placed).
ALTER TABLE open_hedges ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE open_hedges ADD COLUMN resolution text CHECK (resolution IN ('retried_filled', 'unwound', 'still_open'));

-- An attempt the egress provably never sent (no proxy usable): the order may be sent again without a lookup.
ALTER TABLE execution_attempts DROP CONSTRAINT execution_attempts_outcome_check;
ALTER TABLE execution_attempts ADD CONSTRAINT execution_attempts_outcome_check
  CHECK (outcome IN ('sending', 'accepted', 'rejected', 'unknown', 'not_found', 'not_sent'));

-- A follow-up order belongs to the hedge it acts on; orders.action says whether it buys (retry) or sells (unwind).
ALTER TABLE orders ADD COLUMN hedge_of uuid REFERENCES open_hedges (signal_id);
CREATE INDEX orders_hedge_of_idx ON orders (hedge_of) WHERE hedge_of IS NOT NULL;

-- Executor: writes its follow-up orders (a live order for a hedge, never another kind) and reads the latest top of
-- book of the first leg's market, the price an unwind sells at.
GRANT INSERT (signal_id, venue, market_id, side, action, count_hundredths, limit_price_micros, mode, client_order_id,
              hedge_of) ON orders TO sharpline_executor;
GRANT SELECT ON market_prices TO sharpline_executor;

-- Down Migration
UPDATE execution_attempts SET outcome = 'not_found' WHERE outcome = 'not_sent';
ALTER TABLE execution_attempts DROP CONSTRAINT execution_attempts_outcome_check;
ALTER TABLE execution_attempts ADD CONSTRAINT execution_attempts_outcome_check
  CHECK (outcome IN ('sending', 'accepted', 'rejected', 'unknown', 'not_found'));
REVOKE SELECT ON market_prices FROM sharpline_executor;
REVOKE INSERT (signal_id, venue, market_id, side, action, count_hundredths, limit_price_micros, mode, client_order_id,
               hedge_of) ON orders FROM sharpline_executor;
DROP INDEX orders_hedge_of_idx;
ALTER TABLE orders DROP COLUMN hedge_of;
ALTER TABLE open_hedges DROP COLUMN resolution;
ALTER TABLE open_hedges DROP COLUMN attempts;
