"""Customer search: the store's address books only, and whose book holds each hit."""

from __future__ import annotations

from tests.support.world import World, add_to_book, pos_path


def search(world: World, staff: str, store: str, **params) -> dict:
    return world.ok(world.as_staff(staff).get(pos_path(store, "customers"), params=params))


def every_hit(world: World, staff: str, store: str, text: str) -> list[str]:
    found, token = [], None
    while True:
        params = {"search": text, "pageSize": 5}
        if token:
            params["continuationToken"] = token
        page = search(world, staff, store, **params)
        found += [c["customerId"] for c in page["customers"]]
        token = page["continuationToken"]
        if not token:
            return found


def test_search_finds_only_customers_of_the_stores_address_books(world: World) -> None:
    in_ab1 = [f"UC{n:03d}" for n in range(3, 41, 3)]
    assert every_hit(world, "alice", "S1", "customer") == in_ab1
    in_ab3 = [f"UC{n:03d}" for n in range(2, 41, 3)]
    assert every_hit(world, "dave", "S3", "customer") == in_ab3
    s2 = every_hit(world, "carol", "S2", "customer")
    assert len(s2) == 27 and "UC002" not in s2


def test_each_hit_says_whose_book_holds_it(world: World) -> None:
    add_to_book(world, "alice", ["UC003"], "S1")
    add_to_book(world, "bob", ["UC006"], "S1")
    hits = {
        c["customerId"]: c for c in search(world, "alice", "S1", search="customer 00")["customers"]
    }
    assert hits["UC003"]["bookStatus"] == "mine"
    assert hits["UC003"]["clientBook"]["ownerStaffId"] == "alice"
    assert hits["UC006"]["bookStatus"] == "colleague"
    assert hits["UC006"]["clientBook"] == {
        "id": "CB-000002",
        "ownerStaffId": "bob",
        "ownerName": "Bob Baker",
    }
    assert hits["UC009"]["bookStatus"] == "none"
    assert hits["UC009"]["clientBook"] is None
    assert len(hits["UC009"]["properties"]) == 3


def test_search_ignores_case_and_accents(world: World) -> None:
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "X1",
                "name": "Zoë Ågren",
                "phone": "+46 8-555 12 34",
                "addressBooks": ["AB1"],
            }
        ],
    )
    assert [
        c["customerId"] for c in search(world, "alice", "S1", search="ZOE ag")["customers"]
    ] == ["X1"]
    assert [
        c["customerId"] for c in search(world, "alice", "S1", search="5551234")["customers"]
    ] == ["X1"]


def test_search_needs_at_least_two_characters(world: World) -> None:
    alice = world.as_staff("alice")
    for params in ({}, {"search": ""}, {"search": "a"}, {"search": "  b  "}):
        reply = alice.get(pos_path("S1", "customers"), params=params)
        assert reply.status == 400, (params, reply)
        assert reply.json["errors"][0]["field"] == "search"


def test_search_never_crosses_legal_entities(world: World) -> None:
    hits = every_hit(world, "erin", "D1", "customer")
    assert hits and all(h.startswith("DC") for h in hits)


def hits_of(world: World, staff: str, store: str, text: str) -> list[str]:
    return [c["customerId"] for c in search(world, staff, store, search=text)["customers"]]


def test_a_word_matches_the_start_of_a_name_word_an_email_part_or_any_part_of_a_phone(
    world: World,
) -> None:
    # UC003 and UC006..UC039, every third, are in S1's address book.
    assert hits_of(world, "alice", "S1", "custom 003") == [
        "UC003",
        "UC030",
        "UC033",
        "UC036",
        "UC039",
    ]
    assert hits_of(world, "alice", "S1", "customer3@exa") == ["UC003"]
    assert hits_of(world, "alice", "S1", "example customer33") == ["UC033"]
    assert hits_of(world, "alice", "S1", "5550003") == ["UC003"]  # inside "12065550003"
    # Inside a name word is not a match: what lets a search read only its candidates.
    assert hits_of(world, "alice", "S1", "ustomer") == []


def test_search_follows_imports_at_once_renames_and_address_book_moves(world: World) -> None:
    def customer(name: str, books: list[str]) -> dict:
        return {"customerId": "X1", "name": name, "addressBooks": books}

    world.import_records("USRT", "customers", [customer("Zoë Ågren", ["AB1"])])
    assert hits_of(world, "alice", "S1", "agren") == ["X1"]
    world.import_records("USRT", "customers", [customer("Zoë Berg", ["AB1"])])
    assert hits_of(world, "alice", "S1", "agren") == []
    assert hits_of(world, "alice", "S1", "berg") == ["X1"]
    world.import_records("USRT", "customers", [customer("Zoë Berg", ["AB3"])])
    assert hits_of(world, "alice", "S1", "berg") == []
    assert hits_of(world, "dave", "S3", "berg") == ["X1"]


def test_a_search_hit_shows_attribute_values_as_soon_as_they_are_saved(world: World) -> None:
    def category() -> str:
        [hit] = search(world, "alice", "S1", search="customer3@")["customers"]
        return {p["name"]: p["value"] for p in hit["properties"]}["favoriteCategory"]

    assert category() == "Watches"

    alice = world.as_staff("alice")
    details = alice.get(pos_path("S1", "customers/UC003"))
    changed = alice.patch(
        pos_path("S1", "customers/UC003/attributes"),
        json={"attributes": {"favoriteCategory": "Bags"}},
        headers={"If-Match": details.etag},
    )
    assert changed.status == 200, changed
    assert category() == "Bags"


def test_an_erased_customer_is_not_found_by_any_old_word(world: World) -> None:
    assert hits_of(world, "alice", "S1", "customer3@") == ["UC003"]
    path = "/api/admin/USRT/customers/UC003/erase"
    world.ok(world.admin.post(path, json={"confirmCustomerId": "UC003"}))
    for text in ("customer 003", "customer3@", "5550003", "erased"):
        assert "UC003" not in every_hit(world, "alice", "S1", text), text
