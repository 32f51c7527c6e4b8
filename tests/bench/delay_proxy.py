"""A loopback TCP proxy that adds a fixed delay to every request: a stand-in for the network.

    python -m tests.bench.delay_proxy --target 127.0.0.1:8081 [--delay-ms 5]

prints `READY <port>` once it listens on 127.0.0.1, and stops when its standard input closes
(the process that started it went away) or on SIGTERM. TLS passes through untouched, so the
client still verifies the server's certificate.

Each chunk the client sends reaches the server `delay` later, in order, and answers come back
at once: a request/response exchange takes one `delay` longer, whatever its size, as one
round trip to a service in the same region would (the TLS handshake pays it per round trip
too). Bytes are never held back by one another: a chunk waits only for its own deadline, so
the delay is latency, not a bandwidth limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time

CHUNK_BYTES = 65536


async def _delayed_pipe(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float
) -> None:
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def forward() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            writer.write_eof()

    sender = asyncio.create_task(forward())
    try:
        while data := await reader.read(CHUNK_BYTES):
            queue.put_nowait((time.monotonic() + delay, data))
    finally:
        queue.put_nowait((0.0, b""))
        with contextlib.suppress(OSError, ConnectionError):
            await sender


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, ConnectionError):
        while data := await reader.read(CHUNK_BYTES):
            writer.write(data)
            await writer.drain()
        writer.write_eof()


class DelayProxy:
    """Forward 127.0.0.1:<port> to `target`, delaying the client-to-server direction."""

    def __init__(self, target: tuple[str, int], delay_ms: float) -> None:
        self.target = target
        self.delay = delay_ms / 1000
        self.connections = 0

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter):
        self.connections += 1
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.close()
            return
        try:
            await asyncio.gather(
                _delayed_pipe(client_r, server_w, self.delay),
                _pipe(server_r, client_w),
                return_exceptions=True,
            )
        finally:
            for writer in (server_w, client_w):
                writer.close()

    async def start(self, port: int = 0) -> asyncio.Server:
        return await asyncio.start_server(self._serve, "127.0.0.1", port)


async def _run(target: tuple[str, int], delay_ms: float) -> None:
    loop = asyncio.get_running_loop()
    server = await DelayProxy(target, delay_ms).start()
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    stopping = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    # Standard input closes when the parent exits, however it exits: stop with it.
    loop.add_reader(sys.stdin.fileno(), lambda: sys.stdin.read(1) or stopping.set())
    await stopping.wait()
    server.close()
    # Connections still open (keep-alive clients) end with the process, without warnings.
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if host not in ("127.0.0.1", "localhost"):
        raise argparse.ArgumentTypeError("the target must be on loopback")
    return host, int(port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=_address, required=True)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    args = parser.parse_args(argv)
    asyncio.run(_run(args.target, args.delay_ms))


if __name__ == "__main__":
    main()
