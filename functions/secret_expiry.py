"""The daily secret-expiry check (schedule: SECRET_EXPIRY_SCHEDULE)."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.composition import services
from shared.services.secret_expiry import run_secret_expiry_check

bp = func.Blueprint()
log = logging.getLogger(__name__)


@bp.function_name(name="secret_expiry_check")
@bp.timer_trigger(schedule="%SECRET_EXPIRY_SCHEDULE%", arg_name="timer")
def secret_expiry_check(timer: func.TimerRequest) -> None:
    app = services()
    summary = run_secret_expiry_check(
        app.published.current(),
        app.settings.raw,
        app.secrets,
        app.storage.alert_state,
        app.clock,
        tls_verify=app.settings.get("OUTBOUND_TLS_CA_BUNDLE") or True,
    )
    log.info(
        "secret-expiry check: %d secrets, findings %s, %d alerts, %d resolved, failures %s",
        summary.checked,
        summary.findings,
        summary.alerts_sent,
        summary.resolved_sent,
        summary.delivery_failures,
    )
