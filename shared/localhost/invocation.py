"""Calling a user function the way the Python worker does: the trigger value under its binding
name, a `context` argument when the function declares one, coroutines run to completion."""

from __future__ import annotations

import asyncio
import inspect
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InvocationContext:
    """The parts of func.Context a function is likely to read."""

    invocation_id: str
    function_name: str
    function_directory: str


def invoke(
    user_function: Callable[..., Any], function_name: str, trigger_arg: str, trigger_value: object
) -> Any:
    """Run one invocation and return what the function returned."""
    arguments: dict[str, object] = {trigger_arg: trigger_value}
    if "context" in inspect.signature(user_function).parameters:
        arguments["context"] = InvocationContext(
            invocation_id=str(uuid.uuid4()),
            function_name=function_name,
            function_directory=_directory_of(user_function),
        )
    result = user_function(**arguments)
    if inspect.isawaitable(result):
        # Each request runs on its own server thread, so a fresh event loop per call is safe.
        return asyncio.run(_completed(result))
    return result


async def _completed(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def _directory_of(user_function: Callable[..., Any]) -> str:
    try:
        return os.path.dirname(os.path.abspath(inspect.getfile(user_function)))
    except TypeError:  # built-ins and C functions have no source file
        return os.getcwd()
