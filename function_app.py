"""The Functions app: registers each area's blueprint. Nothing here does I/O at import time."""

import azure.functions as func

from functions import (
    admin_client_books,
    admin_configuration,
    admin_imports,
    client_books,
    customers,
    distribution,
    operations,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (
    operations.bp,
    admin_configuration.bp,
    admin_imports.bp,
    distribution.bp,
    client_books.bp,
    customers.bp,
    admin_client_books.bp,
):
    app.register_functions(blueprint)
