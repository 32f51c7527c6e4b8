-- Activities and notes: clustered per customer in timeline order, so a page is one range
-- read of adjacent rows however many activities a customer has. Nothing cascades from
-- client books: removing a customer from a book leaves these rows alone.
CREATE TABLE activities (
    legal_entity TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    start_time TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    activity_type_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id, start_time, activity_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX activities_by_id ON activities(legal_entity, customer_id, activity_id);
CREATE INDEX activities_by_type
    ON activities(legal_entity, customer_id, activity_type_id, start_time, activity_id);

CREATE TABLE notes (
    legal_entity TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    note_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id, created_at, note_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX notes_by_id ON notes(legal_entity, customer_id, note_id);

CREATE TABLE note_revisions (
    legal_entity TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    note_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (legal_entity, customer_id, note_id, revision)
) WITHOUT ROWID;
