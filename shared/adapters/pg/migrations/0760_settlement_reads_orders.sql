-- Up Migration
-- Settlement leaves a position open while a sale of its contracts (an open hedge's unwind) is unfinished: the sale may
-- have filled at the venue and not be booked yet. It reads the live orders for that, nothing it could change.
GRANT SELECT ON orders TO sharpline_settlement;

-- Down Migration
REVOKE SELECT ON orders FROM sharpline_settlement;
