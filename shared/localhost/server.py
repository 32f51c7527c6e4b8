"""A local Functions host on the standard library's threading HTTP server.

`LocalHost` serves an app's HTTP functions under the route prefix, runs its timers, polls the
queues of its queue functions (Azurite), answers `POST /admin/functions/{name}` by running that
timer now (202) and `POST /runtime/webhooks/eventgrid?functionName=...` by running that Event
Grid function, as Core Tools does. Requests and
responses go through azure.functions types exactly as in Azure, so the functions run unchanged.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import socket
import socketserver
import threading
import time
from collections import ChainMap
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import unquote

import azure.functions as func

from shared.domain.query_values import whole_number_problem
from shared.localhost.cors import CorsPolicy, is_preflight, lower_headers
from shared.localhost.event_grid import WEBHOOK_PATH, serve_event_grid
from shared.localhost.function_catalog import FunctionCatalog, HttpFunction, catalog_functions
from shared.localhost.host_config import QueueOptions
from shared.localhost.http_conversion import WireResponse, build_request, encode_response
from shared.localhost.invocation import invoke
from shared.localhost.problems import (
    internal_error,
    method_not_allowed,
    not_found,
    problem,
    refusal,
)
from shared.localhost.queues import QueueRunner
from shared.localhost.routing import (
    Route,
    RouteTable,
    RouteTemplateError,
    join_template,
    parse_template,
)
from shared.localhost.timers import TimerRunner

logger = logging.getLogger("localhost")

# The host's default request body limit (maxRequestBodySize) is 100 MB.
MAX_BODY_BYTES = 100 * 1024 * 1024
# A length beyond this is no body anyone sends; larger is "too large", not a number to parse.
MAX_CONTENT_LENGTH = 2**62
_ADMIN_PREFIX = "/admin/functions/"
_NO_BODY_STATUSES = {204, 304}
# After refusing a request whose rest is still arriving, read (and drop) that much of it before
# closing: closing a socket with unread input sends a reset, and the caller may lose the answer.
_DRAIN_SECONDS = 2.0
_DRAIN_BYTES = 4 * 1024 * 1024


class LocalHost:
    """Serve a func.FunctionApp on a local port; `start()` returns once the socket listens."""

    def __init__(
        self,
        app: func.FunctionRegister,
        port: int = 0,
        host: str = "127.0.0.1",
        route_prefix: str = "api",
        settings: Mapping[str, str] | None = None,
        run_timers: bool = True,
        cors: CorsPolicy | None = None,
        queue_options: QueueOptions | None = None,
        run_queues: bool = True,
    ) -> None:
        # Explicit settings win; the environment (where local.settings.json Values land) fills in.
        view: Mapping[str, str] = (
            os.environ if settings is None else ChainMap(dict(settings), os.environ)
        )
        self.catalog: FunctionCatalog = catalog_functions(app, view)
        self.route_prefix = route_prefix.strip("/")
        self._routes: RouteTable[HttpFunction] = RouteTable(
            _route_for(function, self.route_prefix) for function in self.catalog.http
        )
        self._timers = TimerRunner(self.catalog.timers)
        self.queues = QueueRunner(self.catalog.queues, view, queue_options or QueueOptions())
        self._run_queues = run_queues and bool(self.catalog.queues)
        self._address = (host, port)
        self._run_timers = run_timers
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        # The platform's CORS middleware (Host.CORS locally, siteConfig.cors in Azure).
        self.cors = cors

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:7071 (functions live under `/{route_prefix}/`)."""
        if self._server is None:
            raise RuntimeError("the local host is not started")
        host, port = self._server.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}"

    def start(self) -> LocalHost:
        if self._server is not None or self._stopped:
            raise RuntimeError("a local host starts once; create another to serve again")
        host = self._address[0]
        if not _is_loopback(host):
            logger.warning("listening on %s: reachable from other machines", host)
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="localhost-http",
            daemon=True,
        )
        self._thread.start()
        self._log_functions()
        if self._run_timers:
            self._timers.start()
        if self._run_queues:
            self.queues.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, stop timers; safe to call twice."""
        self._stopped = True
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.close_open_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._timers.stop()
        self.queues.stop()

    def __enter__(self) -> LocalHost:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def dispatch(
        self,
        method: str,
        target: str,
        header_pairs: Iterable[tuple[str, str]],
        body: bytes,
        base_url: str,
    ) -> tuple[WireResponse, str]:
        """Answer one request; returns the response and the name of the function that ran."""
        if self.cors is None:
            return self._dispatch_function(method, target, header_pairs, body, base_url)
        pairs = list(header_pairs)
        folded = lower_headers(pairs)
        if is_preflight(method, folded):
            # Answered in front of the functions, whatever the path, as the middleware does.
            return WireResponse(204, tuple(self.cors.preflight(folded)), b""), "cors-preflight"
        response, name = self._dispatch_function(method, target, pairs, body, base_url)
        added = self.cors.actual(folded)
        if added:
            response = WireResponse(response.status, (*response.headers, *added), response.body)
        return response, name

    def _dispatch_function(
        self,
        method: str,
        target: str,
        header_pairs: Iterable[tuple[str, str]],
        body: bytes,
        base_url: str,
    ) -> tuple[WireResponse, str]:
        path = target.partition("?")[0].partition("#")[0]
        if method == "POST" and path.lower().startswith(_ADMIN_PREFIX):
            return self._run_timer_now(unquote(path[len(_ADMIN_PREFIX) :]))
        if method == "POST" and path.lower() == WEBHOOK_PATH:
            headers = {name.lower(): value for name, value in header_pairs}
            return serve_event_grid(
                self.catalog.event_grid, target.partition("?")[2], headers, body
            )
        resolution = self._routes.resolve(method, path)
        function = resolution.target
        if function is None:
            if resolution.allowed_methods:
                return method_not_allowed(method, resolution.allowed_methods), "-"
            return not_found(f"No function serves {method} {path}."), "-"
        request = build_request(
            method, base_url + target, header_pairs, resolution.route_params, body
        )
        try:
            result = invoke(function.user_function, function.name, function.trigger_arg, request)
            return encode_response(result), function.name
        except Exception:
            logger.exception("function %s failed on %s %s", function.name, method, path)
            return internal_error(), function.name

    def _run_timer_now(self, name: str) -> tuple[WireResponse, str]:
        timer = self._timers.run_now(name)
        if timer is None:
            return not_found(f"No timer function is named {name!r}."), "-"
        return WireResponse(202, (), b""), timer.name

    def _log_functions(self) -> None:
        logger.info("listening on %s", self.url)
        for route in self._routes.routes:
            methods = ",".join(sorted(route.methods)) if route.methods else "any method"
            logger.info(
                "  %s: [%s] %s/%s", route.target.name, methods, self.url, route.template.text
            )
        for timer in self.catalog.timers:
            logger.info(
                "  %s: timer %r%s",
                timer.name,
                timer.schedule_expression,
                ", runs on startup" if timer.run_on_startup else "",
            )
        for queue in self.catalog.queues:
            logger.info("  %s: queue %r (%s)", queue.name, queue.queue_name, queue.connection)
        for function in self.catalog.event_grid:
            logger.info(
                "  %s: %s%s?functionName=%s", function.name, self.url, WEBHOOK_PATH, function.name
            )
        for skipped in self.catalog.skipped:
            logger.warning("  %s: not served locally (%s)", skipped.name, skipped.reason)


def _route_for(function: HttpFunction, route_prefix: str) -> Route[HttpFunction]:
    try:
        template = parse_template(join_template(route_prefix, function.route))
    except RouteTemplateError as error:
        raise RouteTemplateError(f"HTTP function {function.name}: {error}") from None
    return Route(template, function.methods, function)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog (socketserver's default is 5): connections the kernel accepts before
    # serve_forever takes them. A burst of POS terminals opening at once overflowed 5, and the
    # overflow waited a second for a retried handshake or was reset. Linux caps it at somaxconn.
    request_queue_size = 512

    def __init__(self, address: tuple[str, int], local_host: LocalHost) -> None:
        self.local_host = local_host
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, a DNS round trip we have no use for.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """Wake handler threads waiting on idle keep-alive connections, so stop() is final."""
        with self._open_lock:
            sockets = list(self._open)
        for connection in sockets:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class _BadRequestBody(Exception):
    def __init__(self, response: WireResponse) -> None:
        super().__init__(response.status)
        self.response = response


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # A request line without a version is HTTP/0.9, refused below; with this default, every
    # refusal (of that and of lines it cannot read) goes out with a status line and headers.
    default_request_version = "HTTP/1.0"
    server_version = "clienteling-localhost"
    timeout = 120  # seconds an idle keep-alive connection is kept
    # Headers and body go out in separate writes; without this, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to each response on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def __getattr__(self, name: str) -> object:
        # Any other method (TRACE, QUERY, made-up ones) reaches the route table too, so it is a
        # 405 problem with Allow, as the Functions host answers, not http.server's 501 page.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if len(self.requestline.split()) == 2:  # "GET /path": HTTP/0.9, answers without status
            self.send_error(HTTPStatus.BAD_REQUEST)
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals, as problem documents like every other answer."""
        self.close_connection = True
        response = refusal(code)
        # The request line is not logged: it may be 64 KB, and its query may hold personal data.
        logger.info("%s -> - %d", self.command or "-", code)
        self._write(response)
        self._drain()

    def _drain(self) -> None:
        """Read what the caller is still sending, so that it gets the answer, then close."""
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)  # the answer is complete
            self.connection.settimeout(_DRAIN_SECONDS)
            deadline = time.monotonic() + _DRAIN_SECONDS
            drained = 0
            while drained < _DRAIN_BYTES and time.monotonic() < deadline:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)

    def log_message(self, format: str, *args: object) -> None:
        # One line per request is logged by _serve; keep http.server's own lines at debug level.
        logger.debug(format, *args)

    def _serve(self) -> None:
        started = time.perf_counter()
        function_name = "-"
        try:
            body = self._read_body()
        except _BadRequestBody as error:
            self.close_connection = True
            response = error.response
        else:
            response, function_name = self._dispatch(body)
        # Logged before the answer leaves, so the line exists by the time the caller has it.
        elapsed = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s -> %s %d %.1f ms",
            self.command,
            self.path.partition("?")[0],
            function_name,
            response.status,
            elapsed,
        )
        self._write(response)

    def _dispatch(self, body: bytes) -> tuple[WireResponse, str]:
        try:
            return self.server.local_host.dispatch(
                self.command, self.path, self.headers.items(), body, self._base_url()
            )
        except Exception:  # a host defect must still answer, and never with a traceback
            logger.exception("local host failed on %s %s", self.command, self.path)
            return internal_error(), "-"

    def _base_url(self) -> str:
        host = self.headers.get("Host")
        if not host:
            name, port = self.server.server_address[:2]
            host = f"[{name}]:{port}" if ":" in str(name) else f"{name}:{port}"
        return f"http://{host}"

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return b""
        # ASCII digits only: isdigit() also passes "²", which int() then refuses.
        if whole_number_problem(length_text.strip(), 0, MAX_CONTENT_LENGTH) is not None:
            raise _BadRequestBody(
                problem(400, "bad-request", "Bad request", "Content-Length is not a number.")
            )
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            raise _BadRequestBody(_too_large())
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise _BadRequestBody(
                    problem(400, "bad-request", "Bad request", "Malformed chunked body.")
                ) from None
            if size == 0:
                break
            total += size
            if total > MAX_BODY_BYTES:
                raise _BadRequestBody(_too_large())
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)  # the CRLF after each chunk
        while self.rfile.readline(1024).strip():  # trailer fields, ignored
            pass
        return b"".join(chunks)

    def _write(self, response: WireResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        has_body = response.status not in _NO_BODY_STATUSES and response.status >= 200
        if has_body:
            self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if has_body and self.command != "HEAD":
            self.wfile.write(response.body)


def _too_large() -> WireResponse:
    detail = f"The request body is larger than {MAX_BODY_BYTES} bytes."
    return problem(413, "payload-too-large", "Payload too large", detail)
