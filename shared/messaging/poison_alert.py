"""The on-call line when a message goes to the poison queue, over the existing alert channels.

The channels speak the secret-expiry alert's shape; a poison message fills the same fields
with what on-call needs: which message (ids only, never an address or text), why, and what
to do. The dedup key is per message, so a redelivered poison message pages once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from shared.alerts.dispatcher import AlertDispatcher
from shared.alerts.message import Alert, AlertAction
from shared.domain.outreach_messages import OutreachMessage
from shared.domain.secret_expiry import Severity

log = logging.getLogger("outreach")
POISON_QUEUE_SUFFIX = "-poison"


def poison_alert(message: OutreachMessage, queue: str, reason: str, now: datetime) -> Alert:
    where = f"{message.legal_entity}/{message.store_id}"
    return Alert(
        action=AlertAction.TRIGGER,
        secret_name=f"outreach message {message.message_id}",
        vault=queue + POISON_QUEUE_SUFFIX,
        reference=f"{message.legal_entity}|{message.customer_id}|{message.message_id}",
        legal_entities=(message.legal_entity,),
        finding="outreach-poison",
        severity=Severity.ERROR,
        expires_on=None,
        days_left=None,
        title=f"An {message.channel} message from {where} could not be sent ({reason})",
        impact=(
            "The customer did not get the message; its timeline shows it as failed, so the"
            " associate can see it. Other messages keep flowing unless ACS itself is down."
        ),
        rotation=(
            "Check Azure Communication Services health and quota (throttling), the app's"
            " role assignment on it, and the sender settings; see docs/operations.md,"
            " 'Outreach delivery'. The associate sends again once it is fixed."
        ),
        rotate_command=f"az storage message peek --queue-name {queue}{POISON_QUEUE_SUFFIX}",
        dedup_key=f"outreach-poison:{message.legal_entity}:{message.message_id}",
        source="clienteling",
        detected_at=now,
    )


def alert_poison(
    dispatcher: AlertDispatcher, message: OutreachMessage, queue: str, reason: str, now: datetime
) -> None:
    # One log line for on-call dashboards, whatever the channels do.
    log.error(
        "outreach message %s (%s, %s) moved to %s%s: %s",
        message.message_id,
        message.legal_entity,
        message.channel,
        queue,
        POISON_QUEUE_SUFFIX,
        reason,
    )
    report = dispatcher.dispatch(poison_alert(message, queue, reason, now))
    if report.failed:
        log.error("poison alert not delivered to %s", sorted(report.failed))
