-- Consent to be contacted: one row per customer with its whole history (JSON, recorded
-- order), and the E.164 key an inbound SMS finds the customer by.
CREATE TABLE customer_consent (
    legal_entity TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    history TEXT NOT NULL,
    phone_key TEXT,
    etag TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id)
) WITHOUT ROWID;

CREATE INDEX customer_consent_by_phone ON customer_consent(phone_key)
    WHERE phone_key IS NOT NULL;
