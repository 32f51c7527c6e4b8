"""HTTP functions served by LocalHost: what a caller sends reaches the function intact, and what
the function returns reaches the caller intact; failures become problem documents."""

import json
import logging
import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import azure.functions as func
import pytest
import requests

from shared.localhost import LocalHost

PROBLEM = "application/problem+json"


def _stores_blueprint() -> func.Blueprint:
    bp = func.Blueprint()

    @bp.route(route="stores/{storeId}/client-book/customers/{customerId}", methods=["GET"])
    def get_customer(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(
            json.dumps({"fn": "get_customer", **req.route_params}), mimetype="application/json"
        )

    @bp.route(route="stores/{storeId}/client-book/customers/remove", methods=["POST"])
    def remove_customers(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(
            json.dumps({"fn": "remove_customers", **req.route_params}), mimetype="application/json"
        )

    @bp.route(route="items/{id:int}", methods=["GET", "PUT"])
    def item_by_id(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(f"id {req.route_params['id']}")

    @bp.route(route="items/{slug:alpha}", methods=["GET"])
    def item_by_slug(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(f"slug {req.route_params['slug']}")

    @bp.route(route="greet/{name?}")
    def greet(req: func.HttpRequest) -> str:
        return f"hello {req.route_params.get('name', 'world')}"

    @bp.route(route="files/{*path}", methods=["GET"])
    def files(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.route_params.get("path", "<root>"))

    return bp


def _echo_blueprint() -> func.Blueprint:
    bp = func.Blueprint()

    @bp.route(route="echo", methods=["POST", "PUT"])
    def echo(req: func.HttpRequest) -> func.HttpResponse:
        seen = {
            "method": req.method,
            "url": req.url,
            "params": dict(req.params),
            "tags": parse_qs(urlsplit(req.url).query).get("tag", []),
            "trace": req.headers.get("x-trace"),
            "accept": req.headers.get("Accept-Language"),
            "body": req.get_body().hex(),
        }
        return func.HttpResponse(
            json.dumps(seen),
            status_code=201,
            headers={"X-Seen-Trace": req.headers.get("X-Trace", ""), "ETag": '"v7"'},
            mimetype="application/json",
        )

    @bp.route(route="bytes", methods=["POST"])
    def reverse_bytes(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.get_body()[::-1], mimetype="application/octet-stream")

    @bp.route(route="text")
    def text(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("héllo", status_code=202)

    @bp.route(route="own-content-type")
    def own_content_type(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(b"<a/>", headers={"Content-Type": "application/xml"})

    @bp.route(route="empty")
    def empty(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(status_code=204)

    @bp.route(route="boom")
    def boom(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("database password is hunter2")

    @bp.route(route="nothing")
    def returns_nothing(req: func.HttpRequest) -> None:
        return None

    @bp.function_name("WithContext")
    @bp.route(route="context")
    def with_context(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
        return func.HttpResponse(
            json.dumps(
                {
                    "function_name": context.function_name,
                    "invocation_id": context.invocation_id,
                    "function_directory": context.function_directory,
                }
            )
        )

    @bp.route(route="async")
    async def asynchronous(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("awaited")

    return bp


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    app.register_blueprint(_stores_blueprint())
    app.register_blueprint(_echo_blueprint())
    host = LocalHost(app, port=0, run_timers=False).start()
    try:
        yield host.url
    finally:
        host.stop()


def test_literal_route_wins_over_parameter_route(base_url: str) -> None:
    removed = requests.post(f"{base_url}/api/stores/s1/client-book/customers/remove", timeout=5)
    fetched = requests.get(f"{base_url}/api/stores/s1/client-book/customers/c9", timeout=5)

    assert removed.json() == {"fn": "remove_customers", "storeId": "s1"}
    assert fetched.json() == {"fn": "get_customer", "storeId": "s1", "customerId": "c9"}


def test_constraints_choose_between_routes(base_url: str) -> None:
    assert requests.get(f"{base_url}/api/items/42", timeout=5).text == "id 42"
    assert requests.get(f"{base_url}/api/items/shoe", timeout=5).text == "slug shoe"
    assert requests.get(f"{base_url}/api/items/shoe-2", timeout=5).status_code == 404


def test_optional_and_catch_all_segments(base_url: str) -> None:
    assert requests.get(f"{base_url}/api/greet", timeout=5).text == "hello world"
    assert requests.get(f"{base_url}/api/greet/ada", timeout=5).text == "hello ada"
    assert requests.get(f"{base_url}/api/files/a/b/c.txt", timeout=5).text == "a/b/c.txt"
    assert requests.get(f"{base_url}/api/files", timeout=5).text == "<root>"


def test_route_parameters_arrive_url_decoded(base_url: str) -> None:
    url = f"{base_url}/api/stores/st%C3%B6re%201/client-book/customers/a%2Fb%3F"
    assert requests.get(url, timeout=5).json() == {
        "fn": "get_customer",
        "storeId": "störe 1",
        "customerId": "a/b?",
    }


def test_unknown_path_is_a_404_problem(base_url: str) -> None:
    response = requests.get(f"{base_url}/api/nowhere", timeout=5)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:clienteling:problem:not-found"
    assert response.json()["status"] == 404
    # the route prefix is part of every route
    assert requests.get(f"{base_url}/greet", timeout=5).status_code == 404


def test_known_path_with_wrong_method_is_a_405_problem_with_allow(base_url: str) -> None:
    response = requests.delete(f"{base_url}/api/items/42", timeout=5)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT"
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:clienteling:problem:method-not-allowed"


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PURGE"])
def test_methods_no_function_serves_are_405_problems_not_501(base_url: str, method: str) -> None:
    response = requests.request(method, f"{base_url}/api/items/42", timeout=5)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT"
    assert response.headers["Content-Type"] == PROBLEM


def test_request_reaches_the_function_intact(base_url: str) -> None:
    body = bytes(range(256))
    response = requests.post(
        f"{base_url}/api/echo?tag=a&tag=b%20c&q=x&empty=",
        data=body,
        headers={"X-Trace": "t-1", "Accept-Language": "fr-FR", "Content-Type": "x/bin"},
        timeout=5,
    )

    seen = response.json()
    assert seen["method"] == "POST"
    assert seen["url"] == f"{base_url}/api/echo?tag=a&tag=b%20c&q=x&empty="
    assert seen["tags"] == ["a", "b c"]  # repeated keys are all in req.url
    assert seen["params"] == {"tag": "a,b c", "q": "x", "empty": ""}
    assert seen["trace"] == "t-1"
    assert seen["accept"] == "fr-FR"
    assert bytes.fromhex(seen["body"]) == body


def test_chunked_request_body_is_read_whole(base_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"first,"
        yield b"second"

    response = requests.put(f"{base_url}/api/echo", data=chunks(), timeout=5)

    assert bytes.fromhex(response.json()["body"]) == b"first,second"


def test_response_status_headers_and_content_type_reach_the_caller(base_url: str) -> None:
    response = requests.post(f"{base_url}/api/echo", headers={"X-Trace": "t-2"}, timeout=5)

    assert response.status_code == 201
    assert response.headers["X-Seen-Trace"] == "t-2"
    assert response.headers["ETag"] == '"v7"'
    assert response.headers["Content-Type"] == "application/json"


def test_binary_bodies_round_trip(base_url: str) -> None:
    body = bytes(range(256)) * 4
    response = requests.post(f"{base_url}/api/bytes", data=body, timeout=5)

    assert response.content == body[::-1]
    assert response.headers["Content-Type"] == "application/octet-stream"


def test_text_gets_a_charset_and_explicit_content_type_wins(base_url: str) -> None:
    text = requests.get(f"{base_url}/api/text", timeout=5)
    xml = requests.get(f"{base_url}/api/own-content-type", timeout=5)
    empty = requests.get(f"{base_url}/api/empty", timeout=5)

    assert (text.status_code, text.text) == (202, "héllo")
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert xml.headers["Content-Type"] == "application/xml"
    assert (empty.status_code, empty.content) == (204, b"")


def test_a_returned_string_is_a_200_text_response(base_url: str) -> None:
    response = requests.get(f"{base_url}/api/greet/bob", timeout=5)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_failing_function_is_a_500_problem_without_internals(
    base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="localhost"):
        response = requests.get(f"{base_url}/api/boom", timeout=5)

    assert response.status_code == 500
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "urn:clienteling:problem:internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "The request could not be completed.",
    }
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    # the server log keeps the traceback for the developer
    assert "hunter2" in caplog.text
    assert "Traceback" in caplog.text


def test_returning_nothing_from_an_http_function_is_a_500(base_url: str) -> None:
    response = requests.get(f"{base_url}/api/nothing", timeout=5)

    assert response.status_code == 500
    assert response.json()["type"] == "urn:clienteling:problem:internal-error"


def test_context_parameter_is_provided(base_url: str) -> None:
    first = requests.get(f"{base_url}/api/context", timeout=5).json()
    second = requests.get(f"{base_url}/api/context", timeout=5).json()

    assert first["function_name"] == "WithContext"
    assert first["function_directory"]
    assert first["invocation_id"] != second["invocation_id"]


def test_async_functions_are_awaited(base_url: str) -> None:
    assert requests.get(f"{base_url}/api/async", timeout=5).text == "awaited"


def test_head_answers_headers_without_a_body(base_url: str) -> None:
    response = requests.head(f"{base_url}/api/text", timeout=5)

    assert response.status_code == 202
    assert response.headers["Content-Length"] == str(len("héllo".encode()))
    assert response.content == b""


def test_each_request_is_logged_on_one_line(
    base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="localhost"):
        requests.get(f"{base_url}/api/items/42?secret=1", timeout=5)
        requests.get(f"{base_url}/api/nowhere", timeout=5)

    lines = [record.getMessage() for record in caplog.records if record.name == "localhost"]
    assert any(
        line.startswith("GET /api/items/42 -> item_by_id 200 ") and line.endswith(" ms")
        for line in lines
    ), lines
    assert any(line.startswith("GET /api/nowhere -> - 404 ") for line in lines), lines
    assert not any("secret" in line for line in lines)


def test_keep_alive_connections_serve_several_requests(base_url: str) -> None:
    with requests.Session() as session:
        statuses = [
            session.get(f"{base_url}/api/items/{n}", timeout=5).status_code for n in range(5)
        ]

    assert statuses == [200] * 5


def test_an_empty_route_prefix_serves_routes_at_the_root(start_host) -> None:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping")
    def ping(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("pong")

    host = start_host(app, route_prefix="", run_timers=False)

    assert requests.get(f"{host.url}/ping", timeout=5).text == "pong"
    assert requests.get(f"{host.url}/api/ping", timeout=5).status_code == 404


def test_a_function_without_a_route_is_served_under_its_name(start_host) -> None:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route()
    def health(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("ok")

    app.get_functions()  # indexing the app beforehand (as a script might) must not matter
    host = start_host(app, route_prefix="v1", run_timers=False)

    assert requests.get(f"{host.url}/v1/health", timeout=5).text == "ok"


def test_the_host_listens_on_loopback_and_stops(start_host) -> None:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping")
    def ping(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("pong")

    host = start_host(app, run_timers=False)
    url = host.url
    assert url.startswith("http://127.0.0.1:")
    host.stop()

    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/api/ping", timeout=2)


@pytest.mark.parametrize(
    "length",
    [b"\xb2", b"\xb9\xb2", b"5" * 5000, b"-1", b"1e3"],
    ids=["²", "¹²", "5000 digits", "-1", "1e3"],
)
def test_a_content_length_that_is_not_ascii_digits_is_a_400_problem(
    base_url: str, length: bytes
) -> None:
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(
            b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n{}"
        )
        reply = connection.makefile("rb").read()
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b"application/problem+json" in head
    assert json.loads(body)["status"] == 400
