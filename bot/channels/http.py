"""The HTTP transport both channels send through: httpx and httpcore, on plain asyncio sockets.

httpx runs httpcore's connections on anyio by default, which cost the bot much of its CPU on a
push (figures in docs/benchmarks.md): at every request httpcore's pool asks each pooled
connection whether the server closed it, and anyio answers by building a dict of socket attributes and polling the socket;
its timeouts add a cancel scope to every read and write. Here a connection keeps what arrived
in a buffer of its own, so that question is two attribute reads, and a timeout is one timer.
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

KEEPALIVE = 5.0  # seconds an idle connection is kept (httpx's default)
# Reading stops while this much is buffered and not yet taken (a photo downloading).
HIGH_WATER = 256 * 1024
# A body goes to the socket in pieces of this size, each waiting for room: TLS takes a whole
# body at once and would never say the socket is full (a stalled upload must be a write timeout).
WRITE_PIECE = 64 * 1024
# Seconds before the next address of a name is tried when a connection hangs (anyio's delay):
# a host with a broken IPv6 route still reaches the Bot API over IPv4.
NEXT_ADDRESS_AFTER = 0.25


def mounts(*, connections: int, ssl_context: ssl.SSLContext | None = None) -> dict[str, httpx.AsyncBaseTransport]:
    """`httpx.AsyncClient(mounts=…)`: every URL through one `transport`, except those the
    environment sends through a proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), which httpx keeps
    serving as before (a client given `transport=` would ignore the environment). ALL_PROXY is
    httpx's own "all://" mount, the one this would replace: with it set, httpx serves everything."""
    if urllib.request.getproxies().get("all"):
        return {}
    return {"all://": transport(connections=connections, ssl_context=ssl_context)}


def transport(*, connections: int, ssl_context: ssl.SSLContext | None = None) -> AsyncioTransport:
    """An httpx transport of at most `connections` connections, each on an `AsyncioStream`;
    HTTPS verified as httpx does by default, or by `ssl_context`."""
    return AsyncioTransport(httpcore.AsyncConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(),
        max_connections=connections,
        max_keepalive_connections=connections,
        keepalive_expiry=KEEPALIVE,
        network_backend=AsyncioBackend(),
    ))


class AsyncioTransport(httpx.AsyncBaseTransport):
    """httpx's requests over an httpcore pool, translated as httpx's own `AsyncHTTPTransport`
    translates them; httpx has no parameter for the pool's network backend, so this is that
    transport built on public APIs, with the pool given."""

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            answer = await self._pool.handle_async_request(core_request)
        return httpx.Response(status_code=answer.status, headers=answer.headers,
                              stream=_ResponseStream(answer.stream), extensions=answer.extensions)

    async def aclose(self) -> None:
        await self._pool.aclose()


class _ResponseStream(httpx.AsyncByteStream):
    """A response body as httpx reads it, with httpcore's errors turned into httpx's."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        await self._stream.aclose()


# httpcore's errors and the httpx errors they become, most specific first (httpx's own mapping).
_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """httpcore's errors raised as the httpx errors they mean; any other error as it is."""
    try:
        yield
    except Exception as error:
        meant = next((meant for raised, meant in _ERRORS if isinstance(error, raised)), None)
        if meant is None:
            raise
        raise meant(str(error)) from error


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                # asyncio turns Nagle's algorithm off on the TCP sockets it opens.
                _, stream = await loop.create_connection(
                    AsyncioStream, host, port, local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=NEXT_ADDRESS_AFTER,
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection to {host}:{port} within {timeout} s") from None
        except OSError as error:
            raise httpcore.ConnectError(str(error)) from None
        sock = stream.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return stream

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class AsyncioStream(asyncio.Protocol, httpcore.AsyncNetworkStream):
    """One connection: what arrives is buffered until read; writes wait while the socket's
    buffer is full."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._received = bytearray()
        self._ended = False  # the server closed its side, or the connection was lost
        self._lost: Exception | None = None
        self._waiters: dict[str, asyncio.Future] = {}  # by event: "data", "room" (see `_wait`)
        self._writing_paused = False
        self._reading_paused = False
        self._extra: dict[str, Any] = {}  # httpcore's names: kept, as a closed TLS transport has none

    # --- asyncio.Protocol: called by the event loop --------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        for info, name in (("client_addr", "sockname"), ("server_addr", "peername"), ("socket", "socket")):
            self._extra[info] = transport.get_extra_info(name)

    def data_received(self, data: bytes) -> None:
        self._received += data
        if len(self._received) > HIGH_WATER and not self._reading_paused:
            self._reading_paused = True
            self._transport.pause_reading()
        self._wake("data")

    def eof_received(self) -> bool:
        self._ended = True
        self._wake("data")
        return False  # close the transport: HTTP/1.1 never writes after the server's end

    def connection_lost(self, error: Exception | None) -> None:
        self._ended = True
        self._lost = error
        self._wake("data")
        self._wake("room")

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._wake("room")

    # --- httpcore.AsyncNetworkStream: called by httpcore ----------------------------------------

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if not self._received and not self._ended:
            await self._wait("data", timeout, httpcore.ReadTimeout, "no answer")
        if not self._received and self._lost is not None:
            raise httpcore.ReadError(str(self._lost))
        data = bytes(self._received[:max_bytes])
        del self._received[:max_bytes]
        if self._reading_paused and len(self._received) <= HIGH_WATER and not self._ended:
            self._reading_paused = False
            self._transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        for start in range(0, len(view), WRITE_PIECE):
            if self._ended or self._transport.is_closing():
                raise httpcore.WriteError(str(self._lost or "connection closed"))
            self._transport.write(view[start : start + WRITE_PIECE])
            if self._writing_paused:
                await self._wait("room", timeout, httpcore.WriteTimeout, "not written")
                if self._lost is not None:
                    raise httpcore.WriteError(str(self._lost))

    async def aclose(self) -> None:
        if self._transport is not None:
            self._transport.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                self._transport = await loop.start_tls(self._transport, self, ssl_context, server_hostname=server_hostname)
            self._extra["ssl_object"] = self._transport.get_extra_info("ssl_object")
        except TimeoutError:
            self._transport.close()
            raise httpcore.ConnectTimeout(f"no TLS handshake within {timeout} s") from None
        except (OSError, ssl.SSLError) as error:
            self._transport.close()
            raise httpcore.ConnectError(str(error)) from None
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # Asked of an idle connection: anything that arrived (the server's close, or bytes
            # no request asked for) means it cannot carry another request.
            return self._ended or bool(self._received)
        return self._extra.get(info)

    # ---------------------------------------------------------------------------------------------

    async def _wait(self, event: str, timeout: float | None, timed_out: type[httpcore.TimeoutException], what: str) -> None:
        """Until `_wake(event)` ("data" arrived, or "room" to write); `timed_out` after `timeout`."""
        waiter = self._waiters[event] = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except TimeoutError:
            raise timed_out(f"{what} within {timeout} s") from None
        finally:
            self._waiters.pop(event, None)

    def _wake(self, event: str) -> None:
        waiter = self._waiters.pop(event, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
