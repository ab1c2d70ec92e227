"""A join rush through the webhook: a school shows its QR code and hundreds of students send
/start within seconds, more than Telegram's overall rate takes. Every one gets the greeting."""

from __future__ import annotations

import asyncio

import httpx

from bot.channels.telegram.channel import SECRET_HEADER
from bot.core import Core
from content import texts
from handlers.context import CoreConfig
from handlers.io import Outgoing
from tests.channels.conftest import SECRET
from tests.fakes.telegram_methods import user

BURST = 300
SECONDS = 5.0  # 60 /start a second: twice what the platform takes
PLATFORM_RATE = 30  # messages a second, as Telegram counts them
WEBHOOK_CONNECTIONS = 40  # Telegram's default max_connections for a webhook
FIRST_STUDENT = 10_000


async def test_every_student_of_a_join_rush_above_the_platform_rate_is_greeted(api, make_channel, engine):
    core = Core(engine=engine, config=CoreConfig())
    channel = await make_channel(core.handle, start=False, webhook=True)
    core.attach(channel)
    await channel.start()
    api.limit_rate(PLATFORM_RATE)

    limits = httpx.Limits(max_connections=WEBHOOK_CONNECTIONS)
    async with httpx.AsyncClient(timeout=120, limits=limits) as telegram:

        async def deliver(update: dict) -> None:
            """As Telegram: post the update, then make the call its answer carries."""
            answer = await telegram.post(api.webhook_url, json=update, headers={SECRET_HEADER: SECRET})
            assert answer.status_code == 200
            await api.carry_out(answer)

        deliveries = []
        for number in range(BURST):
            update = {"update_id": number + 1} | api.message_update(FIRST_STUDENT + number, text="/start")
            deliveries.append(asyncio.create_task(deliver(update)))
            await asyncio.sleep(SECONDS / BURST)
        await asyncio.gather(*deliveries)

    greeted = {params["chat_id"] for params in api.calls_of("sendMessage") if params["text"].startswith(texts.WELCOME)}
    assert len(greeted) == BURST
    refused = [call for call in api.calls if call.status == 429]
    assert refused, "the burst never reached the platform's rate: it proves nothing"


async def test_pushes_spend_the_budget_so_a_reply_is_then_requested_not_carried(api, make_channel):
    """Replies and pushes share the platform's rate: while a push has spent it, a reply goes the
    way that reports flood control (and waits it out) instead of riding in the answer unseen."""
    async def greet(incoming):
        await channel.send(Outgoing("telegram", incoming.chat_id, "Chào bạn"))

    channel = await make_channel(greet, webhook=True, tintot_telegram_rate=2)
    for chat in (1, 2, 3):  # a push, outside any update: two tokens and one in debt
        await channel.send(Outgoing("telegram", str(chat), "Tin tốt hôm nay"))
    api.queue_text(user(FIRST_STUDENT, "Lan", None), "/start")
    await api.wait_for("sendMessage", 4)
    assert [call.in_answer for call in api.calls if call.method == "sendMessage"] == [False] * 4
    assert api.sent_texts(FIRST_STUDENT) == ["Chào bạn"]
