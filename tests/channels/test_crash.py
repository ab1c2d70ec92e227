"""A push to 5,000 members (a school announcement: 1,500), the bot killed with SIGKILL midway and
started again: everyone gets the post exactly once, except the few in flight at the kill, which
are `unknown` and never re-sent; the Telegram channel that cross-posts it gets it exactly once."""

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core import Core
from handlers.context import CoreConfig
from handlers.io import Incoming
from storage import pushes
from storage.db import session_scope
from storage.models import Member, School
from tests.campaign import FIRST_CHAT, announce_to, publish_to, statuses

# What is pushed, and to how many: the announcement's push runs through the same engine, so a
# smaller one is enough to show it is crash-safe too.
CHANNEL = "@tintot_caobang"  # the campaign's channel, and school 1's too (posted to once)
PUSHES = {
    "daily": (lambda engine, members: publish_to(engine, members, config=CoreConfig(telegram_channel=CHANNEL)), 5000),
    "announcement": (announce_to, 1500),
}
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def _environment(api, database_url: str, tmp_path) -> dict[str, str]:
    tomorrow = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=1)
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_BOT_API_URL=api.url,
        TINTOT_TELEGRAM_RATE="1000",
        TINTOT_MEDIA_DIR=str(tmp_path / "media"),
        TELEGRAM_CHANNEL_ID=CHANNEL,
        TINTOT_HTTP_PORT="0",  # the web server on a free port: tests run side by side
        # Keep the scheduler from adding a weekly push of its own to what this test counts.
        TINTOT_WEEKLY_AT=f"{WEEKDAYS[tomorrow.weekday()]} 19:00",
    )


async def _start_bot(env: dict[str, str], log_path) -> asyncio.subprocess.Process:
    log = open(log_path, "ab")  # noqa: SIM115 (the child owns it)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log
    )


async def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


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
    env = _environment(api, database_url, tmp_path)
    log_path = tmp_path / "bot.log"

    first = await _start_bot(env, log_path)
    await _wait(lambda: len(api.calls_of("sendMessage")) >= members // 3, 90, "the push to get going")
    first.send_signal(signal.SIGKILL)
    await first.wait()
    sent_before_kill = len(api.calls_of("sendMessage"))
    assert len(api.sent_to(CHANNEL)) == 1  # the channel's delivery comes first
    assert sent_before_kill < members, "the push finished before the kill: nothing was tested"

    second = await _start_bot(env, log_path)
    try:
        await _wait(lambda: _finished(engine), 120, "the push to finish after the restart")
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
