"""What the local host answers when a request cannot be read as HTTP (a request line or
headers too long, a malformed request line, an unsupported version): a problem document like
every other answer, never http.server's HTML page, and the connection is closed after it."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import azure.functions as func
import pytest
import requests

from shared.localhost import LocalHost

PROBLEM = "application/problem+json"
TYPE = "urn:clienteling:problem:"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="stores/{storeId}/customers/{customerId}", methods=["GET"])
    def customer(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(json.dumps(dict(req.route_params)), mimetype="application/json")

    host = LocalHost(app, port=0, run_timers=False).start()
    try:
        yield host.url
    finally:
        host.stop()


def _assert_problem(status: int, headers: http.client.HTTPMessage, body: bytes, kind: str) -> None:
    assert headers["Content-Type"] == PROBLEM
    document = json.loads(body)
    assert document["type"] == TYPE + kind
    assert document["status"] == status
    assert document["title"] and document["detail"]
    assert "<" not in body.decode()  # no HTML, and nothing of the request echoed as markup
    assert headers["Connection"] == "close"


def _exchange(base_url: str, raw: bytes) -> tuple[int, http.client.HTTPMessage, bytes]:
    """Send raw bytes as a request; read the answer as a client would."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method="GET")
        response.begin()  # a missing status line fails here (BadStatusLine)
        return response.status, response.headers, response.read()


@pytest.mark.parametrize(
    "path",
    [
        "/api/stores/SEA01/customers/" + "C" * 100_000,
        "/api/stores/SEA01/customers/C00001?continuationToken=" + "x" * 100_000,
    ],
    ids=["long id", "long continuation token"],
)
def test_an_over_long_request_line_is_a_414_problem(base_url: str, path: str) -> None:
    response = requests.get(base_url + path, timeout=10)

    assert response.status_code == 414
    _assert_problem(414, response.raw.headers, response.content, "uri-too-long")  # type: ignore[arg-type]


def test_the_host_serves_on_after_refusing_a_request(base_url: str) -> None:
    requests.get(base_url + "/api/stores/S/customers/" + "C" * 100_000, timeout=10)

    response = requests.get(f"{base_url}/api/stores/SEA01/customers/C00001", timeout=10)

    assert response.json() == {"storeId": "SEA01", "customerId": "C00001"}


def test_an_over_long_header_line_is_a_431_problem(base_url: str) -> None:
    headers = {"X-Trace": "t" * 70_000}
    response = requests.get(f"{base_url}/api/stores/S/customers/C", headers=headers, timeout=10)

    assert response.status_code == 431
    _assert_problem(431, response.raw.headers, response.content, "header-fields-too-large")  # type: ignore[arg-type]


def test_too_many_header_fields_is_a_431_problem(base_url: str) -> None:
    fields = b"".join(b"X-Field-%d: v\r\n" % n for n in range(150))
    raw = b"GET /api/stores/S/customers/C HTTP/1.1\r\nHost: h\r\n" + fields + b"\r\n"

    status, headers, body = _exchange(base_url, raw)

    assert status == 431
    _assert_problem(status, headers, body, "header-fields-too-large")


@pytest.mark.parametrize(
    ("request_line", "status", "kind"),
    [
        (b"GARBAGE", 400, "bad-request"),
        (b"GET /api/stores/S/customers/C HTTP/x.y", 400, "bad-request"),
        (b"GET /api/stores/S/customers/C with spaces HTTP/1.1", 400, "bad-request"),
        (b"GET /api/stores/S/customers/C", 400, "bad-request"),  # HTTP/0.9
        (b"POST /api/stores/S/customers/C", 400, "bad-request"),
        (b"GET /api/stores/S/customers/C HTTP/2.0", 505, "http-version-not-supported"),
    ],
    ids=["one word", "bad version", "four words", "HTTP/0.9", "HTTP/0.9 POST", "HTTP/2.0"],
)
def test_a_request_line_that_is_not_http_1_is_a_problem(
    base_url: str, request_line: bytes, status: int, kind: str
) -> None:
    answered, headers, body = _exchange(base_url, request_line + b"\r\nHost: h\r\n\r\n")

    assert answered == status
    _assert_problem(answered, headers, body, kind)


def test_a_refused_head_request_has_no_body(base_url: str) -> None:
    raw = b"HEAD /api/stores/S/customers/C HTTP/1.1\r\nX-Trace: " + b"t" * 70_000 + b"\r\n\r\n"
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method="HEAD")
        response.begin()

        assert response.status == 431
        assert response.headers["Content-Type"] == PROBLEM
        assert int(response.headers["Content-Length"]) > 0
        assert response.read() == b""
