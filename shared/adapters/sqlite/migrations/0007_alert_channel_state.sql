-- What each alert channel was last sent, per secret, so a channel that failed is retried on the
-- next run without repeating the others. alert_state (one row per secret, written when any
-- channel took the alert) is still read for a channel that has no row here yet.
CREATE TABLE alert_channel_state (
    secret_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    finding TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    expires_on TEXT,
    PRIMARY KEY (secret_key, channel)
) WITHOUT ROWID;
