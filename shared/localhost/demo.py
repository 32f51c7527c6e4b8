"""`make run`: load the demo data into the embedded store, publish it, start the local host,
and print bearer tokens and example calls."""

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
        for kind, rows in (
            ("permission-sets", demo.PERMISSION_SETS),
            ("stores", demo.STORES),
            ("staff", demo.staff_records()),
            ("customers", demo.customer_records()),
        ):
            report = app.imports.run(le, kind, records(json.dumps(rows), ndjson=False))
            if report.rejected:
                raise SystemExit(f"demo {kind} rejected: {report.rejections[:3]}")
    runs = {
        job: app.distribution.run(job, trigger="demo").status
        for job in ("1040", "1150", "1110", "1090")
    }
    return {"alreadyLoaded": loaded, "runs": runs, "customers": app.storage.customers.count(le)}


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
        f'curl -X POST {auth.format("ANA")} {json_type} -H "Idempotency-Key: $(uuidgen)"'
        f""" -d '{{"channel": "email", "text": "Hello {{customer.firstName}}!"}}'"""
        f" {base}/api/stores/SEA01/customers/C00003/messages",
        f"curl {base}/api/openapi.json",
    ]


def print_welcome(tokens: dict[str, str], base: str) -> None:
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
    from shared.localhost import LocalHost, load_app
    from shared.localhost.demo_outreach import LocalOutreach
    from shared.localhost.host_config import read_queue_options, read_route_prefix

    outreach = LocalOutreach(Path(os.environ["LOCAL_STATE_DIR"]))
    delivering = outreach.start()
    from shared.composition import reset_services
    from shared.settings import reset_settings

    reset_settings()  # the outreach settings just set
    reset_services()
    outreach.install_policy()
    host = LocalHost(
        load_app(),
        port=PORT,
        route_prefix=read_route_prefix(),
        queue_options=read_queue_options(),
        run_queues=delivering,
    ).start()
    print_welcome(demo_tokens(), host.url.rstrip("/"))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping")
    finally:
        host.stop()
        outreach.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
