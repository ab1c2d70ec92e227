"""The fake Telegram Bot API of tests/fakes, served on ADDRESS:PORT until stopped, for the
container check (.ci/container): it runs inside the image built for the check, whose venv has
everything the fake needs (starlette, uvicorn, httpx), with tests/ mounted beside it."""

import asyncio
import socket
import sys

from tests.fakes import http
from tests.fakes.telegram_api import FakeTelegramAPI


async def main(address: str, port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, port))
    # The fake binds a free port of 127.0.0.1 by default; here the bots are elsewhere.
    http.free_socket = lambda: sock
    async with FakeTelegramAPI() as api:
        print(f"fake Bot API at {api.url}, token {api.token}", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
