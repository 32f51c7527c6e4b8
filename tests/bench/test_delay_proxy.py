"""The delay proxy of `make flex-cost` adds its delay once per exchange and loses no byte."""

from __future__ import annotations

import asyncio
import time

from tests.bench.delay_proxy import DelayProxy

DELAY_MS = 200


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


async def _through_proxy(exchange) -> object:
    echo = await asyncio.start_server(_echo, "127.0.0.1", 0)
    target = echo.sockets[0].getsockname()[:2]
    proxy = await DelayProxy(target, DELAY_MS).start()
    try:
        reader, writer = await asyncio.open_connection(*proxy.sockets[0].getsockname()[:2])
        try:
            return await exchange(reader, writer)
        finally:
            writer.close()
    finally:
        proxy.close()
        echo.close()


def test_each_request_waits_the_delay_and_comes_back_whole() -> None:
    async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        timings = []
        for size in (10, 200_000, 10):
            payload = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
            started = time.monotonic()
            writer.write(payload)
            await writer.drain()
            echoed = await reader.readexactly(len(payload))
            timings.append(time.monotonic() - started)
            assert echoed == payload
        return timings

    timings = asyncio.run(_through_proxy(exchange))

    assert all(t >= DELAY_MS / 1000 for t in timings), timings


def test_a_burst_of_chunks_waits_one_delay_not_one_per_chunk() -> None:
    async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        started = time.monotonic()
        for n in range(10):
            writer.write(bytes([n]) * 100)
            await writer.drain()
            await asyncio.sleep(0.001)  # separate reads at the proxy
        echoed = await reader.readexactly(1000)
        return time.monotonic() - started, echoed

    elapsed, echoed = asyncio.run(_through_proxy(exchange))

    assert echoed == b"".join(bytes([n]) * 100 for n in range(10))  # in order
    assert DELAY_MS / 1000 <= elapsed < 5 * DELAY_MS / 1000  # ten delays would be 2 s


def test_closing_the_client_side_reaches_the_server() -> None:
    async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        writer.write(b"last words")
        writer.write_eof()
        return await asyncio.wait_for(reader.read(), timeout=5)  # the echo closes after EOF

    assert asyncio.run(_through_proxy(exchange)) == b"last words"
