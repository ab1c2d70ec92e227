"""Running an ASGI app on a free 127.0.0.1 port inside the test's own event loop."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn


def free_socket() -> socket.socket:
    """A listening socket on a free port, so a URL can be known before its server starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def socket_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{host}:{port}"


@asynccontextmanager
async def serve(app, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Serves `app` until the block ends; yields the base URL.

    Drives uvicorn's startup and shutdown directly rather than `serve()`: no signal handlers
    taken from pytest, and no 0.1 s polling tick before shutdown begins.
    """
    sock = sock or free_socket()
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    await server.startup(sockets=[sock])
    try:
        yield socket_url(sock)
    finally:
        # Connections still open (keep-alive, a long poll) are closed, not waited for.
        server.force_exit = True
        await server.shutdown(sockets=[sock])
