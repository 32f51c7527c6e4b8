"""A realistic demo data set for `make run`: one legal entity, three stores, eight
associates with different permission sets, ~300 customers with attribute values and dates."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from shared.domain.text import fold

LEGAL_ENTITY = "USRT"
ASSOCIATE = [
    "view-client-book",
    "view-store-client-book",
    "add-to-client-book",
    "remove-from-client-book",
    "edit-customer-attributes",
    "capture-consent",
]
MANAGER = [*ASSOCIATE, "reassign-customers", "manage-store-client-books"]

PERMISSION_SETS = [
    {"permissionSetId": "associate", "name": "Sales associate", "operations": ASSOCIATE},
    {"permissionSetId": "manager", "name": "Store manager", "operations": MANAGER},
    {"permissionSetId": "trainee", "name": "Trainee", "operations": ["view-client-book"]},
]
# Seattle and Portland share the WEST address book; Austin keeps its own.
STORES = [
    {
        "storeId": "SEA01",
        "name": "Seattle Downtown",
        "addressBooks": ["WEST"],
        "timeZone": "America/Los_Angeles",
        "phone": "+1 206 555 0100",
    },
    {
        "storeId": "POR01",
        "name": "Portland Pearl",
        "addressBooks": ["WEST", "PDX"],
        "timeZone": "America/Los_Angeles",
        "phone": "+1 503 555 0100",
    },
    {
        "storeId": "AUS01",
        "name": "Austin Domain",
        "addressBooks": ["SOUTH"],
        "timeZone": "America/Chicago",
        "phone": "+1 512 555 0100",
    },
]
STAFF = [
    ("000001", "Ana Alvarez", ["SEA01"], "associate"),
    ("000002", "Ben Okafor", ["SEA01"], "associate"),
    ("000003", "Chloé Martin", ["SEA01", "POR01"], "manager"),
    ("000004", "Dmitri Ivanov", ["POR01"], "associate"),
    ("000005", "Emma Nguyen", ["POR01"], "trainee"),
    ("000006", "Farah Haddad", ["AUS01"], "associate"),
    ("000007", "Gus Lindqvist", ["AUS01"], "manager"),
    ("000008", "Hana Sato", ["SEA01", "AUS01"], "associate"),
]
ATTRIBUTE_GROUP_ID = "CLIENTBOOK"
ATTRIBUTE_GROUP = {
    "name": "Client book",
    "attributes": [
        {
            "name": "favoriteCategory",
            "label": "Favorite category",
            "type": "list",
            "allowedValues": ["Shoes", "Handbags", "Jewelry", "Watches", "Outerwear"],
            "refinable": True,
            "displayOrder": 1,
        },
        {"name": "preferredBrand", "label": "Preferred brand", "type": "text", "displayOrder": 2},
        {
            "name": "clothingSize",
            "label": "Clothing size",
            "type": "list",
            "allowedValues": ["XS", "S", "M", "L", "XL"],
            "refinable": True,
            "displayOrder": 3,
        },
        {"name": "lifetimeSpend", "label": "Lifetime spend", "type": "decimal", "refinable": True},
        {"name": "vip", "label": "VIP", "type": "boolean", "refinable": True},
        {"name": "lastVisit", "label": "Last visit", "type": "date", "refinable": True},
    ],
}
ACTIVITY_TYPES = {
    "VISIT": ("Store visit", "The customer came to the store"),
    "EMAIL": ("Email", "An email to or from the customer"),
    "CALL": ("Phone call", "A call with the customer"),
    "APPOINTMENT": ("Appointment", "A booked styling or fitting session"),
    "SMS": ("Text message", "A text message to or from the customer"),
}
# Outreach on, with the local host as the unsubscribe links' address (docs/outreach.md).
OUTREACH_SETTINGS = {
    "outreachEnabled": True,
    # No quiet hours in the demo, so the example send works at any hour of the day; a
    # retailer keeps the default (21:00 to 08:00 store time) or sets its own.
    "quietHours": None,
    "unsubscribeBaseUrl": "http://localhost:7071",
    "defaultCallingCode": "1",
    "smsSenderName": "Clienteling Demo",
}
MESSAGE_TEMPLATES = {
    "NEW-ARRIVALS": {
        "name": "New arrivals",
        "channel": "sms",
        "texts": {
            "en": {
                "body": "Hi {customer.firstName}, new arrivals are in at {store.name}!"
                " Reply STOP to opt out. {associate.name}"
            },
            "es": {
                "body": "Hola {customer.firstName}, ¡novedades en {store.name}!"
                " Responde STOP para darte de baja. {associate.name}"
            },
        },
    },
    "THANK-YOU": {
        "name": "Thank you for your visit",
        "channel": "email",
        "texts": {
            "en": {
                "subject": "Thank you for visiting {store.name}, {customer.firstName}",
                "body": "It was a pleasure to see you today. Call me at {store.phone} any"
                " time.\n\n{associate.name}, {store.name}",
            }
        },
    },
}
# Follow-up rules of the demo, and the customers already in books, so the first generation
# (run by `make run`) fills Ben's and Hana's worklists.
FOLLOWUP_RULES = {
    "BIRTHDAYS": {
        "name": "Birthdays",
        "kind": "important-date",
        "dateField": "birthday",
        "days": 14,
        "expiresAfterDays": 21,
    },
    "ANNIVERSARIES": {
        "name": "Anniversaries",
        "kind": "important-date",
        "dateField": "anniversary",
        "days": 14,
        "expiresAfterDays": 21,
    },
    "KEEP_IN_TOUCH": {
        "name": "Keep in touch",
        "kind": "keep-in-touch",
        "days": 90,
        "activityTypeIds": ["VISIT", "CALL"],
        "dueOffsetDays": 2,
    },
    "WELCOME": {"name": "Welcome call", "kind": "welcome", "days": 3},
}
# Staff id -> customers in their book: Ben's and Hana's. Ana's book starts empty, for the
# example calls (and the generated client's POS flow) that add customers to it; WEST
# customers are those with n divisible by 3, and the ones those calls add stay free.
BOOKS = {
    "000002": [f"C{n:05d}" for n in range(21, 73, 3)],
    "000008": [f"C{n:05d}" for n in range(75, 112, 3)],
}
FIRST = [
    "Zoë",
    "Liam",
    "Olivia",
    "Noah",
    "Sofía",
    "Mateo",
    "Amélie",
    "Lucas",
    "Maya",
    "Ethan",
    "Ingrid",
    "Kenji",
    "Aisha",
    "Oscar",
    "Björn",
    "Lena",
    "Rafael",
    "Chloe",
    "Yusuf",
    "Nora",
]
LAST = [
    "Åberg",
    "Smith",
    "García",
    "Müller",
    "Chen",
    "Johnson",
    "O'Neil",
    "Kowalski",
    "Rossi",
    "Dubois",
    "Patel",
    "Kim",
    "Novak",
    "Silva",
    "Jensen",
    "Brown",
    "Sato",
    "Haddad",
]
BRANDS = ["Aurelia", "Northwind", "Fabrikam", "Tailspin", "Wingtip", "Litware"]
STAFF_OBJECT_ID_PREFIX = "00000000-0000-4000-8000-000000"


def object_id(staff_id: str) -> str:
    """Demo Entra object ids: predictable so printed tokens stay valid across runs."""
    return f"{STAFF_OBJECT_ID_PREFIX}{staff_id}"


def staff_records() -> list[dict[str, Any]]:
    return [
        {
            "staffId": sid,
            "name": name,
            "objectId": object_id(sid),
            "stores": stores,
            "permissionSetId": permission_set,
        }
        for sid, name, stores, permission_set in STAFF
    ]


# The customer of the printed example calls: opted in to email and SMS, dated, so the
# example send is accepted and delivered whatever the random consent flags say.
EXAMPLE_CUSTOMER = "C00003"
EXAMPLE_CONSENT = {
    channel: {"state": "opted-in", "givenAt": "2026-01-15T10:00:00Z"}
    for channel in ("email", "sms")
}


def customer_records(count: int = 300, seed: int = 42) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    today = dt.date.today()
    books = ["WEST", "PDX", "SOUTH"]
    result = []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        birthday = dt.date(rng.randint(1950, 2004), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        record: dict[str, Any] = {
            "customerId": f"C{n:05d}",
            "name": f"{first} {last}",
            "email": fold(f"{first}.{last}{n}@example.com").replace("'", ""),
            "phone": f"+1 206 555 {n:04d}",
            "addressBooks": [books[n % 3]] + (["WEST"] if n % 7 == 0 and n % 3 else []),
            "birthday": birthday.isoformat(),
            "contactConsent": rng.random() < 0.8,
            "attributes": {
                "favoriteCategory": rng.choice(ATTRIBUTE_GROUP["attributes"][0]["allowedValues"]),
                "preferredBrand": rng.choice(BRANDS),
                "clothingSize": rng.choice(["XS", "S", "M", "L", "XL"]),
                "lifetimeSpend": round(rng.uniform(100, 25_000), 2),
                "vip": rng.random() < 0.15,
                "lastVisit": (today - dt.timedelta(days=rng.randint(0, 400))).isoformat(),
            },
        }
        if record["customerId"] == EXAMPLE_CUSTOMER:
            record["consent"] = EXAMPLE_CONSENT
        if rng.random() < 0.3:
            record["anniversary"] = (
                dt.date(rng.randint(1980, 2020), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            ).isoformat()
        result.append(record)
    return result
