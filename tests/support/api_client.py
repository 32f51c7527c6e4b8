"""Call the registered HTTP functions in process, as the Functions host would.

Requests are routed by the same route templates the app registers, converted into
func.HttpRequest and passed to the user function; responses come back as func.HttpResponse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlencode

import azure.functions as func
from azure.functions.timer import TimerRequest

from shared.localhost.function_catalog import indexed_functions

ROUTE_PREFIX = "/api/"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body[:300]!r})"


def _match(template: str, path: str) -> dict[str, str] | None:
    t_parts, p_parts = template.strip("/").split("/"), path.strip("/").split("/")
    if len(t_parts) != len(p_parts):
        return None
    params = {}
    for t, p in zip(t_parts, p_parts, strict=True):
        if t.startswith("{") and t.endswith("}"):
            if p == "":
                return None
            params[t[1:-1].split(":")[0]] = unquote(p)
        elif t.lower() != p.lower():
            return None
    return params


_FUNCTIONS: dict[int, list] = {}
_ROUTES: dict[int, list] = {}


def app_functions(app: func.FunctionApp) -> list:
    """The app's functions (cached: indexing an app is not free)."""
    if id(app) not in _FUNCTIONS:
        _FUNCTIONS[id(app)] = indexed_functions(app)
    return _FUNCTIONS[id(app)]


def run_timer(app: func.FunctionApp, name: str) -> None:
    """Invoke a timer function now, as the host's run-now admin call does."""
    for function in app_functions(app):
        if function.get_function_name() == name:
            function.get_user_function()(TimerRequest(past_due=False))
            return
    raise LookupError(f"no function {name}")


def _http_routes(app: func.FunctionApp) -> list:
    """The app's HTTP functions, most literal route first."""
    if id(app) in _ROUTES:
        return _ROUTES[id(app)]
    routes = []
    for function in app_functions(app):
        trigger = function.get_trigger()
        if getattr(trigger, "type", None) == "httpTrigger":
            methods = [str(getattr(m, "value", m)).upper() for m in trigger.methods or []]
            route = trigger.route or function.get_function_name()
            literal = sum(1 for part in route.split("/") if not part.startswith("{"))
            routes.append((literal, route, methods, function.get_user_function()))
    # Literal segments win over parameters, as in the Functions host.
    routes.sort(key=lambda r: -r[0])
    _ROUTES[id(app)] = routes
    return routes


class ApiClient:
    def __init__(self, app: func.FunctionApp, token: str | None = None) -> None:
        self._routes = _http_routes(app)
        self.token = token

    def with_token(self, token: str | None) -> ApiClient:
        clone = object.__new__(ApiClient)
        clone._routes = self._routes
        clone.token = token
        return clone

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | list[tuple[str, str]] | None = None,
    ) -> Reply:
        all_headers = {"content-type": "application/json"} if json_body is not None else {}
        if self.token:
            all_headers["authorization"] = f"Bearer {self.token}"
        all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
        if json_body is not None:
            body = json.dumps(json_body).encode()
        query = urlencode(params, doseq=True) if params else ""
        assert path.startswith(ROUTE_PREFIX), path
        route_path = path[len(ROUTE_PREFIX) :]
        for _, template, methods, function in self._routes:
            route_params = _match(template, route_path)
            if route_params is None or method.upper() not in methods:
                continue
            request = func.HttpRequest(
                method=method.upper(),
                url=f"http://localhost:7071{quote(path)}" + (f"?{query}" if query else ""),
                headers=all_headers,
                params={},
                route_params=route_params,
                body=body or b"",
            )
            response = function(request)
            reply_headers = {k.lower(): v for k, v in response.headers.items()}
            if response.mimetype:
                charset = f"; charset={response.charset}" if response.charset else ""
                reply_headers.setdefault("content-type", f"{response.mimetype}{charset}")
            return Reply(response.status_code, reply_headers, response.get_body() or b"")
        return Reply(404, {}, b"")

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, json_body=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Reply:
        return self.request("PUT", path, json_body=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Reply:
        return self.request("PATCH", path, json_body=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", path, **kwargs)
