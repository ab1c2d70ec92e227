"""Fixtures for the Zalo channel: the fake Zalo server, and the channel wired to our own web
app (webhook and photos) on a real port, driven by a recording handler."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from bot.channels.backoff import Backoff
from bot.channels.zalo import ZaloChannel
from bot.media import MediaStore, link_key
from bot.settings import Settings
from bot.web import WebSite, build_app
from handlers.io import Incoming
from tests.fakes.http import free_socket, serving, url_of
from tests.fakes.zalo_api import FakeZalo

TOKEN = "424242:fake-zalo-token-do-not-log"
SECRET = "webhook-secret-123"


class Recorder:
    """An `on_update` that keeps each update once handled, passing it on to `inner` (the core)
    when given; it can be told to fail."""

    def __init__(self, inner=None) -> None:
        self.inner = inner
        self.updates: list[Incoming] = []
        self.fail_next = 0
        self._changed = asyncio.Event()

    async def __call__(self, incoming: Incoming) -> None:
        try:
            if self.fail_next:
                self.fail_next -= 1
                raise RuntimeError("handler failed")
            if self.inner is not None:
                await self.inner(incoming)
        finally:
            self.updates.append(incoming)
            self._changed.set()

    async def wait_for(self, count: int, timeout: float = 3.0) -> list[Incoming]:
        async with asyncio.timeout(timeout):
            while len(self.updates) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.updates


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: these tests are about the wire; the core's tests cover both databases."""
    return f"sqlite:///{tmp_path / 'tintot.db'}"


@pytest.fixture
async def zalo():
    async with FakeZalo(TOKEN).running() as fake:
        yield fake


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def start_zalo(zalo, recorder, tmp_path, engine):
    """Starts a channel (polling by default) with our web app serving it; stopped at the end.
    The channel and the web app each have their own store on one folder and one database, as
    two processes behind a load balancer would."""
    async with AsyncExitStack() as stack:

        async def start(
            *, webhook: bool = False, public: bool = True, on_update=None, **overrides
        ) -> ZaloChannel:
            sock = free_socket()
            site = url_of(sock)
            settings = Settings(
                _env_file=None,
                zalo_bot_token=TOKEN,
                zalo_bot_api_url=zalo.base_url,
                zalo_webhook_url=f"{site}/zalo/webhook" if webhook else None,
                zalo_webhook_secret=SECRET if webhook else None,
                tintot_media_dir=str(tmp_path / "media"),
                tintot_public_url=site if public else None,
                **overrides,
            )
            channel = zalo_channel(settings, on_update or recorder, key=link_key(engine))
            web = WebSite(engine=engine, media=MediaStore.from_settings(settings, link_key=link_key(engine)))
            app = build_app(webhooks={"/zalo/webhook": channel}, site=web)
            await stack.enter_async_context(serving(app, sock))
            await channel.start()
            stack.push_async_callback(channel.stop)
            return channel

        yield start


def zalo_channel(settings: Settings, on_update, *, key: bytes | None = None) -> ZaloChannel:
    """A channel with short timeouts and retry delays, so failure tests stay fast."""
    return ZaloChannel(
        settings,
        on_update,
        MediaStore.from_settings(settings, link_key=key),
        poll_timeout=1,
        request_timeout=1.0,  # generous: a loaded CI machine must not turn a photo fetch into a timeout
        backoff=Backoff(first=0.02, cap=0.1),
    )
