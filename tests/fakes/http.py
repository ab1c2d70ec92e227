"""Serving an ASGI app over real HTTP on 127.0.0.1, inside the test's event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn


def free_socket() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1, for when the URL is needed before the app."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return "http://127.0.0.1:%d" % sock.getsockname()[1]


@asynccontextmanager
async def serving(app, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Serve `app` on `sock` (or a free port); yields its base URL (``http://127.0.0.1:PORT``)."""
    sock = sock or free_socket()
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = server.force_exit = True  # tests need no graceful goodbye
        await task
        sock.close()
