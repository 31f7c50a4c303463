-- Up Migration
-- The evaluator's cooldown looks up, for each market side of a batch, the latest order placed since it began.
CREATE INDEX orders_market_recent_idx ON orders (market_id, side, created_at);

-- Down Migration
DROP INDEX orders_market_recent_idx;
