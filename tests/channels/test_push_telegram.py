"""The delivery engine through the real Telegram channel against the fake Bot API."""

import time
from collections import Counter

from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.delivery import Sender
from bot.settings import Settings
from storage.db import session_scope
from storage.models import Event
from tests.campaign import FIRST_CHAT, publish_to, statuses


async def _sender(api, engine, tmp_path, **channel_options) -> tuple[Sender, TelegramChannel]:
    settings = Settings(_env_file=None, telegram_bot_token=api.token, telegram_bot_api_url=api.url, tintot_media_dir=str(tmp_path))
    channel = TelegramChannel(settings, _no_updates, **channel_options)
    await channel.start()
    return Sender(engine=engine, channel=channel, rate=500, retry_delays=(0.05, 0.05)), channel


async def _no_updates(incoming):
    return None


async def _drain(sender: Sender) -> None:
    while await sender.send_window():
        pass


def _sends(api) -> Counter:
    return Counter(int(p["chat_id"]) for p in api.calls_of("sendMessage"))


async def test_blocked_flood_and_server_errors(api, engine, tmp_path):
    publish_to(engine, 40)
    blocked, flooded, flaky = FIRST_CHAT + 3, FIRST_CHAT + 5, FIRST_CHAT + 7
    api.block("sendMessage", chat_id=blocked)
    api.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=flooded)
    api.fail("sendMessage", 502, "Bad Gateway", chat_id=flaky)
    sender, channel = await _sender(api, engine, tmp_path)
    started = time.monotonic()
    try:
        await _drain(sender)
    finally:
        await channel.stop()

    result = statuses(engine)
    assert result[blocked] == "blocked"
    assert Counter(result.values()) == {"sent": 39, "blocked": 1}
    assert time.monotonic() - started >= 1.0  # the whole channel waited out retry_after
    sends = _sends(api)
    assert set(sends) == set(range(FIRST_CHAT, FIRST_CHAT + 40)) - {blocked}
    assert all(count == 1 for count in sends.values())
    with session_scope(engine) as session:
        assert len(session.exec(select(Event).where(Event.kind == "blocked")).all()) == 1


async def test_a_read_timeout_is_unknown_and_not_sent_again(api, engine, tmp_path):
    publish_to(engine, 1)
    api.slow("sendMessage", 1.5)
    sender, channel = await _sender(api, engine, tmp_path, request_timeout=0.5)
    try:
        await _drain(sender)
        await _drain(sender)
    finally:
        await channel.stop()
    assert statuses(engine) == {FIRST_CHAT: "unknown"}
    assert len(api.calls_of("sendMessage")) == 1  # carried out by the server once, never repeated
