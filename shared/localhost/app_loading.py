"""Import the Functions app object the way the Python worker finds it: `function_app.app`."""

from __future__ import annotations

import importlib
import os
import sys

import azure.functions as func


def load_app(module_name: str = "function_app", attr: str = "app") -> func.FunctionApp:
    """Import `module_name` (from the working directory or sys.path) and return its app."""
    working_directory = os.getcwd()
    # `python -m` puts the working directory on sys.path, a console script does not; the
    # worker always imports function_app from the app root, which is the working directory.
    if working_directory not in sys.path:
        sys.path.insert(0, working_directory)
    module = importlib.import_module(module_name)
    app = getattr(module, attr, None)
    if not isinstance(app, func.FunctionRegister):
        found = "nothing" if app is None else type(app).__name__
        raise TypeError(f"{module_name}.{attr} should be a func.FunctionApp, found {found}")
    return app  # type: ignore[return-value]
