-- Headquarters documents, the published copy, distribution bookkeeping, customers.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters(name, value) VALUES ('hq-change', 0), ('published-version', 0);

CREATE TABLE hq_documents (
    legal_entity TEXT NOT NULL,
    kind TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    body TEXT NOT NULL,
    etag TEXT NOT NULL,
    change_seq INTEGER NOT NULL UNIQUE,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (legal_entity, kind, doc_id)
) WITHOUT ROWID;
CREATE INDEX hq_documents_changes ON hq_documents(kind, change_seq);
CREATE INDEX hq_documents_by_id ON hq_documents(kind, doc_id);

CREATE TABLE published_documents (
    legal_entity TEXT NOT NULL,
    kind TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (legal_entity, kind, doc_id)
) WITHOUT ROWID;

CREATE TABLE distribution_watermarks (
    job_id TEXT PRIMARY KEY,
    change_seq INTEGER NOT NULL
);

CREATE TABLE distribution_leases (
    job_id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL
);

CREATE TABLE distribution_runs (
    run_id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    trigger TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL,
    counts TEXT NOT NULL,
    error TEXT
);
CREATE INDEX distribution_runs_recent ON distribution_runs(started_at);

CREATE TABLE customers (
    legal_entity TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    body TEXT NOT NULL,
    etag TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id)
) WITHOUT ROWID;

CREATE TABLE customer_address_books (
    legal_entity TEXT NOT NULL,
    address_book TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id, address_book)
) WITHOUT ROWID;
-- Customer search filters by address book first.
CREATE INDEX customer_address_books_by_book
    ON customer_address_books(legal_entity, address_book, customer_id);
