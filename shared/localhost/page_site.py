"""The reference POS page (`web/`) on an origin of its own, for `make run` and the browser tests.

In Azure the page is a Static Web App on its own host name and calls the function app across
origins; serving it here on another port keeps that shape, so CORS, preflights and exposed
headers are exercised locally exactly as they will be in Azure.

Two answers exist only here, never in the function app:
- `GET /config.json`: where the API is and that sign-in is local (in Azure the build writes a
  config.json naming the Entra ID app registration instead);
- `GET /local/demo-staff`: the demo staff and their locally signed bearer tokens, so the page's
  sign-in screen can offer "pick one of the demo staff". It serves loopback callers only.
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger("localhost.page")

DEMO_STAFF_PATH = "/local/demo-staff"
CONFIG_PATH = "/config.json"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}
# Build tooling and dependencies sit next to the page's files but are not part of the page.
_NOT_SERVED = {"node_modules", "package.json", "package-lock.json", "build.mjs", "dist"}
_COMPRESSIBLE = ("text/", "application/json", "image/svg+xml", "application/manifest+json")

DemoStaff = Callable[[], list[dict[str, Any]]]


class PageSite:
    """Serve `root` on its own port; `api_base` is the API's URL up to and including /api."""

    def __init__(
        self,
        root: str | Path,
        api_base: str,
        demo_staff: DemoStaff | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        config: dict[str, Any] | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        # Another config.json (the Entra ID sign-in of a deployed page) for tests of that path.
        self._config = config
        self.api_base = api_base.rstrip("/")
        self.demo_staff = demo_staff
        self._address = (host, port)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the page site is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PageSite:
        server = ThreadingHTTPServer(self._address, _PageHandler)
        server.daemon_threads = True
        server.page_site = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> PageSite:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def config(self) -> dict[str, Any]:
        if self._config is not None:
            return self._config
        return {"apiBase": self.api_base, "auth": "local", "demoStaffUrl": DEMO_STAFF_PATH}

    def content_security_policy(self) -> str:
        api = urlsplit(self.api_base)
        sign_in = urlsplit(str(self.config().get("authority", "")))
        identity = f" {sign_in.scheme}://{sign_in.netloc}" if sign_in.netloc else ""
        return (
            "default-src 'self'; "
            f"connect-src 'self' {api.scheme}://{api.netloc}{identity}; "
            "img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )

    def file_for(self, path: str) -> Path | None:
        """The file a URL path names inside root, or None (outside, hidden, not there)."""
        parts = [p for p in unquote(path).split("/") if p]
        if not parts:
            parts = ["index.html"]
        if any(p.startswith(".") or p in _NOT_SERVED or "\\" in p for p in parts):
            return None
        candidate = self.root.joinpath(*parts).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate


class _PageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "clienteling-page"
    disable_nagle_algorithm = True

    @property
    def site(self) -> PageSite:
        return self.server.page_site  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: object) -> None:
        logger.debug(format, *args)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == CONFIG_PATH:
            self._send(200, "application/json", json.dumps(self.site.config()).encode())
        elif path == DEMO_STAFF_PATH:
            self._demo_staff()
        else:
            file = self.site.file_for(path)
            if file is None:
                self._send(404, "text/plain; charset=utf-8", b"not found")
            else:
                kind = _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
                self._send(200, kind or "application/octet-stream", file.read_bytes())

    def _demo_staff(self) -> None:
        if self.site.demo_staff is None or not _is_loopback(self.client_address[0]):
            self._send(404, "text/plain; charset=utf-8", b"not found")
            return
        body = json.dumps({"staff": self.site.demo_staff()}).encode()
        self._send(200, "application/json", body, cache="no-store")

    def _send(self, status: int, kind: str, body: bytes, cache: str = "no-cache") -> None:
        encoded = body
        gzipped = (
            len(body) > 1024
            and kind.startswith(_COMPRESSIBLE)
            and "gzip" in self.headers.get("Accept-Encoding", "")
        )
        if gzipped:
            encoded = gzip.compress(body, compresslevel=6)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(encoded)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        # no-cache: the browser revalidates, so an edit to web/ shows on the next reload.
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", self.site.content_security_policy())
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(encoded)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
