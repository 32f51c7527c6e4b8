"""Whose books a store client book covers."""

from __future__ import annotations

from shared.domain.organisation import Staff, Store
from shared.domain.store_client_book import AddressBookIndex, in_store_scope

STORES = {
    "S1": Store(store_id="S1", name="Seattle", address_books=["AB1"]),
    "S2": Store(store_id="S2", name="Portland", address_books=["AB1", "AB2"]),
    "S3": Store(store_id="S3", name="Austin", address_books=["AB3"]),
    "S4": Store(store_id="S4", name="Boise", address_books=["AB2"]),
}


def staff(staff_id: str, stores: list[str], active: bool = True) -> Staff:
    return Staff(
        staff_id=staff_id,
        name=staff_id.title(),
        object_id=staff_id,
        stores=stores,
        permission_set_id="associate",
        active=active,
    )


INDEX = AddressBookIndex.build(
    [
        staff("alice", ["S1"]),
        staff("bob", ["S1", "S2"]),
        staff("carol", ["S2"]),
        staff("dave", ["S3"]),
        staff("gina", ["S4"]),
        staff("left", ["S1"], active=False),
    ],
    STORES,
)


def test_associates_sharing_an_address_book_share_the_store_client_book() -> None:
    assert INDEX.store_book_owners("alice") == {"alice", "bob", "carol", "left"}


def test_working_in_several_stores_widens_the_store_client_book() -> None:
    assert INDEX.store_book_owners("bob") == {"alice", "bob", "carol", "gina", "left"}


def test_a_store_with_its_own_address_book_sees_only_its_associates() -> None:
    assert INDEX.store_book_owners("dave") == {"dave"}


def test_associates_who_left_stay_in_scope_until_their_customers_are_reassigned() -> None:
    assert "left" in INDEX.store_book_owners("carol")


def test_someone_unknown_sees_only_their_own_book() -> None:
    assert INDEX.store_book_owners("nobody") == {"nobody"}


def test_sharing_an_address_book_with_one_store() -> None:
    assert INDEX.shares_address_book("gina", STORES["S2"])
    assert not INDEX.shares_address_book("gina", STORES["S1"])
    assert not INDEX.shares_address_book("nobody", STORES["S1"])


def test_a_store_reaches_customers_of_its_address_books() -> None:
    assert in_store_scope(["AB2", "AB1"], STORES["S1"], holders=[], store_book_owners=[])
    assert not in_store_scope(["AB3"], STORES["S1"], holders=[], store_book_owners=["alice"])
    assert not in_store_scope([], STORES["S1"], holders=[], store_book_owners=["alice"])


def test_a_store_reaches_customers_held_in_its_store_client_book() -> None:
    owners = INDEX.store_book_owners("alice")

    assert in_store_scope(["AB3"], STORES["S1"], holders=["carol"], store_book_owners=owners)
    assert not in_store_scope(["AB3"], STORES["S1"], holders=["dave"], store_book_owners=owners)
