"""Customer Insights measures for customer cards.

A page of cards asks for many customers at once: ids are looked up with a few filtered calls
(`id eq 'a' or id eq 'b' ...`, split so each URL stays under a limit), the chunks run
concurrently on a small bounded pool, and answers are cached per customer for a short time.
When the platform is slow or down, each customer comes back `unavailable` instead of the card
failing, and the circuit breaker makes later calls return at once until a probe succeeds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from shared.insights.breaker import CircuitBreaker
from shared.insights.cache import ExpiringCache
from shared.insights.errors import InsightsUnavailable
from shared.insights.http_session import InsightsSession
from shared.insights.measures import CustomerMeasures, Measure, MeasureValue
from shared.insights.odata import InvalidODataValue, chunk_by_url_length, quote_literal
from shared.insights.routes import DataverseRoute
from shared.insights.settings import InsightsSettings, InsightsTuning
from shared.insights.token import InsightsTokenProvider
from shared.insights.transport import InsightsHttp, RetryPolicy
from shared.secrets.errors import CredentialRejected, SecretUnavailable
from shared.secrets.resolver import SecretResolver

logger = logging.getLogger(__name__)

FAILURES = (InsightsUnavailable, SecretUnavailable, CredentialRejected)
CIRCUIT_OPEN = "Customer Insights is not answering; measures are skipped for a while"


class InsightsClient:
    def __init__(
        self,
        settings: InsightsSettings,
        resolver: SecretResolver,
        *,
        tuning: InsightsTuning | None = None,
        tls_verify: bool | str = True,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        # Dataverse accepts URLs up to 32 KB; 8 KB also passes common proxies and gateways.
        max_url_length: int = 8000,
        max_workers: int = 8,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        tuning = tuning or InsightsTuning()
        self._settings = settings
        self._route = DataverseRoute(settings)
        session = InsightsSession(tuning.timeout_seconds, tls_verify)
        self._http = InsightsHttp(session, retry or RetryPolicy(), sleep)
        self._tokens = InsightsTokenProvider(settings, resolver, session=session)
        self._measures: ExpiringCache[CustomerMeasures] = ExpiringCache(tuning.cache_seconds, clock)
        # Our customer id (case-folded) -> platform id; "" for no profile (yet), which is
        # asked again as often as measures are.
        self._profiles: ExpiringCache[str] = ExpiringCache(tuning.profile_cache_seconds, clock)
        self._no_profile: ExpiringCache[str] = ExpiringCache(tuning.cache_seconds, clock)
        self._breaker = breaker or CircuitBreaker(clock=clock)
        self._max_url_length = max_url_length
        self._max_workers = max_workers
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    def token(self) -> str:
        """An access token for the platform (used by the setup check)."""
        return self._tokens.token()

    def measures_catalog(self) -> dict[str, str]:
        """Measure name -> label as the platform knows them; raises on failure."""
        return self._route.catalog(self._http.get_json(self._route.catalog_url(), self.token()))

    def measures_for(self, customer_ids: Sequence[str]) -> dict[str, CustomerMeasures]:
        """The selected measures of each customer, in the order given; never raises."""
        wanted = list(dict.fromkeys(customer_ids))
        results: dict[str, CustomerMeasures] = {}
        pending: list[str] = []
        for customer_id in wanted:
            cached = self._measures.get(customer_id)
            if cached is not None:
                results[customer_id] = cached
            elif _filterable(customer_id):
                pending.append(customer_id)
            else:
                results[customer_id] = CustomerMeasures.unavailable("customer id not searchable")
        if pending:
            results.update(self._fetch(pending))
        return {customer_id: results[customer_id] for customer_id in wanted}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)

    def _fetch(self, customer_ids: list[str]) -> dict[str, CustomerMeasures]:
        if not self._breaker.allow():
            return dict.fromkeys(customer_ids, CustomerMeasures.unavailable(CIRCUIT_OPEN))
        try:
            token = self.token()
            insights_ids = self._insights_ids(customer_ids, token)
            values = self._values(sorted(set(insights_ids.values())), token)
        except FAILURES as error:
            self._breaker.record_failure()
            logger.warning(
                "Customer Insights unavailable for %d customers: %s", len(customer_ids), error
            )
            return dict.fromkeys(customer_ids, CustomerMeasures.unavailable(str(error)))
        except Exception:
            # A bug here must not take the cards down with it; it is logged with its traceback.
            self._breaker.record_failure()
            logger.exception("Customer Insights lookup failed unexpectedly")
            return dict.fromkeys(customer_ids, CustomerMeasures.unavailable("internal error"))
        self._breaker.record_success()
        results: dict[str, CustomerMeasures] = {}
        for customer_id in customer_ids:
            insights_id = insights_ids.get(customer_id.casefold())
            found = values.get(insights_id, {}) if insights_id else {}
            results[customer_id] = CustomerMeasures("ok", self._selected(found))
            self._measures.put(customer_id, results[customer_id])
        return results

    def _insights_ids(self, customer_ids: list[str], token: str) -> dict[str, str]:
        found: dict[str, str] = {}
        unknown: list[str] = []
        for customer_id in customer_ids:
            key = customer_id.casefold()
            known = self._profiles.get(key)
            if known is not None:
                found[key] = known
            elif self._no_profile.get(key) is None:
                unknown.append(customer_id)
        if not unknown:
            return found
        chunks = chunk_by_url_length(unknown, self._route.profiles_url, self._max_url_length)
        looked_up: dict[str, str] = {}
        for rows in self._get_all(chunks, self._route.profiles_url, token):
            looked_up.update(self._route.insights_ids(rows))
        for customer_id in unknown:
            key = customer_id.casefold()
            if key in looked_up:
                self._profiles.put(key, looked_up[key])
            else:
                self._no_profile.put(key, "")
        return {**found, **looked_up}

    def _values(self, insights_ids: list[str], token: str) -> dict[str, dict[str, MeasureValue]]:
        if not insights_ids or not self._settings.measure_names:
            return {}
        chunks = chunk_by_url_length(insights_ids, self._route.measures_url, self._max_url_length)
        values: dict[str, dict[str, MeasureValue]] = {}
        for rows in self._get_all(chunks, self._route.measures_url, token):
            values.update(self._route.measure_values(rows))
        return values

    def _get_all(
        self, chunks: list[list[str]], build_url: Callable[[Sequence[str]], str], token: str
    ) -> list[list[dict[str, Any]]]:
        if len(chunks) == 1:
            return [self._http.get_rows(build_url(chunks[0]), token)]
        return list(
            self._executor().map(lambda chunk: self._http.get_rows(build_url(chunk), token), chunks)
        )

    def _selected(self, values: dict[str, MeasureValue]) -> tuple[Measure, ...]:
        # Dataverse publishes no measure definitions: a measure's label is its name.
        return tuple(
            Measure(name=name, label=name, value=values[name])
            for name in self._settings.measure_names
            if name in values
        )

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="insights")
            return self._pool


def _filterable(customer_id: str) -> bool:
    try:
        quote_literal(customer_id)
    except InvalidODataValue:
        return False
    return bool(customer_id)
