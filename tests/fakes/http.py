"""Serving an ASGI app over real HTTP on 127.0.0.1, inside the test's event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn


def free_socket() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1, for when the URL is needed before the app."""
    # IPPROTO_TCP spelled out: asyncio turns Nagle's algorithm off only on sockets that say so,
    # and with it on every keep-alive answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


class _PromptServer(uvicorn.Server):
    """uvicorn without its pauses on the way out (0.1 s to notice the exit, 0.1 s more for the
    connections): a test's server stops as soon as the test is done with it."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.done = asyncio.Event()

    async def main_loop(self) -> None:
        await self.done.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for task in list(self.server_state.tasks):
            task.cancel()
        for server in self.servers:
            await server.wait_closed()


@asynccontextmanager
async def serving(app, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Serve `app` on `sock` (or a free port); yields its base URL (``http://127.0.0.1:PORT``)."""
    sock = sock or free_socket()
    server = _PromptServer(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    try:
        yield url_of(sock)
    finally:
        server.done.set()
        await task
        sock.close()
