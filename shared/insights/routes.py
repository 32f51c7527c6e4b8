"""Where the platform keeps profiles and measures, and how its answers look.

Customer Insights - Data keeps them in Dataverse tables (its own API was retired on
31 August 2024, so Dataverse is the only route):
- `msdynci_customerprofiles`: the unified profile; the alternate customer id property is a
  column holding our customer id, `msdynci_customerid` is the Insights customer id.
- `msdynci_customermeasures`: one row per customer, `msdynci_customerid` plus
  `msdynci_measures`, a JSON object of measure name -> value (customer-attribute measures).
  Assumption: Dataverse publishes no measure definitions, so the label of a measure is its
  name, and "the measure exists" means some customer's measures object has that key.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from shared.insights.errors import InsightsUnavailable
from shared.insights.measures import MeasureValue
from shared.insights.odata import any_of, identifier, query_url
from shared.insights.settings import InsightsSettings

Rows = list[dict[str, Any]]


class DataverseRoute:
    profile_id = "msdynci_customerid"

    def __init__(self, settings: InsightsSettings) -> None:
        self._base = f"{(settings.dataverse_url or '').rstrip('/')}/api/data/v9.2/"
        self._alternate = identifier(settings.alternate_id_property)

    def profiles_url(self, customer_ids: Sequence[str]) -> str:
        return query_url(
            f"{self._base}msdynci_customerprofiles",
            {
                "$filter": any_of(self._alternate, customer_ids),
                "$select": f"{self.profile_id},{self._alternate}",
            },
        )

    def insights_ids(self, rows: Rows) -> dict[str, str]:
        return _id_map(rows, self._alternate, self.profile_id)

    def measures_url(self, insights_ids: Sequence[str]) -> str:
        return query_url(
            f"{self._base}msdynci_customermeasures",
            {
                "$filter": any_of(self.profile_id, insights_ids),
                "$select": f"{self.profile_id},msdynci_measures",
            },
        )

    def measure_values(self, rows: Rows) -> dict[str, dict[str, MeasureValue]]:
        return {str(row.get(self.profile_id)): _measures_object(row) for row in rows}

    def catalog_url(self) -> str:
        return query_url(
            f"{self._base}msdynci_customermeasures",
            {
                "$select": "msdynci_measures",
                "$top": "5",
            },
        )

    def catalog(self, payload: Any) -> dict[str, str]:
        """Measure name -> label; Dataverse has no labels, so a measure's label is its name."""
        rows = payload.get("value") if isinstance(payload, dict) else None
        if not isinstance(rows, list):
            raise InsightsUnavailable("malformed response: no 'value' list of rows")
        names = {name for row in rows if isinstance(row, dict) for name in _measures_object(row)}
        return {name: name for name in sorted(names)}


def _id_map(rows: Rows, alternate: str, profile_id: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for row in rows:
        ours, theirs = row.get(alternate), row.get(profile_id)
        if isinstance(ours, str) and isinstance(theirs, str):
            mapping.setdefault(ours.casefold(), theirs)
    return mapping


def _measures_object(row: dict[str, Any]) -> dict[str, MeasureValue]:
    raw = row.get("msdynci_measures")
    try:
        measures = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise InsightsUnavailable("malformed msdynci_measures: not JSON") from None
    if measures is None:
        return {}
    if not isinstance(measures, dict):
        raise InsightsUnavailable("malformed msdynci_measures: not a JSON object")
    return {str(name): value for name, value in measures.items() if _scalar(value)}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
