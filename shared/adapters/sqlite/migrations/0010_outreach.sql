-- Messages associates send to customers, with their outbox state (status 'accepted' = not
-- yet on the delivery queue). The body is the whole message as JSON; the columns are the
-- copies the queries use. Written in the same transaction as the message's activity.
CREATE TABLE outreach_messages (
    legal_entity TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    status TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    provider_id TEXT,
    counts_for_cap INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id, message_id)
) WITHOUT ROWID;
-- The frequency cap: one range per customer and store over the rolling window.
CREATE INDEX outreach_by_store
    ON outreach_messages(legal_entity, customer_id, store_id, accepted_at);
-- The relay reads only what is still waiting: a small partial index.
CREATE INDEX outreach_outbox ON outreach_messages(accepted_at) WHERE status = 'accepted';
-- Delivery reports name ACS's id only.
CREATE UNIQUE INDEX outreach_by_provider_id
    ON outreach_messages(provider_id) WHERE provider_id IS NOT NULL;
