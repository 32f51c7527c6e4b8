-- What an erasure leaves: the customer id and when, so that nothing is written about the
-- customer again until a headquarters import restores them.
CREATE TABLE customer_tombstones (
    legal_entity TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id)
) WITHOUT ROWID;
