"""Fixtures for channel tests: the fake Bot API server and channels pointed at it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack

import pytest

from bot.channels.http import AsyncioBackend
from bot.channels.telegram import WEBHOOK_PATH, TelegramChannel
from bot.media import MediaStore
from bot.settings import Settings
from bot.web import build_app
from handlers.io import Incoming
from tests.fakes.http import free_socket, serving, url_of
from tests.fakes.telegram_api import FakeTelegramAPI

SECRET = "s3cret-for-tests"


class Recorder:
    """An `on_update` that keeps what it is given; `reply` (if set) runs for each update."""

    def __init__(self) -> None:
        self.seen: list[Incoming] = []
        self.reply: Callable | None = None

    async def __call__(self, incoming: Incoming) -> None:
        self.seen.append(incoming)
        if self.reply is not None:
            await self.reply(incoming)

    async def wait(self, count: int = 1, timeout: float = 3.0) -> list[Incoming]:
        deadline = time.monotonic() + timeout
        while len(self.seen) < count:
            assert time.monotonic() < deadline, f"got {len(self.seen)} updates, expected {count}"
            await asyncio.sleep(0.01)
        return self.seen


@pytest.fixture
def connects(monkeypatch) -> list[str]:
    """The hosts the channels' `AsyncioBackend` opens connections to, in order: a client whose
    pool fell back to httpx's default backend (anyio) opens none through it."""
    opened: list[str] = []
    connect_tcp = AsyncioBackend.connect_tcp

    async def counted(self, host, port, *args, **kwargs):
        opened.append(host)
        return await connect_tcp(self, host, port, *args, **kwargs)

    monkeypatch.setattr(AsyncioBackend, "connect_tcp", counted)
    return opened


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: channels never touch the database, and the core's own tests cover PostgreSQL."""
    return f"sqlite:///{tmp_path / 'tintot.db'}"


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def media(tmp_path) -> MediaStore:
    return MediaStore(tmp_path / "media")


@pytest.fixture
async def make_channel(api, media) -> AsyncIterator[Callable]:
    """Builds channels against the fake; `webhook=True` also serves the project's web app.

    Started channels are stopped (and web apps shut down) at the end of the test.
    """
    async with AsyncExitStack() as stack:

        async def make(on_update, *, start: bool = True, webhook: bool = False,
                       request_timeout: float = 2.0, store: MediaStore = media,
                       **settings: object) -> TelegramChannel:
            sock = free_socket() if webhook else None
            if sock is not None:
                settings = {"telegram_webhook_url": url_of(sock) + WEBHOOK_PATH,
                            "telegram_webhook_secret": SECRET} | settings
            defaults = {"telegram_bot_token": api.token, "telegram_bot_api_url": api.url}
            config = Settings(_env_file=None, **(defaults | settings))
            channel = TelegramChannel(config, on_update, media=store, request_timeout=request_timeout)
            if sock is not None:
                app = build_app(webhooks={WEBHOOK_PATH: channel})
                await stack.enter_async_context(serving(app, sock))
            stack.push_async_callback(channel.stop)
            if start:
                await channel.start()
            return channel

        yield make
