"""The client book benchmark's data set, built once into a SQLite file and cached.

1 legal entity, 200 stores (two per address book), 2,000 associates (10 per store, some in
two stores), 500,000 customers (5,000 per address book), 100,000 of them in client books:
the ten associates of store S001 hold 2,000 each (so S001's store client book has 20,000
customers), everyone else about 40. Ten client-book attributes, five refinable.

Headquarters data goes through the admin routes and the distribution jobs, as in
production. Customers are bulk-inserted with SQL (an import of 500,000 through the route
would only measure the import), memberships through the repository's add.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shared.adapters.sqlite.json_columns import content_etag, dump
from shared.domain.text import customer_search_text, fold
from tests.support.world import World

DATA_SET_VERSION = 6
LEGAL_ENTITY = "BENCH"
STORES = 200
STAFF_PER_STORE = 10
CUSTOMERS = 500_000
ADDRESS_BOOKS = STORES // 2
FOCUS_STORE = "S001"
FOCUS_OWNERS = [f"A{n:04d}" for n in range(1, 11)]  # S001's associates: 2,000 each
FOCUS_BOOK_SIZE = 2_000
OTHER_MEMBERSHIPS = 80_000
FREE_CUSTOMERS_FROM = 100_001  # customers from here on are in no book

FIRST = [
    *("Anna", "Zoë", "José", "Chloé", "Jürgen", "Siân", "Åsa", "Björn", "Mateo", "Olivia"),
    *("Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Hugo", "Léa", "Elias", "Ines", "Felix"),
    *("Nora", "Oskar", "Ida", "Jonas", "Clara", "Leon", "Maja", "Paul", "Ella", "Theo"),
    *("Lina", "Marie", "Jan", "Sofie", "Erik", "Lotta", "Ömer", "Ayşe", "Ngozi"),
]
LAST = [
    *("Smith", "Müller", "García", "Dubois", "Rossi", "Nowak", "Novák", "Kowalski", "Jensen"),
    *("Hansen", "Nielsen", "Berg", "Johansson", "Virtanen", "Tamm", "Kask", "Janssen"),
    *("de Vries", "Peeters", "Silva", "Santos", "Costa", "Papadopoulos", "Kaya", "Horvat"),
    *("Popescu", "Ivanova", "Fischer", "Schneider", "Weber", "Wagner", "Becker", "Hoffmann"),
    *("Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann"),
    *("Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt"),
    *("Werner", "Krause", "Meier", "Lehmann", "Schmid", "O'Brien", "Murphy", "Kelly", "Walsh"),
]
CATEGORIES = ["Shoes", "Bags", "Jewelry", "Watches", "Dresses", "Suits", "Beauty", "Home"]

ATTRIBUTE_GROUP = {
    "name": "Client book",
    "attributes": [
        {
            "name": "favoriteCategory",
            "label": "Favorite category",
            "type": "list",
            "allowedValues": CATEGORIES,
            "refinable": True,
            "displayOrder": 1,
        },
        {"name": "preferredBrand", "label": "Preferred brand", "type": "text", "displayOrder": 2},
        {
            "name": "lifetimeValue",
            "label": "Lifetime value",
            "type": "decimal",
            "refinable": True,
            "displayOrder": 3,
        },
        {"name": "vip", "label": "VIP", "type": "boolean", "refinable": True},
        {"name": "lastVisit", "label": "Last visit", "type": "date", "refinable": True},
        {"name": "visits", "label": "Visits", "type": "integer", "refinable": True},
        {
            "name": "size",
            "label": "Size",
            "type": "list",
            "allowedValues": ["XS", "S", "M", "L", "XL"],
        },
        {
            "name": "preferredContact",
            "label": "Preferred contact",
            "type": "list",
            "allowedValues": ["Email", "Phone", "SMS", "Letter"],
        },
        {"name": "styleNotes", "label": "Style notes", "type": "text"},
        {"name": "memberSince", "label": "Member since", "type": "date"},
    ],
}
ASSOCIATE = ["view-client-book", "view-store-client-book", "add-to-client-book"]
ASSOCIATE += ["remove-from-client-book"]
MANAGER = [*ASSOCIATE, "reassign-customers", "manage-store-client-books"]


def store_id(n: int) -> str:
    return f"S{n:03d}"


def address_book(n: int) -> str:
    return f"AB{n:03d}"


def staff_id(n: int) -> str:
    return f"A{n:04d}"


def customer_id(n: int) -> str:
    return f"C{n:06d}"


def stores() -> list[dict[str, Any]]:
    return [
        {"storeId": store_id(s), "name": f"Store {s}", "addressBooks": [address_book((s + 1) // 2)]}
        for s in range(1, STORES + 1)
    ]


def staff() -> list[dict[str, Any]]:
    records = []
    for n in range(1, STORES * STAFF_PER_STORE + 1):
        home = (n - 1) // STAFF_PER_STORE + 1
        works_in = [store_id(home)]
        if n % 50 == 0 and home > 4:  # some work in a second store, away from the focus
            works_in.append(store_id(home - 2))
        records.append(
            {
                "staffId": staff_id(n),
                "name": f"Associate {n}",
                "objectId": staff_id(n),
                "stores": works_in,
                "permissionSetId": "manager" if n % STAFF_PER_STORE == 1 else "associate",
            }
        )
    return records


def customer_body(n: int, rng: random.Random) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    birthday = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
    body: dict[str, Any] = {
        "customerId": customer_id(n),
        "name": f"{first} {last}",
        "email": f"{fold(first)}.{fold(last).replace(' ', '')}{n}@example.com",
        "phone": f"+1 {200 + n % 700} 555 {n % 10_000:04d}",
        "addressBooks": [address_book(n % ADDRESS_BOOKS + 1)],
        "birthday": birthday.isoformat(),
        "contactConsent": n % 2 == 0,
        "attributes": {
            "favoriteCategory": rng.choice(CATEGORIES),
            "preferredBrand": f"Brand {rng.randrange(40)}",
            "lifetimeValue": round(rng.uniform(0, 50_000), 2),
            "vip": rng.random() < 0.15,
            "lastVisit": (dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))).isoformat(),
            "visits": rng.randrange(1, 200),
            "size": rng.choice(["XS", "S", "M", "L", "XL"]),
            "preferredContact": rng.choice(["Email", "Phone", "SMS", "Letter"]),
            "styleNotes": "classic, prefers muted colours" if n % 7 == 0 else "modern",
            "memberSince": (dt.date(2010, 1, 1) + dt.timedelta(days=n % 5000)).isoformat(),
        },
    }
    if n % 3 == 0:
        wedding = dt.date(1980, 1, 1) + dt.timedelta(days=rng.randrange(15_000))
        body["anniversary"] = wedding.isoformat()
    return body


def _customer_rows(rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for n in range(1, CUSTOMERS + 1):
        body = customer_body(n, rng)
        text = dump(body)
        yield (
            LEGAL_ENTITY,
            body["customerId"],
            text,
            content_etag(text),
            fold(body["name"]),
            customer_search_text(body["name"], body["email"], body["phone"]),
        )


def _insert_customers(world_storage: Any) -> None:
    db = world_storage.db
    rng = random.Random(42)
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO customers(legal_entity, customer_id, body, etag, sort_name, search_text)"
            " VALUES (?,?,?,?,?,?)",
            _customer_rows(rng),
        )
        conn.executemany(
            "INSERT INTO customer_address_books(legal_entity, address_book, customer_id)"
            " VALUES (?,?,?)",
            (
                (LEGAL_ENTITY, address_book(n % ADDRESS_BOOKS + 1), customer_id(n))
                for n in range(1, CUSTOMERS + 1)
            ),
        )


def _fill_books(world_storage: Any) -> None:
    records = world_storage.client_books

    def add(owner: str, first: int, count: int) -> None:
        for start in range(first, first + count, 1000):
            ids = [customer_id(n) for n in range(start, min(first + count, start + 1000))]
            records.add_to_book(
                LEGAL_ENTITY, owner, ids, True, lambda c: f"CB-{c:06d}", "2025-01-01T00:00:00Z"
            )

    next_customer = 1
    for owner in FOCUS_OWNERS:
        add(owner, next_customer, FOCUS_BOOK_SIZE)
        next_customer += FOCUS_BOOK_SIZE
    others = [staff_id(n) for n in range(21, STORES * STAFF_PER_STORE + 1)]
    share, extra = divmod(OTHER_MEMBERSHIPS, len(others))
    for index, owner in enumerate(others):
        count = share + (1 if index < extra else 0)
        add(owner, next_customer, count)
        next_customer += count
    assert next_customer == FREE_CUSTOMERS_FROM, next_customer


def build(world: World, storage: Any) -> None:
    """Configure, import and publish headquarters data, then customers and books."""
    base = f"/api/admin/{LEGAL_ENTITY}"
    admin = world.admin
    world.ok(admin.put(f"{base}/attribute-groups/CLIENTBOOK", json=ATTRIBUTE_GROUP))
    world.ok(admin.put(f"{base}/parameters", json={"attributeGroupId": "CLIENTBOOK"}))
    world.import_records(
        LEGAL_ENTITY,
        "permission-sets",
        [
            {"permissionSetId": "associate", "name": "Associate", "operations": ASSOCIATE},
            {"permissionSetId": "manager", "name": "Store manager", "operations": MANAGER},
        ],
    )
    world.import_records(LEGAL_ENTITY, "stores", stores())
    world.import_records(LEGAL_ENTITY, "staff", staff())
    world.publish()
    _insert_customers(storage)
    _fill_books(storage)
    storage.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")


def data_file(root: Path) -> Path:
    return root / f"client_book-v{DATA_SET_VERSION}.db"
