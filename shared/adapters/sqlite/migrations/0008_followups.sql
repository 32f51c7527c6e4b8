-- Follow-ups: each associate's worklist. Clustered by owner, state and due order, so "my
-- open follow-ups" (a page, the bucket counts) reads one adjacent range of the owner's rows.
CREATE TABLE followups (
    legal_entity TEXT NOT NULL,
    owner_staff_id TEXT NOT NULL,
    followup_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    state TEXT NOT NULL,
    due_date TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    closed_on TEXT,
    revision INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (legal_entity, owner_staff_id, followup_id)
) WITHOUT ROWID;
CREATE INDEX followups_worklist
    ON followups(legal_entity, owner_staff_id, state, due_date, sort_name, followup_id, expires_on);
-- Book changes and erasure find a customer's follow-ups without knowing the owner.
CREATE INDEX followups_by_customer ON followups(legal_entity, customer_id, state);
-- Completed this week (the manager's view).
CREATE INDEX followups_closed ON followups(legal_entity, owner_staff_id, state, closed_on);

CREATE TABLE followup_runs (
    legal_entity TEXT NOT NULL,
    started_at TEXT NOT NULL,
    run_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (legal_entity, started_at, run_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX followup_runs_by_id ON followup_runs(run_id);

-- When a customer joined an owner's book (welcome rules): written by the client book
-- service on add and reassign, next to the follow-ups it concerns.
CREATE TABLE followup_book_joins (
    legal_entity TEXT NOT NULL,
    owner_staff_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    PRIMARY KEY (legal_entity, owner_staff_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX followup_book_joins_by_customer ON followup_book_joins(legal_entity, customer_id);
