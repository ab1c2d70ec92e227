"""The campaign core on Telegram, end to end: the fake Bot API server, the channel over real HTTP
(long polling and webhook), the real core and a fresh database."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.core import Core
from bot.delivery import Sender
from content import texts
from handlers.context import CoreConfig
from storage.db import session_scope
from storage.models import Delivery, Member
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_methods import user

ADMIN = 900
DAYTIME = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 in Cao Bằng: pushes may go out
STORY = "Đoàn trường tổ chức hiến máu tình nguyện, hơn 100 bạn tham gia."


class Chat:
    """One Telegram user; each action waits until the bot has handled it and returns the bot's
    new messages to this chat."""

    def __init__(self, api: FakeTelegramAPI, handled: Counter, user_id: int, name: str) -> None:
        self.api, self.handled, self.id, self.user = api, handled, user_id, user(user_id, name, None)

    async def say(self, text: str) -> list[dict]:
        return await self._handled(lambda: self.api.queue_text(self.user, text))

    async def photo(self, file_id: str, caption: str) -> list[dict]:
        return await self._handled(lambda: self.api.queue_photo(self.user, file_id, caption))

    async def sticker(self) -> list[dict]:
        return await self._handled(lambda: self.api.queue_sticker(self.user))

    async def press(self, data: str) -> list[dict]:
        """Press the button with this data on the latest bot message that has it."""
        message = next(m for m in reversed(self.api.sent_to(self.id)) if data in _buttons(m))
        answered = len(self.api.calls_of("answerCallbackQuery"))
        news = await self._handled(lambda: self.api.queue_callback(self.user, message["message_id"], data))
        await self.api.wait_for("answerCallbackQuery", answered + 1)
        return news

    async def join(self, school: str = "CDCB") -> None:
        await self.say(f"/start {school}")
        await self.press("consent:yes")
        await self.press("age:adult")

    def texts(self) -> list[str]:
        return self.api.sent_texts(self.id)

    async def _handled(self, queue) -> list[dict]:
        before = len(self.api.sent_to(self.id))
        update_id = str(queue())
        await _until(lambda: self.handled[update_id] > 0)
        return self.api.sent_to(self.id)[before:]


def _buttons(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


async def _until(condition, timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


@dataclass
class Running:
    channel: TelegramChannel
    handled: Counter  # updates the core has finished, by update_id


@pytest.fixture(params=["polling", "webhook"])
async def bot(request, api, make_channel, engine) -> Running:
    config = CoreConfig(admins=frozenset({("telegram", str(ADMIN))}), clock=lambda: DAYTIME)
    core = Core(engine=engine, config=config)
    handled: Counter = Counter()

    async def on_update(incoming):
        try:
            return await core.handle(incoming)
        finally:
            handled[incoming.update_id] += 1

    channel = await make_channel(on_update, start=False, webhook=request.param == "webhook")
    core.attach(channel)
    await channel.start()
    return Running(channel, handled)


@pytest.fixture
def people(api, bot):
    return tuple(Chat(api, bot.handled, user_id, name)
                 for user_id, name in ((101, "Lan"), (501, "Thầy Minh"), (ADMIN, "Cô Hoa")))


async def test_join_submit_and_moderate(api, people):
    lan, minh, hoa = people
    greeting = await lan.say("/start")
    assert "consent:yes" in _buttons(greeting[-1])
    await lan.press("consent:yes")
    await lan.press("age:adult")
    joined = await lan.press("school:CDCB")
    assert "Trường Cao đẳng Cao Bằng" in joined[-1]["text"]

    await lan.say("/gui")
    assert "#1" in (await lan.say(STORY))[0]["text"]
    await lan.say("/gui")
    assert "#2" in (await lan.photo("AgAC-photo-of-the-bridge", "Cây cầu mới <3 & đẹp"))[0]["text"]

    await minh.join()
    await hoa.say("/mod telegram:501")
    queue = await minh.say("/cho")
    photo = next(message for message in queue if "photo" in message)
    assert photo["photo"][0]["file_id"] == "AgAC-photo-of-the-bridge"
    assert "Cây cầu mới &lt;3 &amp; đẹp" in photo["caption"]

    decision = next(m for m in queue if "approve:1:daily" in _buttons(m))
    await minh.press("approve:1:daily")
    edited = api.messages[decision["message_id"]]
    assert "Thầy Minh" in edited["text"] and not _buttons(edited)
    assert "#1" in lan.texts()[-1] and "đã được duyệt" in lan.texts()[-1]

    await minh.say("/duyet 2 tuan")
    assert "#2" in lan.texts()[-1] and "đã được duyệt" in lan.texts()[-1]

    await lan.say(f"/gui {STORY} (lần 2)")
    await minh.say("/tuchoi 3 chưa rõ nguồn tin")
    assert "Lý do: chưa rõ nguồn tin" in lan.texts()[-1]


async def test_reject_by_button_asks_for_the_reason(api, people):
    lan, minh, hoa = people
    await lan.join()
    await lan.say(f"/gui {STORY}")
    await minh.join()
    await hoa.say("/mod telegram:501")
    await minh.say("/cho")
    asked = await minh.press("reject:1")
    assert "lý do" in asked[-1]["text"]
    await minh.say("Có lời lẽ chưa phù hợp với Quy tắc ứng xử")
    assert "Lý do: Có lời lẽ chưa phù hợp" in lan.texts()[-1]


async def test_the_same_update_twice_has_one_effect(api, bot, people):
    lan = people[0]
    await lan.join()
    await lan.say("/gui")
    update_id = api.queue_text(lan.user, STORY)
    api.queue_update({"update_id": update_id, "message": api.updates[-1]["message"]})
    await _until(lambda: bot.handled[str(update_id)] == 2)
    received = [text for text in lan.texts() if text.startswith("Đã nhận câu chuyện")]
    assert len(received) == 1 and "#1" in received[0]
    assert "#2" not in " ".join(lan.texts())


async def test_a_reply_hit_by_flood_control_still_arrives(api, people):
    lan = people[0]
    api.flood("sendMessage", retry_after=1)
    greeting = await lan.say("/start")
    assert "consent:yes" in _buttons(greeting[-1])
    assert [call.status for call in api.calls if call.method == "sendMessage"][:2] == [429, 200]


async def test_what_the_bot_does_not_understand_gets_help(api, bot, people):
    lan = people[0]
    await lan.join()
    assert (await lan.sticker())[-1]["text"] == texts.UNSUPPORTED_MESSAGE
    emulated = api.queue_update({"edited_message": {"message_id": 9, "from": {"id": 101}}})
    await _until(lambda: bot.handled[str(emulated)] == 1)
    assert lan.texts()[-1] == texts.UNSUPPORTED_MESSAGE


async def test_a_photo_story_pushed_with_reactions(api, engine, bot, people):
    lan, minh, hoa = people
    tuan = Chat(api, bot.handled, 102, "Tuấn")
    for student in (lan, tuan, minh):
        await student.join()
    await hoa.say("/mod telegram:501")
    await lan.say("/gui")
    await lan.photo("AgAC-cleanup-day", "Lớp em dọn rác bờ sông Bằng Giang sáng chủ nhật.")
    await minh.say("/duyet 1")
    assert "#1" in (await minh.say("/dang ngay"))[-1]["text"]

    api.block("sendPhoto", chat_id=102)  # Tuấn blocked the bot since joining
    api.flood("sendPhoto", retry_after=1)
    sender = Sender(engine=engine, channel=bot.channel, rate=50)
    while await sender.send_window():
        pass
    pushed = [m for m in api.sent_to(101) if m.get("photo")]
    assert [m["photo"][0]["file_id"] for m in pushed] == ["AgAC-cleanup-day"]
    assert "dọn rác bờ sông" in pushed[0]["caption"]
    assert not [m for m in api.sent_to(102) if m.get("photo")]
    with session_scope(engine) as session:
        statuses = dict(session.exec(select(Member.chat_id, Delivery.status)
                                     .join(Member, Member.id == Delivery.member_id)).all())
    assert statuses["101"] == "sent" and statuses["102"] == "blocked"

    heart = next(data for data in _buttons(pushed[0]) if data.endswith(":heart"))
    await lan.press(heart)
    await lan.press(heart)
    notices = [call.get("text") for call in api.calls_of("answerCallbackQuery")[-2:]]
    assert notices == [texts.REACTED.format(emoji="❤️"), texts.ALREADY_REACTED.format(emoji="❤️")]


async def test_a_deep_link_preselects_the_school(people):
    lan = people[0]
    await lan.say("/start HOAAN")  # https://t.me/TinTotBot?start=HOAAN
    await lan.press("consent:yes")
    joined = await lan.press("age:child")
    assert "Trung tâm GDNN-GDTX Hòa An" in joined[-1]["text"]
    assert not any(data.startswith("school:") for message in joined for data in _buttons(message))


async def test_granting_the_role_gives_the_moderators_menu_and_removing_it_takes_it_back(api, people):
    student, moderator, admin = people
    await moderator.join()
    assert "cho" not in [c["command"] for c in api.commands["default"]]
    await admin.say("/mod telegram:501")
    await _until(lambda: "chat:501" in api.commands)
    assert {"cho", "duyet", "gui"} <= {c["command"] for c in api.commands["chat:501"]}
    await admin.say("/bomod telegram:501")
    await _until(lambda: "cho" not in [c["command"] for c in api.commands["chat:501"]])
