"""Composition root: builds the process-wide services from settings, on first use.

One instance per process, so clients (SQLite connections, the Cosmos client, JWKS cache)
are created once and reused across invocations. Tests call reset_services().
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.adapters.identity.entra import accepted_audiences, accepted_issuers
from shared.adapters.identity.local_signing import JWKS_FILE, LOCAL_AUDIENCE, LOCAL_ISSUER
from shared.adapters.identity.signing_keys import JwksFileKeys, JwksUrlKeys
from shared.adapters.identity.tokens import TokenValidator
from shared.domain.errors import SettingUnavailable
from shared.insights.client import InsightsClient
from shared.insights.settings import InsightsSettings, InsightsTuning
from shared.paging import ContinuationCodec, key_material, new_key_setting
from shared.ports.clock import Clock, SystemClock
from shared.ports.storage import Storage
from shared.secrets.factory import secret_resolver_from_settings
from shared.secrets.resolver import SecretResolver
from shared.services.access import AccessService
from shared.services.activities import ActivityService
from shared.services.client_books import ClientBookService
from shared.services.clienteling_context import ClientelingContexts
from shared.services.consent import ConsentService
from shared.services.customers import CustomerService
from shared.services.distribution import DistributionService
from shared.services.followup_generation import FollowupGeneration
from shared.services.followups import FollowupService
from shared.services.headquarters import HeadquartersService
from shared.services.idempotency import IdempotencyService
from shared.services.imports import ImportService
from shared.services.insights_configuration import InsightsAdministration, default_setup_check
from shared.services.insights_measures import InsightsMeasureSource
from shared.services.note_readers import NoteReaders
from shared.services.notes import NoteService
from shared.services.outreach import DELIVERY_QUEUE, OutreachService
from shared.services.outreach_policy import OutreachPolicy
from shared.services.privacy import PrivacyService
from shared.services.published_view import PublishedCache
from shared.services.unsubscribe_links import build_unsubscribe_links
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    clock: Clock
    storage: Storage
    tokens: TokenValidator
    continuation: ContinuationCodec
    published: PublishedCache
    access: AccessService
    headquarters: HeadquartersService
    imports: ImportService
    distribution: DistributionService
    secrets: SecretResolver
    insights_admin: InsightsAdministration
    idempotency: IdempotencyService
    activities: ActivityService
    notes: NoteService
    client_books: ClientBookService
    customers: CustomerService
    privacy: PrivacyService
    card_measures: InsightsMeasureSource
    consent: ConsentService
    # SendPolicy, TemplateRenderer and ConsentEvents of shared/ports/outreach.py in one.
    outreach_policy: OutreachPolicy
    followups: FollowupService
    followup_generation: FollowupGeneration
    outreach: OutreachService


def build_storage(settings: Settings) -> Storage:
    if settings.store_kind == "cosmos":
        from shared.adapters.cosmos.storage import CosmosStorage  # only when configured

        return CosmosStorage.from_settings(settings)
    from shared.adapters.sqlite.storage import SqliteStorage

    return SqliteStorage(settings.sqlite_path)


def build_token_validator(settings: Settings, clock: Clock | None = None) -> TokenValidator:
    auth = settings.auth
    if auth.mode == "local":
        keys = JwksFileKeys(auth.local_key_dir / JWKS_FILE)
        return TokenValidator(
            keys, auth.issuers or (LOCAL_ISSUER,), auth.audiences or (LOCAL_AUDIENCE,)
        )
    issuers, audiences, jwks_url = auth.require_entra()
    keys = JwksUrlKeys(
        jwks_url, tls_verify=settings.get("OUTBOUND_TLS_CA_BUNDLE") or True, clock=clock
    )
    return TokenValidator(keys, accepted_issuers(issuers), accepted_audiences(audiences))


def continuation_key(settings: Settings) -> bytes:
    """The token key material from settings; locally, a random one kept under .local/ across
    restarts. SettingUnavailable when the setting holds no usable key (see paging.key_material).
    """
    if settings.continuation_token_key or settings.auth.mode != "local":
        return key_material(settings.continuation_token_key)
    path = Path(settings.local_state_dir) / "continuation-token.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key_setting())
    return key_material(path.read_text())


def build_continuation(settings: Settings) -> ContinuationCodec:
    """The token codec; without a usable key, one that fails closed on the routes that page
    (503 setting-unavailable) while every other route keeps working."""
    try:
        return ContinuationCodec(continuation_key(settings))
    except SettingUnavailable as problem:
        # The setting's name and what is wrong with it, never its value.
        log.error("continuation tokens unavailable: %s", problem.detail)
        return ContinuationCodec.unavailable(problem)


def build_card_measures(
    settings: Settings, published: PublishedCache, resolver: SecretResolver, clock: Clock
) -> InsightsMeasureSource:
    """Insights measures for cards, from the published parameters and Key Vault settings."""
    tuning = InsightsTuning.from_settings(settings.raw)
    tls_verify = settings.get("OUTBOUND_TLS_CA_BUNDLE") or True
    # The app's clock, so a test can move past the breaker's cool-down; with the system clock
    # a wall-clock step only shortens or lengthens one cool-down or cache lifetime.
    seconds = time.monotonic if isinstance(clock, SystemClock) else lambda: clock.now().timestamp()

    def make_client(insights: InsightsSettings) -> InsightsClient:
        return InsightsClient(
            insights, resolver, tuning=tuning, tls_verify=tls_verify, clock=seconds
        )

    return InsightsMeasureSource(
        lambda legal_entity: published.current().entity(legal_entity).key_vault,
        settings.raw,
        make_client,
        wait_seconds=tuning.timeout_seconds,
    )


def build_outreach(
    settings: Settings,
    storage: Storage,
    clock: Clock,
    contexts: ClientelingContexts,
    published: PublishedCache,
    secrets: SecretResolver,
    policy: OutreachPolicy,
) -> OutreachService:
    """Sending messages; ACS, the queue and the alert channels are made on first use, so a
    deployment without outreach settings starts (and answers 503 only where it must)."""
    from shared.alerts.config import channels_from_settings
    from shared.alerts.delivery import JsonPoster
    from shared.alerts.dispatcher import AlertDispatcher
    from shared.app_credential import app_credential
    from shared.messaging.acs import AcsMessageSender, AcsSettings
    from shared.messaging.storage_queue import StorageDeliveryQueue

    made: dict[str, Any] = {}
    lock = threading.Lock()

    def once(name: str, make: Any) -> Any:
        with lock:
            if name not in made:
                made[name] = make()
            return made[name]

    def sender() -> Any:
        return once(
            "sender",
            lambda: AcsMessageSender(AcsSettings.from_settings(settings.raw), app_credential()),
        )

    def queue() -> Any:
        return once(
            "queue", lambda: StorageDeliveryQueue(settings.raw, DELIVERY_QUEUE, app_credential)
        )

    def alerts() -> Any:
        # The poster (and its requests.Session) is made once with the dispatcher; made per
        # call, every send after the first opened a session only to drop it.
        return once(
            "alerts",
            lambda: AlertDispatcher(
                channels_from_settings(
                    settings.raw,
                    secrets,
                    JsonPoster(tls_verify=settings.get("OUTBOUND_TLS_CA_BUNDLE") or True),
                )
            ),
        )

    return OutreachService(storage, clock, contexts, published, policy, sender, queue, alerts)


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    storage = build_storage(settings)
    published = PublishedCache(storage.published, settings.published_version_check_seconds)
    headquarters = HeadquartersService(storage.headquarters)
    secrets = secret_resolver_from_settings(settings.raw)
    tls_verify = settings.get("OUTBOUND_TLS_CA_BUNDLE") or True
    continuation = build_continuation(settings)
    card_measures = build_card_measures(settings, published, secrets, clock)
    contexts = ClientelingContexts(published, card_measures)
    customers = CustomerService(storage, contexts, continuation)
    consent = ConsentService(
        storage,
        published,
        clock,
        build_unsubscribe_links(settings),
        scope_check=customers.require_in_store_scope,
    )
    customers.show_consent(consent.summary)
    outreach_policy = OutreachPolicy(storage, published, consent)
    activities = ActivityService(storage, published, clock, continuation)
    followups = FollowupService(storage, contexts, continuation, clock, activities, published)
    return Services(
        settings=settings,
        clock=clock,
        storage=storage,
        tokens=build_token_validator(settings, clock),
        continuation=continuation,
        published=published,
        access=AccessService(published),
        headquarters=headquarters,
        imports=ImportService(storage, consent),
        distribution=DistributionService(storage, clock, on_published=published.invalidate),
        secrets=secrets,
        insights_admin=InsightsAdministration(
            headquarters, secrets, settings.raw, default_setup_check(tls_verify), clock.now
        ),
        idempotency=IdempotencyService(storage.idempotency, clock),
        activities=activities,
        notes=NoteService(storage, clock, continuation, NoteReaders(storage, published, contexts)),
        client_books=ClientBookService(storage, contexts, continuation, clock, followups),
        customers=customers,
        privacy=PrivacyService(storage, clock, followups),
        card_measures=card_measures,
        consent=consent,
        outreach_policy=outreach_policy,
        followups=followups,
        followup_generation=FollowupGeneration(storage, published, card_measures, clock),
        outreach=build_outreach(
            settings, storage, clock, contexts, published, secrets, outreach_policy
        ),
    )


_services: Services | None = None
_lock = threading.Lock()


def services() -> Services:
    global _services
    if _services is None:
        with _lock:
            if _services is None:
                _services = build_services(get_settings())
    return _services


def reset_services(replacement: Services | None = None) -> None:
    """Drop (and close) the current services; tests may install their own."""
    global _services
    with _lock:
        if _services is not None and _services is not replacement:
            _services.storage.close()
            _services.card_measures.close()
        _services = replacement
