"""A Customer Insights - Data stand-in serving its Dataverse tables.

`/api/data/v9.2/msdynci_customerprofiles` and `/msdynci_customermeasures`.
`$filter` is parsed as OData (only `eq` joined by `or`, string literals with doubled quotes), so
a filter that a quote in a customer id had bent would be seen for what it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.identity import FakeIdentityProvider
from tests.fakes.server import FakeResponse, LocalServer, RecordedRequest
from tests.fakes.tls import TlsFiles

DATAVERSE_PREFIX = "/api/data/v9.2/"
_TOKEN = re.compile(r"\s*(?:(?P<literal>'(?:[^']|'')*')|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")


class FilterSyntaxError(ValueError):
    pass


def parse_filter(text: str) -> list[tuple[str, str]]:
    """`a eq 'x' or a eq 'y'` -> [("a", "x"), ("a", "y")]; anything else is a syntax error."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if not match:
            raise FilterSyntaxError(f"unexpected input at {position}: {text[position:]!r}")
        kind = "literal" if match.group("literal") else "word"
        tokens.append((kind, match.group(kind)))
        position = match.end()
    comparisons: list[tuple[str, str]] = []
    for index in range(0, len(tokens), 4):
        group = tokens[index : index + 4]
        if (
            len(group) < 3
            or group[0][0] != "word"
            or group[1] != ("word", "eq")
            or group[2][0] != "literal"
        ):
            raise FilterSyntaxError(f"expected '<property> eq <literal>' in {text!r}")
        if len(group) == 4 and group[3] != ("word", "or"):
            raise FilterSyntaxError(f"expected 'or' in {text!r}")
        comparisons.append((group[0][1], group[2][1][1:-1].replace("''", "'")))
    if tokens and tokens[-1] == ("word", "or"):
        raise FilterSyntaxError("dangling 'or'")
    return comparisons


@dataclass
class Customer:
    customer_id: str  # our id, held in the alternate id property
    insights_id: str
    measures: dict[str, Any] = field(default_factory=dict)


class FakeCustomerInsights:
    def __init__(
        self,
        tls: TlsFiles,
        identity: FakeIdentityProvider,
        alternate_id_property: str,
    ) -> None:
        self.server = LocalServer(self.handle, tls)
        self.identity = identity
        self.alternate_id_property = alternate_id_property
        self.customers: list[Customer] = []
        self.filters_seen: list[list[tuple[str, str]]] = []
        # Knobs: seconds every data request takes, and a status every request fails with.
        self.latency = 0.0
        self.failing_status: int | None = None

    @property
    def org_url(self) -> str:
        return self.server.base_url

    def add(self, customer_id: str, insights_id: str, **measures: Any) -> None:
        self.customers.append(Customer(customer_id, insights_id, measures))

    def data_requests(self) -> list[RecordedRequest]:
        return [r for r in self.server.requests if r.path.startswith(DATAVERSE_PREFIX)]

    def handle(self, request: RecordedRequest) -> FakeResponse:
        response = self._answer(request)
        response.delay = max(response.delay, self.latency)
        return response

    def _answer(self, request: RecordedRequest) -> FakeResponse:
        if self.failing_status is not None:
            return FakeResponse(self.failing_status, {"error": {"message": "outage"}})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not self.identity.is_valid(token, f"{self.org_url}/.default"):
            return FakeResponse(401, {"error": {"code": "0x80072560", "message": "bad token"}})
        try:
            return self._dataverse(request)
        except FilterSyntaxError as error:
            return FakeResponse(400, {"error": {"code": "0x80060888", "message": str(error)}})

    def _dataverse(self, request: RecordedRequest) -> FakeResponse:
        entity = request.path.removeprefix(DATAVERSE_PREFIX)
        if entity == "msdynci_customerprofiles":
            rows = [
                {"msdynci_customerid": c.insights_id, self.alternate_id_property: c.customer_id}
                for c in self._matching(request, self.alternate_id_property, "customer_id")
            ]
            return _odata(rows)
        if entity == "msdynci_customermeasures":
            customers = (
                self._matching(request, "msdynci_customerid", "insights_id")
                if request.param("$filter")
                else self.customers
            )
            rows = [
                {"msdynci_customerid": c.insights_id, "msdynci_measures": json.dumps(c.measures)}
                for c in customers
                if c.measures
            ]
            top = request.param("$top")
            return _odata(rows[: int(top)] if top else rows)
        return FakeResponse(404, {"error": {"code": "0x80060888", "message": "no such entity"}})

    def _matching(self, request: RecordedRequest, column: str, attribute: str) -> list[Customer]:
        comparisons = parse_filter(request.param("$filter") or "")
        self.filters_seen.append(comparisons)
        if any(name != column for name, _ in comparisons):
            raise FilterSyntaxError(f"can only filter on {column}")
        # Dataverse compares strings case-insensitively.
        wanted = {value.casefold() for _, value in comparisons}
        return [c for c in self.customers if getattr(c, attribute).casefold() in wanted]


def _odata(rows: list[dict[str, Any]]) -> FakeResponse:
    return FakeResponse(200, {"@odata.context": "$metadata", "value": rows})
