"""Card composition: measures first, then attributes by display order, three in all."""

from __future__ import annotations

from shared.domain.attributes import AttributeGroup
from shared.domain.cards import (
    BookReference,
    CardSource,
    InsightsStatus,
    MeasureValue,
    PropertyKind,
    compose_card,
)

GROUP = AttributeGroup.model_validate(
    {
        "name": "Client book",
        "attributes": [
            {"name": "brand", "label": "Brand", "type": "text", "displayOrder": 2},
            {"name": "size", "label": "Size", "type": "text", "displayOrder": 1},
            {"name": "notes", "label": "Notes", "type": "text"},
            {"name": "colour", "label": "Colour", "type": "text", "displayOrder": 3},
            {"name": "fit", "label": "Fit", "type": "text", "displayOrder": 4},
        ],
    }
)
SOURCE = CardSource(
    customer_id="C1",
    name="Zoë Ågren",
    email="zoe@example.com",
    phone="+46 8 123",
    attributes={"brand": "Acme", "size": "M", "notes": "hidden", "fit": "slim"},
)
ALICE = BookReference(id="CB-000001", owner_staff_id="alice", owner_name="Alice Archer")
BOB = BookReference(id="CB-000002", owner_staff_id="bob", owner_name="Bob Baker")


def measures(count: int) -> list[MeasureValue]:
    return [MeasureValue(f"m{n}", f"Measure {n}", n / 10) for n in range(1, count + 1)]


def shown(count: int) -> list[tuple[str, str, object]]:
    card = compose_card(SOURCE, [ALICE], GROUP, measures(count), InsightsStatus.OK, False)
    return [(p.kind.value, p.name, p.value) for p in card.properties]


def test_without_measures_the_first_three_attributes_by_display_order_show() -> None:
    assert shown(0) == [
        ("attribute", "size", "M"),
        ("attribute", "brand", "Acme"),
        ("attribute", "colour", None),
    ]


def test_two_measures_leave_room_for_the_attribute_shown_first() -> None:
    assert shown(2) == [("measure", "m1", 0.1), ("measure", "m2", 0.2), ("attribute", "size", "M")]


def test_three_measures_fill_the_card() -> None:
    assert [kind for kind, _, _ in shown(3)] == [PropertyKind.MEASURE.value] * 3
    assert len(shown(5)) == 3


def test_attributes_without_a_display_order_never_show_on_cards() -> None:
    assert "notes" not in {name for _, name, _ in shown(0)}


def test_a_card_carries_contact_fields_its_book_and_insights_status() -> None:
    card = compose_card(SOURCE, [ALICE], GROUP, [], InsightsStatus.DISABLED, False)
    body = card.to_json()
    assert body["customerId"] == "C1"
    assert body["email"] == "zoe@example.com"
    assert body["clientBook"] == {
        "id": "CB-000001",
        "ownerStaffId": "alice",
        "ownerName": "Alice Archer",
    }
    assert body["clientBooks"] is None
    assert body["insights"] == {"status": "disabled"}


def test_with_several_books_allowed_the_card_names_every_book() -> None:
    card = compose_card(SOURCE, [BOB, ALICE], GROUP, [], InsightsStatus.DISABLED, True)
    assert card.client_book == BOB
    assert card.client_books == [BOB, ALICE]


def test_a_customer_in_no_book_has_no_book_on_the_card() -> None:
    card = compose_card(SOURCE, [], None, [], InsightsStatus.DISABLED, True)
    assert card.client_book is None
    assert card.client_books == []
    assert card.properties == []
