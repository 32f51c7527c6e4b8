"""A small, realistic world built through the admin routes, as headquarters would.

Legal entity USRT: stores S1 (address book AB1), S2 (AB1, AB2) and S3 (AB3); legal entity
DEMF: store D1. Staff (object ids are their names): alice (S1, associate), bob (S1+S2,
manager), carol (S2, associate), dave (S3, associate), vic (S1, viewer: may only view),
erin (DEMF D1, associate). `admin` holds the Clienteling.Admin role.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.adapters.identity.local_signing import LocalSigningKey
from shared.domain.identity import ADMIN_ROLE
from tests.support.api_client import ApiClient

ASSOCIATE = [
    "view-client-book",
    "view-store-client-book",
    "add-to-client-book",
    "remove-from-client-book",
    "edit-customer-attributes",
    "capture-consent",
]
MANAGER = [*ASSOCIATE, "reassign-customers", "manage-store-client-books"]

ATTRIBUTE_GROUP = {
    "name": "Client book",
    "attributes": [
        {
            "name": "favoriteCategory",
            "label": "Favorite category",
            "type": "list",
            "allowedValues": ["Shoes", "Bags", "Jewelry", "Watches"],
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
    ],
}

STAFF = {
    "USRT": [
        ("alice", "Alice Archer", ["S1"], "associate"),
        ("bob", "Bob Baker", ["S1", "S2"], "manager"),
        ("carol", "Carol Cruz", ["S2"], "associate"),
        ("dave", "Dave Dunn", ["S3"], "associate"),
        ("vic", "Vic Viewer", ["S1"], "viewer"),
    ],
    "DEMF": [("erin", "Erin Engel", ["D1"], "associate")],
}
STORES = {
    "USRT": [
        ("S1", "Seattle", ["AB1"]),
        ("S2", "Portland", ["AB1", "AB2"]),
        ("S3", "Austin", ["AB3"]),
    ],
    "DEMF": [("D1", "Berlin", ["DE1"])],
}


def customers(legal_entity: str, count: int, address_books: list[str]) -> list[dict[str, Any]]:
    """Customers C001.. with names, dates and attribute values that vary predictably."""
    categories = ["Shoes", "Bags", "Jewelry", "Watches"]
    result = []
    for n in range(1, count + 1):
        result.append(
            {
                "customerId": f"{legal_entity[:1]}C{n:03d}",
                "name": f"Customer {n:03d}",
                "email": f"customer{n}@example.com",
                "phone": f"+1 206 555 {n:04d}",
                "addressBooks": [address_books[n % len(address_books)]],
                "birthday": f"19{70 + n % 30}-{(n % 12) + 1:02d}-{(n % 28) + 1:02d}",
                "attributes": {
                    "favoriteCategory": categories[n % 4],
                    "preferredBrand": f"Brand {n % 5}",
                    "lifetimeValue": float(n * 100),
                    "vip": n % 3 == 0,
                    "visits": n,
                },
            }
        )
    return result


class World:
    def __init__(self, api: ApiClient, signing_key: LocalSigningKey) -> None:
        self.api = api
        self.key = signing_key
        self.admin = api.with_token(self.token("admin", roles=[ADMIN_ROLE]))

    def token(self, object_id: str, roles: list[str] | None = None) -> str:
        return self.key.mint(object_id, name=object_id.title(), roles=roles)

    def as_staff(self, object_id: str) -> ApiClient:
        return self.api.with_token(self.token(object_id))

    def ok(self, reply: Any, status: int = 200) -> Any:
        assert reply.status == status, reply
        return reply.json

    def import_records(self, legal_entity: str, kind: str, records: list[dict]) -> dict:
        report = self.ok(self.admin.post(f"/api/admin/{legal_entity}/import/{kind}", json=records))
        assert report["rejected"] == 0, report
        return report

    def configure(self, legal_entity: str) -> None:
        base = f"/api/admin/{legal_entity}"
        self.ok(self.admin.put(f"{base}/attribute-groups/CLIENTBOOK", json=ATTRIBUTE_GROUP))
        self.ok(
            self.admin.put(
                f"{base}/parameters",
                json={"attributeGroupId": "CLIENTBOOK", "numberSequence": {"prefix": "CB-"}},
            )
        )
        for type_id, name in (("VISIT", "Store visit"), ("EMAIL", "Email"), ("CALL", "Phone call")):
            self.ok(self.admin.put(f"{base}/activity-types/{type_id}", json={"name": name}))
        self.import_records(
            legal_entity,
            "permission-sets",
            [
                {"permissionSetId": "associate", "name": "Associate", "operations": ASSOCIATE},
                {"permissionSetId": "manager", "name": "Store manager", "operations": MANAGER},
                {"permissionSetId": "viewer", "name": "Viewer", "operations": ["view-client-book"]},
            ],
        )
        self.import_records(
            legal_entity,
            "stores",
            [
                {"storeId": s, "name": n, "addressBooks": books}
                for s, n, books in STORES[legal_entity]
            ],
        )
        self.import_records(
            legal_entity,
            "staff",
            [
                {
                    "staffId": oid,
                    "name": name,
                    "objectId": oid,
                    "stores": stores,
                    "permissionSetId": permission_set,
                }
                for oid, name, stores, permission_set in STAFF[legal_entity]
            ],
        )

    def publish(self) -> None:
        for job in ("1040", "1150", "1110", "1090"):
            run = self.ok(self.admin.post(f"/api/admin/distribution/{job}/run"))
            assert run["status"] == "succeeded", run

    def build(self, customers_per_entity: int = 40) -> World:
        for legal_entity in STORES:
            self.configure(legal_entity)
            books = sorted({b for _, _, bs in STORES[legal_entity] for b in bs})
            self.import_records(
                legal_entity, "customers", customers(legal_entity, customers_per_entity, books)
            )
        self.publish()
        return self


class FixedClock:
    """A clock that says what a test tells it to (services read "today" from it)."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment


def use_clock(moment: dt.datetime) -> FixedClock:
    """Rebuild the app's services over the same store with a fixed clock."""
    from shared.composition import build_services, reset_services
    from shared.settings import get_settings

    clock = FixedClock(moment)
    reset_services(build_services(get_settings(), clock=clock))
    return clock


def pos_path(store_id: str, rest: str) -> str:
    return f"/api/stores/{store_id}/{rest}"


def change_parameters(world: World, legal_entity: str, **changes: Any) -> None:
    """Change clienteling parameters as an admin would, and publish them (job 1110)."""
    path = f"/api/admin/{legal_entity}/parameters"
    current = world.admin.get(path)
    body = {**world.ok(current), **changes}
    world.ok(world.admin.put(path, json=body, headers={"If-Match": current.etag}))
    run = world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    assert run["status"] == "succeeded", run


def add_to_book(world: World, staff: str, customer_ids: list[str], store_id: str) -> Any:
    """`staff` adds customers to their own book; the reply must be a success."""
    reply = world.as_staff(staff).post(
        pos_path(store_id, "client-book/customers"), json={"customerIds": customer_ids}
    )
    return world.ok(reply)
