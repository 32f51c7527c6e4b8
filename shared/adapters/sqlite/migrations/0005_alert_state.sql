-- What the secret-expiry check last alerted, per secret, so each threshold alerts once.
CREATE TABLE alert_state (
    secret_key TEXT PRIMARY KEY,
    finding TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    expires_on TEXT
) WITHOUT ROWID;
