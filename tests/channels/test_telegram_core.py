"""The campaign core on Telegram, end to end: the fake Bot API server, the channel over real HTTP
(long polling and webhook), the real core and a fresh database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.channels.base import ChannelError
from bot.channels.telegram import TelegramChannel
from bot.core import Core
from bot.delivery import Sender
from content import texts
from handlers.context import CoreConfig
from handlers.io import Outgoing
from storage.db import session_scope
from storage.models import Delivery, Member, Story
from tests.channels.telegram_chat import Chat, buttons, counting, until

ADMIN = 900
STUDENT_ELSEWHERE = 102  # not among `people`
DAYTIME = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 in Cao Bằng: pushes may go out
STORY = "Đoàn trường tổ chức hiến máu tình nguyện, hơn 100 bạn tham gia."


@dataclass
class Running:
    channel: TelegramChannel
    handled: Counter  # updates the core has finished, by update_id


@pytest.fixture(params=["polling", "webhook"])
async def bot(request, api, make_channel, engine, media) -> Running:
    config = CoreConfig(admins=frozenset({("telegram", str(ADMIN))}), clock=lambda: DAYTIME,
                        save_photo=media.save)
    core = Core(engine=engine, config=config)
    handled: Counter = Counter()
    channel = await make_channel(counting(core.handle, handled), start=False,
                                 webhook=request.param == "webhook")
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
    assert "consent:yes" in buttons(greeting[-1])
    await lan.press("consent:yes")
    await lan.press("age:adult")
    joined = await lan.press("school:CDCB")
    assert "Trường Cao đẳng Cao Bằng" in joined[-1]["text"]

    await lan.say("/gui")
    assert "#1" in (await lan.say(STORY))[0]["text"]
    await lan.say("/gui")
    assert "#2" in (await lan.photo("AgAC-photo-of-the-bridge", "Cây cầu mới <3 & đẹp ở bản Nà Giàng"))[0]["text"]

    await minh.join()
    await hoa.say("/mod telegram:501")
    queue = await minh.say("/cho")
    photo = next(message for message in queue if "photo" in message)
    assert photo["photo"][0]["file_id"] == "AgAC-photo-of-the-bridge"
    assert "Cây cầu mới &lt;3 &amp; đẹp" in photo["caption"]

    decision = next(m for m in queue if "approve:1:daily" in buttons(m))
    await minh.press("approve:1:daily")
    edited = api.messages[decision["message_id"]]
    assert "Thầy Minh" in edited["text"] and not buttons(edited)
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
    await until(lambda: bot.handled[str(update_id)] == 2)
    received = [text for text in lan.texts() if text.startswith("Đã nhận câu chuyện")]
    assert len(received) == 1 and "#1" in received[0]
    assert "#2" not in " ".join(lan.texts())


async def test_a_reply_hit_by_flood_control_still_arrives(api, bot, people):
    """Once a request has met flood control, replies are requested too (never carried in a webhook
    answer, whose failure nobody would see), so flood control is waited out and they arrive."""
    lan = people[0]
    api.flood("sendMessage", retry_after=1, times=2)
    with pytest.raises(ChannelError):  # a push meeting flood control, as the sender does
        await bot.channel.send(Outgoing("telegram", str(STUDENT_ELSEWHERE), "Tin tốt hôm nay"))
    greeting = await lan.say("/start")
    assert "consent:yes" in buttons(greeting[-1])
    sends = [(call.status, call.in_answer) for call in api.calls if call.method == "sendMessage"]
    assert sends == [(429, False), (429, False), (200, False)]


async def test_through_a_webhook_the_last_reply_rides_in_the_answer(api, bot, people):
    """The update's last reply is the call Telegram makes from the answer; earlier ones are
    requested before it, so the chat reads them in order. Long polling has no answer to carry it."""
    carried = bot.channel.webhook_mode
    lan = people[0]
    await lan.say("/start NOSUCH")
    await lan.press("consent:yes")
    shown = await lan.press("age:adult")  # the unknown code is told, then the schools are offered
    assert [m["text"] for m in shown] == [texts.UNKNOWN_SCHOOL_CODE.format(code="NOSUCH"), texts.ASK_SCHOOL]
    calls = [(call.method, call.in_answer) for call in api.calls if call.method in ("sendMessage", "answerCallbackQuery")]
    assert calls == [
        ("sendMessage", carried),  # /start: one message
        ("sendMessage", False), ("answerCallbackQuery", carried),  # consent: the question, then the button's answer
        ("sendMessage", False), ("sendMessage", False), ("answerCallbackQuery", carried),  # age: two messages
    ]


async def test_what_the_bot_does_not_understand_gets_help(api, bot, people):
    lan = people[0]
    await lan.join()
    assert (await lan.sticker())[-1]["text"] == texts.UNSUPPORTED_MESSAGE
    emulated = api.queue_update({"edited_message": {"message_id": 9, "from": {"id": 101}}})
    # Through a webhook the hint rides in the answer, made by the fake once the update is handled.
    await until(lambda: bot.handled[str(emulated)] == 1 and (not api.webhook_url or emulated in api.webhook_done))
    assert lan.texts()[-1] == texts.EDITED_MESSAGE


async def test_a_photo_story_pushed_with_reactions(api, engine, media, bot, people):
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
    assert [m["photo"][0]["file_id"] for m in pushed] == ["AgAC-cleanup-day"]  # no upload
    assert api.uploads == []
    with session_scope(engine) as session:  # kept in the media store too, for Zalo
        assert media.path(session.get(Story, 1).photo).read_bytes() == api.files["AgAC-cleanup-day"]
    assert "dọn rác bờ sông" in pushed[0]["caption"]
    assert not [m for m in api.sent_to(102) if m.get("photo")]
    with session_scope(engine) as session:
        statuses = dict(session.exec(select(Member.chat_id, Delivery.status)
                                     .join(Member, Member.id == Delivery.member_id)).all())
    assert statuses["101"] == "sent" and statuses["102"] == "blocked"

    heart = next(data for data in buttons(pushed[0]) if data.endswith(":heart"))
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
    assert not any(data.startswith("school:") for message in joined for data in buttons(message))


async def test_granting_the_role_gives_the_moderators_menu_and_removing_it_takes_it_back(api, people):
    student, moderator, admin = people
    await moderator.join()
    assert "cho" not in [c["command"] for c in api.commands["default"]]
    await admin.say("/mod telegram:501")
    await until(lambda: "chat:501" in api.commands)
    assert {"cho", "duyet", "gui"} <= {c["command"] for c in api.commands["chat:501"]}
    await admin.say("/bomod telegram:501")
    await until(lambda: "cho" not in [c["command"] for c in api.commands["chat:501"]])


async def test_stats_come_with_a_chart_photo(api, people):
    lan, minh, hoa = people
    await lan.join()
    for _ in range(2):
        await hoa.say("/thongke")
    charts = [m for m in api.sent_to(ADMIN) if m.get("photo")]
    assert len(charts) == 2 and len(api.uploads) == 2  # a new chart each time, each uploaded
    assert api.uploads[0].content.startswith(b"\x89PNG")


async def test_a_story_typed_without_gui_is_sent_with_one_tap(api, engine, people):
    lan = people[0]
    await lan.join()
    [offer] = await lan.say(STORY + " Ai cũng vui.")
    assert buttons(offer) == ["draft:send", "draft:drop"]
    with session_scope(engine) as session:
        assert session.exec(select(Story)).all() == []
    assert "#1" in (await lan.press("draft:send"))[0]["text"]
    with session_scope(engine) as session:
        assert session.get(Story, 1).text == STORY + " Ai cũng vui."
