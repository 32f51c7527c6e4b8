"""The Functions app: registers each area's blueprint. Nothing here does I/O at import time."""

import azure.functions as func

from functions import (
    activities,
    admin_client_books,
    admin_configuration,
    admin_followups,
    admin_imports,
    admin_insights,
    admin_outreach,
    client_books,
    consent,
    customers,
    distribution,
    followups,
    notes,
    operations,
    outreach,
    privacy,
    secret_expiry,
    unsubscribe,
)
from shared.telemetry.azure_monitor import configure_telemetry

# Once per worker process, before any function runs; a no-op without a connection string. The
# exporter sends from background threads, so importing the app still does no I/O.
configure_telemetry()

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (
    operations.bp,
    admin_configuration.bp,
    admin_imports.bp,
    distribution.bp,
    admin_insights.bp,
    secret_expiry.bp,
    activities.bp,
    notes.bp,
    client_books.bp,
    customers.bp,
    admin_client_books.bp,
    privacy.bp,
    consent.bp,
    admin_outreach.bp,
    unsubscribe.bp,
    followups.bp,
    admin_followups.bp,
    outreach.bp,
):
    app.register_functions(blueprint)
