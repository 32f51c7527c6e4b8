"""The functions an app registers, sorted into what the local host can serve.

HTTP functions become routes, timer functions become schedules (with `%NAME%` resolved from the
settings), queue functions are polled from Azurite (shared/localhost/queues.py) and Event Grid
functions answer at `/runtime/webhooks/eventgrid?functionName=...` as under Core Tools.
Functions with other triggers, or with bindings beyond their trigger and `$return`, need the
real host's extensions; they are listed as skipped so the host can say so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import azure.functions as func
from azure.functions.decorators.eventgrid import EventGridTrigger
from azure.functions.decorators.http import HttpTrigger
from azure.functions.decorators.queue import QueueTrigger
from azure.functions.decorators.timer import TimerTrigger

from shared.localhost.app_settings import resolve_setting_references
from shared.localhost.ncrontab import Schedule, ScheduleError, parse_schedule

RETURN_BINDING = "$return"


@dataclass(frozen=True)
class HttpFunction:
    name: str
    route: str  # without the route prefix
    methods: frozenset[str] | None  # None: every method
    trigger_arg: str
    user_function: Callable[..., Any]


@dataclass(frozen=True)
class TimerFunction:
    name: str
    schedule_expression: str  # after %NAME% resolution
    schedule: Schedule
    run_on_startup: bool
    trigger_arg: str
    user_function: Callable[..., Any]


@dataclass(frozen=True)
class QueueFunction:
    name: str
    queue_name: str  # after %NAME% resolution
    connection: str  # the app setting (prefix) naming the storage account
    trigger_arg: str
    user_function: Callable[..., Any]


@dataclass(frozen=True)
class EventGridFunction:
    name: str
    trigger_arg: str
    user_function: Callable[..., Any]


@dataclass(frozen=True)
class SkippedFunction:
    name: str
    reason: str


@dataclass(frozen=True)
class FunctionCatalog:
    http: tuple[HttpFunction, ...]
    timers: tuple[TimerFunction, ...]
    skipped: tuple[SkippedFunction, ...]
    queues: tuple[QueueFunction, ...] = ()
    event_grid: tuple[EventGridFunction, ...] = ()


def catalog_functions(app: func.FunctionRegister, settings: Mapping[str, str]) -> FunctionCatalog:
    """Index the app once; UnresolvedSettingError / ScheduleError name the function at fault."""
    http: list[HttpFunction] = []
    timers: list[TimerFunction] = []
    skipped: list[SkippedFunction] = []
    queues: list[QueueFunction] = []
    event_grid: list[EventGridFunction] = []
    for function in indexed_functions(app):
        name = str(function.get_function_name())
        trigger = function.get_trigger()
        extra = _extra_bindings(function, trigger)
        if extra:
            skipped.append(SkippedFunction(name, f"bindings not provided locally: {extra}"))
        elif isinstance(trigger, HttpTrigger):
            http.append(_http_function(name, trigger, function))
        elif isinstance(trigger, TimerTrigger):
            timers.append(_timer_function(name, trigger, function, settings))
        elif isinstance(trigger, QueueTrigger):
            queue_name = resolve_setting_references(
                trigger.queue_name, settings, where=f"queue function {name} queueName"
            )
            queues.append(
                QueueFunction(
                    name,
                    queue_name,
                    trigger.connection or "AzureWebJobsStorage",
                    trigger.name,
                    function.get_user_function(),
                )
            )
        elif isinstance(trigger, EventGridTrigger):
            event_grid.append(EventGridFunction(name, trigger.name, function.get_user_function()))
        else:
            kind = trigger.get_binding_name() if trigger else "none"
            skipped.append(SkippedFunction(name, f"trigger {kind} is not run locally"))
    return FunctionCatalog(
        tuple(http), tuple(timers), tuple(skipped), tuple(queues), tuple(event_grid)
    )


def indexed_functions(app: func.FunctionRegister) -> list[func.Function]:
    """The app's functions as the worker indexes them; safe to call more than once."""
    # get_functions() remembers every name it has indexed on the app and refuses to index them
    # again. The worker indexes once per process; here a script or a test may already have
    # listed the functions, so start from a clean record (duplicates are still caught).
    if getattr(app, "functions_bindings", None):
        app.functions_bindings = None
    return app.get_functions()


def _extra_bindings(function: func.Function, trigger: object) -> list[str]:
    trigger_name = getattr(trigger, "name", None)
    return [
        f"{binding.name} ({binding.type})"
        for binding in function.get_bindings()
        if binding.name not in (trigger_name, RETURN_BINDING)
    ]


def _http_function(name: str, trigger: HttpTrigger, function: func.Function) -> HttpFunction:
    methods = trigger.methods
    allowed = frozenset(str(getattr(m, "value", m)).upper() for m in methods) if methods else None
    return HttpFunction(
        name=name,
        route=trigger.route if trigger.route is not None else name,
        methods=allowed,
        trigger_arg=trigger.name,
        user_function=function.get_user_function(),
    )


def _timer_function(
    name: str, trigger: TimerTrigger, function: func.Function, settings: Mapping[str, str]
) -> TimerFunction:
    expression = resolve_setting_references(
        trigger.schedule, settings, where=f"timer function {name} schedule"
    )
    try:
        schedule = parse_schedule(expression)
    except ScheduleError as error:
        raise ScheduleError(f"timer function {name}: {error}") from None
    return TimerFunction(
        name=name,
        schedule_expression=expression,
        schedule=schedule,
        run_on_startup=bool(trigger.run_on_startup),
        trigger_arg=trigger.name,
        user_function=function.get_user_function(),
    )
