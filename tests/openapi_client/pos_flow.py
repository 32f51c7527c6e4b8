"""The core POS flow, through the client openapi-python-client generated from the document.

Run by the generator's environment (it has httpx and attrs, not the app's packages):

    python pos_flow.py <base url> <token of the associate> <token of a colleague>

Every step asserts what a POS developer relies on; the first broken one fails with its name.
It prints one JSON line of what it saw for the test to check.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

from clienteling_client import AuthenticatedClient
from clienteling_client.api.activities import pos_record_activity
from clienteling_client.api.client_books import (
    client_book_add,
    client_book_customers,
    client_book_mine,
)
from clienteling_client.api.customers import customer_attributes_patch, customer_details
from clienteling_client.api.notes import pos_add_note
from clienteling_client.models import (
    ActivityInput,
    AddCustomers,
    AttributeChanges,
    AttributeChangesAttributes,
    NoteInput,
    Problem,
)

STORE = "SEA01"
# Customers of the WEST address book, which SEA01 works with (demo data).
CUSTOMERS = ["C00003", "C00006", "C00009", "C00012", "C00015", "C00018"]


def main(base_url: str, token: str, colleague_token: str) -> dict:
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
    colleague = AuthenticatedClient(
        base_url=base_url, token=colleague_token, raise_on_unexpected_status=True
    )
    seen: dict = {}

    mine = client_book_mine.sync_detailed(STORE, client=client)
    assert mine.status_code == 200 and mine.parsed.client_book is None, ("my book", mine)

    added = client_book_add.sync_detailed(
        STORE, client=client, body=AddCustomers(customer_ids=CUSTOMERS)
    )
    assert added.status_code == 200, ("add", added.content)
    assert sorted(added.parsed.added) == CUSTOMERS and added.parsed.created, ("add", added.parsed)
    seen["book"] = added.parsed.client_book.id

    # Cards, to know the values the filter must find.
    attributes = {}
    for customer_id in CUSTOMERS:
        card = customer_details.sync_detailed(STORE, customer_id, client=client)
        assert card.status_code == 200, ("card", customer_id, card.content)
        attributes[customer_id] = {a.name: a.value for a in card.parsed.attributes}
    first = attributes[CUSTOMERS[0]]
    category, spend = first["favoriteCategory"], Decimal(str(first["lifetimeSpend"]))
    low, high = spend - 1000, spend + 1000
    expected = sorted(
        c
        for c, values in attributes.items()
        if values["favoriteCategory"] == category
        and low <= Decimal(str(values["lifetimeSpend"])) <= high
    )
    page = client_book_customers.sync_detailed(
        STORE,
        client=client,
        refine=[f"favoriteCategory:{category}"],
        range_=[f"lifetimeSpend:{low}..{high}"],
    )
    assert page.status_code == 200, ("filter", page.content)
    found = sorted(card.customer_id for card in page.parsed.customers)
    assert found == expected and CUSTOMERS[0] in found, ("filter", found, expected)
    assert page.parsed.total_count == len(expected), ("filter count", page.parsed.total_count)
    seen["filtered"] = found

    card = customer_details.sync_detailed(STORE, CUSTOMERS[0], client=client)
    etag = card.headers.get("ETag")
    assert card.status_code == 200 and etag, ("card etag", card.headers)
    changes = AttributeChangesAttributes.from_dict({"vip": True, "preferredBrand": "Northwind"})
    patched = customer_attributes_patch.sync_detailed(
        STORE, CUSTOMERS[0], client=client, body=AttributeChanges(attributes=changes), if_match=etag
    )
    assert patched.status_code == 200, ("patch", patched.content)
    values = {a.name: a.value for a in patched.parsed.attributes}
    assert (values["vip"], values["preferredBrand"]) == (True, "Northwind"), ("patch", values)
    assert patched.headers.get("ETag") not in (None, etag), ("patch etag", patched.headers)
    stale = customer_attributes_patch.sync_detailed(
        STORE, CUSTOMERS[0], client=client, body=AttributeChanges(attributes=changes), if_match=etag
    )
    assert stale.status_code == 412 and isinstance(stale.parsed, Problem), ("stale", stale)
    seen["stale"] = stale.parsed.type_

    activity = pos_record_activity.sync_detailed(
        STORE,
        CUSTOMERS[0],
        client=client,
        body=ActivityInput(
            activity_type_id="VISIT",
            subject="Fitting for the autumn collection",
            start_time=dt.datetime.now(dt.UTC).replace(microsecond=0),
        ),
        idempotency_key="visit-1",
    )
    assert activity.status_code == 201, ("activity", activity.content)
    assert activity.parsed.activity_type_id == "VISIT", ("activity", activity.parsed)

    note = pos_add_note.sync_detailed(
        STORE, CUSTOMERS[0], client=client, body=NoteInput(text="Prefers fittings on Saturday")
    )
    assert note.status_code == 201, ("note", note.content)
    assert note.parsed.text == "Prefers fittings on Saturday" and note.parsed.etag, note.parsed

    # A colleague adding a customer already in this book: the one-book rule, as a problem.
    taken = client_book_add.sync_detailed(
        STORE, client=colleague, body=AddCustomers(customer_ids=[CUSTOMERS[1]])
    )
    assert taken.status_code == 409 and isinstance(taken.parsed, Problem), ("409", taken)
    assert taken.headers["content-type"].startswith("application/problem+json"), taken.headers
    seen["conflict"] = taken.parsed.type_
    seen["conflictDetail"] = taken.parsed.detail
    return seen


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
