"""Customer Insights measures on customer cards, behind the card-measures port.

One Insights client per legal entity, built from the published parameters and kept (with its
token, cache and circuit breaker) until those settings change. A page of cards asks for all
its customers in one `measures_for` call, and waits for it at most a fixed time: a slow
platform costs a page that wait once, then the breaker opens and pages skip measures at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from shared.domain.cards import InsightsStatus, MeasureValue
from shared.domain.key_vault import KeyVaultSettings
from shared.domain.parameters import InsightsParameters
from shared.insights.client import InsightsClient
from shared.insights.errors import InvalidInsightsSettings
from shared.insights.measures import CustomerMeasures
from shared.insights.settings import InsightsSettings
from shared.ports.card_measures import MeasureReading
from shared.secrets.reference import InvalidSecretReference
from shared.services.insights_configuration import insights_settings

logger = logging.getLogger(__name__)

ClientFactory = Callable[[InsightsSettings], InsightsClient]
Readings = dict[str, CustomerMeasures]


class InsightsMeasureSource:
    def __init__(
        self,
        key_vault_of: Callable[[str], KeyVaultSettings | None],
        app_settings: Mapping[str, str],
        make_client: ClientFactory,
        wait_seconds: float,
        max_in_flight: int = 4,
    ) -> None:
        self._key_vault_of = key_vault_of
        self._app_settings = app_settings
        self._make_client = make_client
        self._wait = wait_seconds
        self._clients: dict[str, tuple[InsightsSettings, InsightsClient]] = {}
        self._lock = threading.Lock()
        # Lookups that outlive their page finish in the background (filling the client's
        # cache); the bound keeps a hanging platform from piling up threads.
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._pool = ThreadPoolExecutor(max_in_flight, thread_name_prefix="card-measures")

    def for_customers(
        self, legal_entity: str, settings: InsightsParameters, customer_ids: Sequence[str]
    ) -> MeasureReading:
        client = self._client(legal_entity, settings)
        if client is None:
            return MeasureReading(InsightsStatus.UNAVAILABLE)
        readings = self._read(client, customer_ids)
        if readings is None:
            return MeasureReading(InsightsStatus.UNAVAILABLE)
        return _reading(settings.measures, readings)

    def close(self) -> None:
        self._pool.shutdown(wait=False)
        with self._lock:
            for _, client in self._clients.values():
                client.close()
            self._clients.clear()

    def _client(self, legal_entity: str, parameters: InsightsParameters) -> InsightsClient | None:
        try:
            settings = insights_settings(
                parameters, self._key_vault_of(legal_entity), self._app_settings
            )
        except (InvalidInsightsSettings, InvalidSecretReference) as problem:
            logger.warning("Insights is on for %s but misconfigured: %s", legal_entity, problem)
            return None
        with self._lock:
            current = self._clients.get(legal_entity)
            if current is not None and current[0] == settings:
                return current[1]
            client = self._make_client(settings)
            self._clients[legal_entity] = (settings, client)
        if current is not None:
            current[1].close()  # the published settings changed: start afresh
        return client

    def _read(self, client: InsightsClient, customer_ids: Sequence[str]) -> Readings | None:
        if not self._slots.acquire(blocking=False):
            logger.warning("Customer Insights lookups are all waiting; measures skipped")
            return None
        try:
            lookup = self._pool.submit(client.measures_for, list(customer_ids))
        except RuntimeError:  # the pool is shut down
            self._slots.release()
            return None
        lookup.add_done_callback(self._release)
        try:
            return lookup.result(timeout=self._wait)
        except FutureTimeout:
            logger.warning("Customer Insights took over %.1f s; measures skipped", self._wait)
            return None

    def _release(self, _: Future[Readings]) -> None:
        self._slots.release()


def _reading(selected: Sequence[str], readings: Readings) -> MeasureReading:
    """Every selected measure on every answered card (null when the customer has none), so
    all cards of a page show the same slots; unanswered cards show attributes only."""
    labels = {m.name: m.label for r in readings.values() for m in r.measures}
    values: dict[str, list[MeasureValue]] = {}
    statuses: dict[str, InsightsStatus] = {}
    for customer_id, reading in readings.items():
        if reading.status != "ok":
            statuses[customer_id] = InsightsStatus.UNAVAILABLE
            continue
        found = {m.name: m.value for m in reading.measures}
        values[customer_id] = [
            MeasureValue(name=name, label=labels.get(name, name), value=found.get(name))
            for name in selected
        ]
    answered = len(statuses) < len(readings)
    status = InsightsStatus.OK if answered else InsightsStatus.UNAVAILABLE
    if answered:
        return MeasureReading(status, values, statuses)
    return MeasureReading(status)
