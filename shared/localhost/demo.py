"""`make run`: load the demo data into the embedded store, publish it, start the local host and
the reference POS page on an origin of its own, and print bearer tokens, the page's URL and
example calls."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

LOCAL_DEFAULTS = {
    "STORE_KIND": "sqlite",
    "SQLITE_PATH": ".local/clienteling.db",
    "AUTH_MODE": "local",
    "AUTH_LOCAL_KEY_DIR": ".local/keys",
    "LOCAL_STATE_DIR": ".local",
}
PORT = int(os.environ.get("PORT", "7071"))
PAGE_PORT = int(os.environ.get("PAGE_PORT", "4280"))
WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
SETTINGS_FILE = Path("local.settings.json")


def apply_local_settings(path: Path = Path("local.settings.json")) -> None:
    """local.settings.json Values, then local defaults, never overriding the environment.

    Defaults of the schedule settings go in too, because timer bindings name them (%X%).
    """
    from shared.localhost.app_settings import apply_to_environment, read_local_settings
    from shared.settings import SETTING_DEFAULTS

    defaults = {k: v for k, v in SETTING_DEFAULTS.items() if v is not None}
    for source in (read_local_settings(path), LOCAL_DEFAULTS, defaults):
        apply_to_environment(source)


def load_demo_data() -> dict[str, Any]:
    """Headquarters data and customers (once), then every distribution job."""
    from shared.composition import services
    from shared.domain.activity_types import ActivityType
    from shared.domain.attributes import AttributeGroup
    from shared.domain.followup_rules import FollowupRule
    from shared.domain.message_templates import MessageTemplate
    from shared.domain.outreach import OutreachSettings
    from shared.domain.parameters import ClientelingParameters
    from shared.localhost import demo_data as demo
    from shared.services.record_stream import records

    app = services()
    le = demo.LEGAL_ENTITY
    hq = app.headquarters
    loaded = app.storage.customers.count(le) > 0
    if not loaded:
        hq.attribute_groups.put(
            le, demo.ATTRIBUTE_GROUP_ID, AttributeGroup.model_validate(demo.ATTRIBUTE_GROUP), None
        )
        hq.save_parameters(
            le, ClientelingParameters(attribute_group_id=demo.ATTRIBUTE_GROUP_ID), None
        )
        for type_id, (name, description) in demo.ACTIVITY_TYPES.items():
            hq.activity_types.put(
                le, type_id, ActivityType(name=name, description=description), None
            )
        hq.save_outreach(le, OutreachSettings.model_validate(demo.OUTREACH_SETTINGS), None)
        for template_id, template in demo.MESSAGE_TEMPLATES.items():
            hq.message_templates.put(
                le, template_id, MessageTemplate.model_validate(template), None
            )
        for kind, rows in (
            ("permission-sets", demo.PERMISSION_SETS),
            ("stores", demo.STORES),
            ("staff", demo.staff_records()),
            ("customers", demo.customer_records()),
        ):
            report = app.imports.run(le, kind, records(json.dumps(rows), ndjson=False))
            if report.rejected:
                raise SystemExit(f"demo {kind} rejected: {report.rejections[:3]}")
        for rule_id, rule in demo.FOLLOWUP_RULES.items():
            hq.save_followup_rule(le, rule_id, FollowupRule.model_validate(rule), None)
    runs = {
        job: app.distribution.run(job, trigger="demo").status
        for job in ("1040", "1150", "1110", "1090")
    }
    if not loaded:
        _fill_books(app, le)
    # Every start: idempotent, and brings the worklists to today's date.
    generation = app.followup_generation.run(le, trigger="demo")
    return {
        "alreadyLoaded": loaded,
        "runs": runs,
        "customers": app.storage.customers.count(le),
        "followupsCreated": sum(generation.created.values()),
    }


def _fill_books(app: Any, legal_entity: str) -> None:
    """The demo's client books, as if the associates had added the customers today."""
    import datetime as dt

    from shared.localhost import demo_data as demo

    parameters = app.published.current().entity(legal_entity).parameters
    for staff_id, customer_ids in demo.BOOKS.items():
        app.storage.client_books.add_to_book(
            legal_entity,
            staff_id,
            customer_ids,
            sole_holder=True,
            new_book_id=parameters.number_sequence.format,
            created_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        # Joined long enough ago that welcome calls are already due.
        joined = dt.date.today() - dt.timedelta(days=demo.FOLLOWUP_RULES["WELCOME"]["days"])
        app.followups.customers_added(legal_entity, staff_id, customer_ids, joined)


def demo_tokens() -> dict[str, str]:
    from shared.adapters.identity.local_signing import LocalSigningKey
    from shared.domain.identity import ADMIN_ROLE
    from shared.localhost import demo_data as demo
    from shared.settings import get_settings

    key = LocalSigningKey.load_or_create(get_settings().auth.local_key_dir)
    tokens = {"admin": key.mint("admin-demo", name="Demo Admin", roles=[ADMIN_ROLE])}
    for staff_id, name, _, _ in demo.STAFF:
        tokens[_ascii(name.split()[0]).lower()] = key.mint(demo.object_id(staff_id), name=name)
    return tokens


def demo_staff(tokens: dict[str, str]) -> list[dict[str, Any]]:
    """What the page's local sign-in offers: each demo associate with their token."""
    from shared.localhost import demo_data as demo

    return [
        {
            "staffId": staff_id,
            "name": name,
            "stores": stores,
            "permissionSet": permission_set,
            "token": tokens[_ascii(name.split()[0]).lower()],
        }
        for staff_id, name, stores, permission_set in demo.STAFF
    ]


class LocalRun:
    """The API on the local host and the page on its own origin, as `make run` starts them.

    CORS comes from local.settings.json's Host section (as Core Tools reads it), and the page's
    own origin is added to it, so the page works out of the box on whatever port it got.
    """

    def __init__(
        self,
        api_port: int = 0,
        page_port: int = 0,
        settings_file: Path = SETTINGS_FILE,
        web_root: Path = WEB_ROOT,
        run_timers: bool = True,
        run_queues: bool = False,
    ) -> None:
        from shared.localhost import LocalHost, load_app
        from shared.localhost.cors import read_cors_policy
        from shared.localhost.host_config import read_queue_options, read_route_prefix
        from shared.localhost.page_site import PageSite

        self.tokens = demo_tokens()
        staff = demo_staff(self.tokens)
        self._configured = read_cors_policy(settings_file)
        self.host = LocalHost(
            load_app(),
            port=api_port,
            route_prefix=read_route_prefix(),
            run_timers=run_timers,
            cors=self._configured,
            queue_options=read_queue_options(),
            run_queues=run_queues,
        ).start()
        api_base = f"{self.host.url}/{self.host.route_prefix}".rstrip("/")
        self.page = PageSite(web_root, api_base, demo_staff=lambda: staff, port=page_port)
        self.page.start()
        self.host.cors = with_page_origin(self._configured, self.page_origins)

    @property
    def page_origins(self) -> list[str]:
        port = self.page.url.rsplit(":", 1)[1]
        return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]

    @property
    def page_url(self) -> str:
        return self.page_origins[0] + "/"

    def stop(self) -> None:
        self.page.stop()
        self.host.stop()


def with_page_origin(configured: Any, origins: list[str]) -> Any:
    from shared.localhost.cors import CorsPolicy

    if configured is None:
        return CorsPolicy(tuple(origins))
    if configured.any_origin:
        return configured
    extra = tuple(o for o in origins if o not in configured.origins)
    return CorsPolicy(configured.origins + extra, configured.support_credentials)


def _ascii(text: str) -> str:
    from shared.domain.text import fold

    return fold(text)


def example_calls(base: str) -> list[str]:
    auth = '-H "Authorization: Bearer $TOKEN_{}"'
    json_type = '-H "Content-Type: application/json"'
    book = f"{base}/api/stores/SEA01/client-book"
    return [
        f"curl {base}/api/health",
        f"curl {auth.format('ADMIN')} {base}/api/admin/USRT/parameters",
        f"curl {auth.format('ANA')} {book}",
        f"curl -X POST {auth.format('ANA')} {json_type}"
        f""" -d '{{"customerIds": ["C00003", "C00006"]}}' {book}/customers""",
        f'curl {auth.format("ANA")} "{book}/customers?refine=favoriteCategory:Shoes"',
        f"curl {auth.format('CHLOE')} {base}/api/stores/POR01/store-client-book/customers",
        f"curl {auth.format('BEN')} {base}/api/stores/SEA01/followups",
        # a key per second, from `date` (uuidgen is missing on minimal Linux images): the
        # same line again within the second is answered as the replay it is
        f'curl -X POST {auth.format("ANA")} {json_type} -H "Idempotency-Key: demo-$(date +%s)"'
        f""" -d '{{"channel": "email", "subject": "New arrivals","""
        f""" "text": "Hello {{customer.firstName}}, they are in!"}}'"""
        f" {base}/api/stores/SEA01/customers/C00003/messages",
        f"curl {base}/api/openapi.json",
    ]


def print_welcome(tokens: dict[str, str], base: str, page_url: str | None = None) -> None:
    from shared.localhost import demo_data as demo

    env_file = Path(os.environ["LOCAL_STATE_DIR"]) / "tokens.env"
    env_file.write_text("".join(f"TOKEN_{n.upper()}={t}\n" for n, t in tokens.items()))
    print("\nClienteling is running on", base)
    print("Demo staff (token variable, name, stores, permission set):")
    for _staff_id, name, stores, permission_set in demo.STAFF:
        variable = f"TOKEN_{_ascii(name.split()[0]).upper()}"
        print(f"  {variable:14} {name:16} {','.join(stores):12} {permission_set}")
    print(f"  {'TOKEN_ADMIN':14} Demo Admin       (Clienteling.Admin role)")
    print(f"\nBearer tokens (valid 12 h) are in {env_file}. Load them with:")
    print(f"  set -a; . {env_file}; set +a")
    if page_url:
        # The same staff sign in to the page by picking their name: no token to paste.
        print(f"\nThe reference POS page: {page_url} (pick one of the demo staff above)")
    print("\nTry:")
    for line in example_calls(base):
        print("  " + line)
    outbox = Path(os.environ["LOCAL_STATE_DIR"]) / "outbox.jsonl"
    print(f"\nMessages sent through the local ACS stand-in are appended to {outbox}")
    print()


def _interrupt(*_: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second one would break the stop
    raise KeyboardInterrupt


def main() -> int:
    sys.path.insert(0, os.getcwd())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # The local host logs one line per request; the app's own line would repeat it.
    logging.getLogger("clienteling.http").setLevel(logging.WARNING)
    # The Azure SDKs log every request's headers at INFO; the queue is polled all the time.
    logging.getLogger("azure.core.pipeline.policies.http_logging_policy").setLevel(logging.WARNING)
    # A plain kill (SIGTERM) stops like Ctrl-C, so Azurite and the stand-in stop with us.
    signal.signal(signal.SIGTERM, _interrupt)
    apply_local_settings()
    summary = load_demo_data()
    print(f"Demo data: {summary}")
    from shared.composition import reset_services
    from shared.localhost.demo_outreach import LocalOutreach
    from shared.settings import reset_settings

    outreach = LocalOutreach(Path(os.environ["LOCAL_STATE_DIR"]))
    delivering = outreach.start()
    reset_settings()  # the outreach settings just set
    reset_services()
    run = LocalRun(api_port=PORT, page_port=PAGE_PORT, run_queues=delivering)
    print_welcome(run.tokens, run.host.url.rstrip("/"), run.page_url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping")
    finally:
        run.stop()
        outreach.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
