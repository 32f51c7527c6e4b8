-- Client books, their memberships and the audit of store-level changes.

-- The card fields of a customer as every client book view reads them. Memberships keep a
-- copy (filled from here on add, refreshed by the trigger below), so lists, counts and
-- refiners never join the customers table. Dates become "MM-DD" for upcoming-date ranges.
CREATE VIEW customer_card_fields AS
SELECT
    legal_entity,
    customer_id,
    sort_name,
    search_text,
    json_extract(body, '$.name') AS name,
    json_extract(body, '$.email') AS email,
    json_extract(body, '$.phone') AS phone,
    substr(json_extract(body, '$.birthday'), 6, 5) AS birthday_md,
    substr(json_extract(body, '$.anniversary'), 6, 5) AS anniversary_md,
    coalesce(json_extract(body, '$.attributes'), '{}') AS attributes
FROM customers;

-- Customer search reads the sort and search keys without the (large) body; the body is read
-- for the page of hits only.
CREATE INDEX customers_search_keys ON customers(legal_entity, customer_id, sort_name, search_text);

-- One book per associate per legal entity; ids come from the number sequence.
CREATE TABLE client_books (
    legal_entity TEXT NOT NULL,
    book_id TEXT NOT NULL,
    owner_staff_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (legal_entity, book_id),
    UNIQUE (legal_entity, owner_staff_id)
) WITHOUT ROWID;

CREATE TABLE book_memberships (
    legal_entity TEXT NOT NULL,
    book_id TEXT NOT NULL,
    owner_staff_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    -- The one-book rule as a constraint: the customer id while the rule is on, NULL when
    -- several books may hold the customer. Two concurrent adds of one customer cannot both
    -- commit.
    sole_holder_key TEXT,
    added_at TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    birthday_md TEXT,
    anniversary_md TEXT,
    attributes TEXT NOT NULL,
    PRIMARY KEY (legal_entity, book_id, customer_id),
    UNIQUE (legal_entity, sole_holder_key)
);
-- My book and the store book: one owner (or a few) in sort order, keyset paging; the text
-- and date keys ride along so counts under search/upcoming filters read the index only.
CREATE INDEX book_memberships_by_owner ON book_memberships(
    legal_entity, owner_staff_id, sort_name, customer_id, search_text, birthday_md,
    anniversary_md
);
-- Who holds a customer (one-book rule, search hits, details, copy refresh, and listing a
-- customer once when several books of a store client book hold it).
CREATE INDEX book_memberships_by_customer
    ON book_memberships(legal_entity, customer_id, owner_staff_id, book_id);

-- Each membership's attribute values, one typed row per attribute (no declared type, so
-- values keep the JSON type: integer, real, text for dates and lists, 1/0 for booleans).
-- Refinement and refiners seek and group here instead of parsing JSON row by row.
CREATE TABLE membership_values (
    legal_entity TEXT NOT NULL,
    owner_staff_id TEXT NOT NULL,
    attribute TEXT NOT NULL,
    value NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (legal_entity, owner_staff_id, attribute, value, customer_id)
) WITHOUT ROWID;
CREATE INDEX membership_values_by_customer
    ON membership_values(legal_entity, customer_id, owner_staff_id, attribute);

CREATE TRIGGER book_memberships_values_added AFTER INSERT ON book_memberships
BEGIN
    INSERT INTO membership_values(legal_entity, owner_staff_id, attribute, value, customer_id)
    SELECT NEW.legal_entity, NEW.owner_staff_id, j.key, j.value, NEW.customer_id
    FROM json_each(NEW.attributes) AS j
    WHERE j.type NOT IN ('null', 'object', 'array');
END;

CREATE TRIGGER book_memberships_values_removed AFTER DELETE ON book_memberships
BEGIN
    DELETE FROM membership_values
    WHERE legal_entity = OLD.legal_entity AND customer_id = OLD.customer_id
        AND owner_staff_id = OLD.owner_staff_id;
END;

-- An update moves a membership (reassign) or refreshes its copy (customer changed), never
-- both at once.
CREATE TRIGGER book_memberships_values_moved AFTER UPDATE OF owner_staff_id ON book_memberships
BEGIN
    UPDATE membership_values SET owner_staff_id = NEW.owner_staff_id
    WHERE legal_entity = OLD.legal_entity AND customer_id = OLD.customer_id
        AND owner_staff_id = OLD.owner_staff_id;
END;

CREATE TRIGGER book_memberships_values_changed AFTER UPDATE OF attributes ON book_memberships
BEGIN
    DELETE FROM membership_values
    WHERE legal_entity = OLD.legal_entity AND customer_id = OLD.customer_id
        AND owner_staff_id = NEW.owner_staff_id;
    INSERT INTO membership_values(legal_entity, owner_staff_id, attribute, value, customer_id)
    SELECT NEW.legal_entity, NEW.owner_staff_id, j.key, j.value, NEW.customer_id
    FROM json_each(NEW.attributes) AS j
    WHERE j.type NOT IN ('null', 'object', 'array');
END;

CREATE TRIGGER customers_refresh_book_memberships AFTER UPDATE OF body ON customers
BEGIN
    UPDATE book_memberships
    SET (sort_name, search_text, name, email, phone, birthday_md, anniversary_md, attributes) = (
        SELECT sort_name, search_text, name, email, phone, birthday_md, anniversary_md,
               attributes
        FROM customer_card_fields AS f
        WHERE f.legal_entity = NEW.legal_entity AND f.customer_id = NEW.customer_id
    )
    WHERE legal_entity = NEW.legal_entity AND customer_id = NEW.customer_id;
END;

-- Who moved or removed which customer from whose book to whose (store-level changes).
CREATE TABLE client_book_audit (
    entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
    legal_entity TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    action TEXT NOT NULL,
    store_id TEXT NOT NULL,
    actor_staff_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    from_book_id TEXT,
    from_staff_id TEXT,
    to_book_id TEXT,
    to_staff_id TEXT
);
CREATE INDEX client_book_audit_by_customer
    ON client_book_audit(legal_entity, customer_id, entry_id);
CREATE INDEX client_book_audit_by_entity ON client_book_audit(legal_entity, entry_id);
