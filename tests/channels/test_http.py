"""The channels' HTTP transport (bot.channels.http) against small servers on 127.0.0.1 that
misbehave on purpose: closed keep-alive connections, late answers, large bodies, TLS."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.channels.http import AsyncioStream, mounts

TLS = Path(__file__).parents[1] / "fakes" / "tls"  # a self-signed certificate for 127.0.0.1

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def server(serve: Serve, tls: ssl.SSLContext | None = None) -> AsyncIterator[tuple[str, list[int]]]:
    """Runs `serve` for each connection; yields the base URL and a list that counts connections."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            await serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    port = listening.sockets[0].getsockname()[1]
    async with listening:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}", connections


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request's body (requests here always carry Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    return await reader.readexactly(length)


def answer(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


def client(**kwargs) -> httpx.AsyncClient:  # noqa: ANN003
    return httpx.AsyncClient(mounts=mounts(connections=4, **kwargs), timeout=2.0)


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async def once_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer(b"ok"))  # no "Connection: close": the client learns it from the socket
        await writer.drain()

    async with server(once_then_close) as (url, connections), client() as http:
        assert (await http.post(url, content=b"one")).text == "ok"
        await asyncio.sleep(0.05)  # the close reaches the client while the connection is idle
        assert (await http.post(url, content=b"two")).text == "ok"
    assert len(connections) == 2


async def test_bytes_no_request_asked_for_retire_the_connection() -> None:
    async def answer_twice(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await read_request(reader)
            writer.write(answer(b"ok"))
            await writer.drain()
            await asyncio.sleep(0.01)
            writer.write(answer(b"stale"))  # a second answer nobody asked for
            await writer.drain()

    async with server(answer_twice) as (url, connections), client() as http:
        assert (await http.post(url, content=b"one")).text == "ok"
        await asyncio.sleep(0.05)
        assert (await http.post(url, content=b"two")).text == "ok"  # not "stale"
    assert len(connections) == 2


async def test_keep_alive_connections_are_reused() -> None:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            writer.write(answer(await read_request(reader)))
            await writer.drain()

    async with server(echo) as (url, connections), client() as http:
        for n in range(20):
            assert (await http.post(url, content=str(n).encode())).text == str(n)
    assert len(connections) == 1


async def test_large_bodies_both_ways() -> None:
    async def slow_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.1)  # the client's writes fill the socket's buffers and wait
        writer.write(answer(await read_request(reader)))
        await writer.drain()

    body = bytes(range(256)) * 40_000  # 10 MB
    async with server(slow_echo) as (url, _), client() as http:
        async with http.stream("POST", url, content=body) as response:
            await asyncio.sleep(0.1)  # the answer fills the client's buffer: reading pauses
            assert await response.aread() == body


async def test_a_late_answer_is_a_read_timeout() -> None:
    async def late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(1)

    async with server(late) as (url, _), client() as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.post(url, content=b"x", timeout=0.1)


async def test_a_connection_dropped_before_the_answer_is_a_protocol_error() -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)

    async with server(drop) as (url, _), client() as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post(url, content=b"x")


async def test_no_server_is_a_connect_error() -> None:
    async with server(read_request) as (url, _):
        pass  # closed: nothing listens on that port now
    async with client() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(url)


async def test_a_name_whose_first_address_hangs_is_reached_at_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a host with a broken IPv6 route reaches a name with IPv6 and IPv4 addresses."""
    hanging = socket.socket()  # a listener with a full backlog: new connections hang
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(0)
    fillers = [socket.socket() for _ in range(4)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(hanging.getsockname())

    async def hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer(b"ok"))
        await writer.drain()

    async with server(hello) as (url, _):
        port = int(url.rsplit(":", 1)[1])
        loop = asyncio.get_running_loop()

        async def two_addresses(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", hanging.getsockname()),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

        monkeypatch.setattr(loop, "getaddrinfo", two_addresses)
        try:
            async with client() as http:
                assert (await http.get(f"http://bot-api.test:{port}/")).text == "ok"
        finally:
            for sock in (hanging, *fillers):
                sock.close()


async def test_an_upload_the_server_does_not_read_is_a_write_timeout_over_tls() -> None:
    """Not a read timeout: that would say the request may have arrived, and a push would not
    send it again."""
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(TLS / "localhost.crt", TLS / "localhost.key")

    async def never_reads(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3)

    async with server(never_reads, tls=serving) as (url, _):
        async with client(ssl_context=ssl.create_default_context(cafile=TLS / "localhost.crt")) as http:
            with pytest.raises(httpx.WriteTimeout):
                await http.post(url, content=b"x" * 30_000_000, timeout=1.0)


async def test_https_is_verified() -> None:
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(TLS / "localhost.crt", TLS / "localhost.key")

    async def hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer(b"secure"))
        await writer.drain()

    async with server(hello, tls=serving) as (url, _):
        async with client(ssl_context=ssl.create_default_context(cafile=TLS / "localhost.crt")) as http:
            response = await http.post(url, content=b"x")
            assert response.text == "secure"
            assert response.extensions["network_stream"].get_extra_info("ssl_object").version().startswith("TLS")
        async with client() as http:  # the default trust store does not know this certificate
            with pytest.raises(httpx.ConnectError):
                await http.post(url, content=b"x")


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
async def test_a_proxy_the_environment_names_is_still_used(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        writer.write(answer(head.split(b" ")[1]))  # a proxy is asked for the absolute URL
        await writer.drain()

    async with server(proxy) as (url, _):
        monkeypatch.setenv(variable, url)
        async with client() as http:
            assert (await http.get("http://bot-api.invalid/getMe")).text == "http://bot-api.invalid/getMe"


async def test_the_telegram_channel_connects_through_the_asyncio_backend(connects, make_channel, recorder) -> None:
    await make_channel(recorder)  # start-up asks getMe, setMyCommands, deleteWebhook
    assert connects and set(connects) == {"127.0.0.1"}

async def test_a_response_reads_from_an_asyncio_stream() -> None:
    async def hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer(b"ok"))
        await writer.drain()

    async with server(hello) as (url, _), client() as http:
        response = await http.post(url, content=b"x")
    assert isinstance(response.extensions["network_stream"], AsyncioStream)
