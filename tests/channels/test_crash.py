"""A push to 5,000 members (a school announcement: 1,500), the bot killed with SIGKILL midway and
started again: everyone gets the post exactly once, except the few in flight at the kill, which
are `unknown` and never re-sent; the Telegram channel that cross-posts it gets it exactly once."""

import asyncio
import signal
from collections import Counter

import pytest

from bot.core import Core
from handlers.context import CoreConfig
from handlers.io import Incoming
from storage import pushes
from storage.db import session_scope
from storage.models import Member, School
from tests.campaign import FIRST_CHAT, announce_to, publish_to, statuses
from tests.processes import bot_environment, start_bot, wait_until

# What is pushed, and to how many: the announcement's push runs through the same engine, so a
# smaller one is enough to show it is crash-safe too.
CHANNEL = "@tintot_caobang"  # the campaign's channel, and school 1's too (posted to once)
PUSHES = {
    "daily": (lambda engine, members: publish_to(engine, members, config=CoreConfig(telegram_channel=CHANNEL)), 5000),
    "announcement": (announce_to, 1500),
}


def _finished(engine) -> bool:
    with session_scope(engine) as session:
        post = pushes.latest_post(session=session)
        return pushes.progress(session=session, post=post).waiting == 0


@pytest.mark.parametrize("push", PUSHES)
async def test_killed_midway_every_member_gets_the_post_at_most_once(push, api, engine, database_url, tmp_path):
    prepare, members = PUSHES[push]
    api.channels[CHANNEL] = True
    with session_scope(engine) as session:
        session.get(School, 1).telegram_channel = CHANNEL
    prepare(engine, members)
    env = bot_environment(api, database_url, tmp_path, TELEGRAM_CHANNEL_ID=CHANNEL)
    log_path = tmp_path / "bot.log"

    first = await start_bot(env, log_path)
    await wait_until(lambda: len(api.calls_of("sendMessage")) >= members // 3, 90, "the push to get going")
    first.send_signal(signal.SIGKILL)
    await first.wait()
    sent_before_kill = len(api.calls_of("sendMessage"))
    assert len(api.sent_to(CHANNEL)) == 1  # the channel's delivery comes first
    assert sent_before_kill < members, "the push finished before the kill: nothing was tested"

    second = await start_bot(env, log_path)
    try:
        await wait_until(lambda: _finished(engine), 120, "the push to finish after the restart")
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 30)
    assert second.returncode == 0, log_path.read_text(errors="replace")[-3000:]

    result = statuses(engine)
    received = Counter(int(p["chat_id"]) for p in api.calls_of("sendMessage") if p["chat_id"] != CHANNEL)
    assert len(api.sent_to(CHANNEL)) == 1
    unknown = [chat for chat, status in result.items() if status == "unknown"]
    assert len(result) == members and set(result.values()) <= {"sent", "unknown"}
    assert len(unknown) <= 32
    assert all(received[chat] == 1 for chat, status in result.items() if status == "sent")
    assert all(received[chat] <= 1 for chat in unknown)
    assert max(received.values()) == 1 and set(received) <= set(range(FIRST_CHAT, FIRST_CHAT + members))

    with session_scope(engine) as session:
        admin = Member(channel="console", platform_id="admin", chat_id="admin", role="editor")
        session.add(admin)
    core = Core(engine=engine, config=CoreConfig())
    report = []

    class Screen:
        name = "console"

        async def send(self, message):
            report.append(message.text)

    core.attach(Screen())
    await core.handle(Incoming(channel="console", user_id="admin", chat_id="admin", text="/tiendo"))
    assert f"Không rõ: {len(unknown)}" in report[0] and "Đang chờ: 0" in report[0]
