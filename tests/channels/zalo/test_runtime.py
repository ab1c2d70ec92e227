"""`tintot run` with a Zalo token: the runtime wires the channel, the web app and the core."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.runtime import run_channels
from bot.settings import Settings
from tests.channels.zalo.conftest import SECRET, TOKEN
from tests.fakes.http import free_socket
from tests.fakes.zalo_api import make_update


async def wait_until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def push_when_up(zalo, update: dict) -> int:
    """The web server starts after the channel: retry until it listens."""
    async with asyncio.timeout(5):
        while True:
            try:
                return await zalo.push_webhook(update)
            except httpx.ConnectError:
                await asyncio.sleep(0.02)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_tintot_run_answers_on_zalo_until_stopped(zalo, tmp_path, mode):
    with free_socket() as sock:
        port = sock.getsockname()[1]
    webhook = {"zalo_webhook_url": f"http://127.0.0.1:{port}/zalo/webhook", "zalo_webhook_secret": SECRET}
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'tintot.db'}",
        zalo_bot_token=TOKEN,
        zalo_bot_api_url=zalo.base_url,
        tintot_media_dir=str(tmp_path / "media"),
        tintot_http_port=port,
        **(webhook if mode == "webhook" else {}),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_channels(settings, stop=stop))
    update = make_update(text="/start", user_id="z-900")

    if mode == "webhook":
        await wait_until(lambda: zalo.webhook is not None)
        assert await push_when_up(zalo, update) == 200
    else:
        zalo.queue(update)
    await wait_until(lambda: any(m["chat_id"] == "z-900" for m in zalo.messages))
    stop.set()
    await asyncio.wait_for(running, 5)

    assert "Tin Tốt" in zalo.messages[0]["text"]
