"""A burst of new connections, as POS terminals opening at once send it: every one is
accepted by the kernel at once and answered, none waits for a retried handshake or is reset."""

from __future__ import annotations

import selectors
import socket
import time
from urllib.parse import urlsplit

import azure.functions as func

BURST = 64
# On loopback the kernel completes a handshake in microseconds whenever the listen queue has
# room; a full queue drops the SYN and the caller's kernel sends it again only after 1 s.
HANDSHAKE_SECONDS = 0.8


def _connect_all(host: str, port: int, count: int) -> tuple[list[socket.socket], int]:
    """Start `count` connections at once; return them and how many completed in time."""
    selector = selectors.DefaultSelector()
    sockets = []
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.connect_ex((host, port))
        selector.register(sock, selectors.EVENT_WRITE)
        sockets.append(sock)
    connected = 0
    deadline = time.monotonic() + HANDSHAKE_SECONDS
    while connected < count:
        left = deadline - time.monotonic()
        # Past the deadline one last look without waiting: this process may have been off the
        # CPU meanwhile, and what the kernel completed in time still counts.
        for key, _ in selector.select(timeout=max(left, 0)):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            selector.unregister(sock)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                connected += 1
        if left <= 0:
            break
    selector.close()
    return sockets, connected


def test_a_burst_of_64_new_connections_gets_64_answers(start_host) -> None:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping")
    def ping(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("pong")

    address = urlsplit(start_host(app, run_timers=False).url)
    assert address.hostname and address.port

    sockets, connected = _connect_all(address.hostname, address.port, BURST)
    try:
        answers = []
        for sock in sockets:
            sock.setblocking(True)
            sock.settimeout(30)
            sock.sendall(b"GET /api/ping HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        for sock in sockets:
            received = b""
            while chunk := sock.recv(4096):
                received += chunk
            answers.append(received)
    finally:
        for sock in sockets:
            sock.close()

    assert connected == BURST
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"HTTP/1.1 200 OK"] * BURST
    assert all(a.endswith(b"\r\n\r\npong") for a in answers)
