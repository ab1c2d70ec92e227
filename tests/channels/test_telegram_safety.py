"""Limits, bans, reports and takedowns through the real Telegram channel: the fake Bot API server
over HTTP, the real core and delivery engine, a fresh database."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.core import Core
from bot.channels.telegram.updates import to_incoming
from bot.delivery import Sender
from content import texts
from handlers.context import CoreConfig
from storage.db import session_scope
from storage.models import Delivery, Member, Story, utcnow
from tests.channels.telegram_chat import Chat, buttons, counting, until
from tests.conftest import Clock

ADMIN = 900


@pytest.fixture
async def running(api, make_channel, engine):
    clock = Clock()  # mid-morning in Viet Nam today: a push is never held back by the quiet hours
    clock.set_local(datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%d 09:30"))
    config = CoreConfig(admins=frozenset({("telegram", str(ADMIN))}), clock=clock, stories_per_day=2, messages_per_minute=12)
    core = Core(engine=engine, config=config)
    handled: Counter = Counter()
    channel = await make_channel(counting(core.handle, handled), start=False)
    core.attach(channel)
    await channel.start()
    sender = Sender(engine=engine, channel=channel, rate=100, on_retracted=core.tell_moderators)
    people = [Chat(api, handled, user_id, name) for user_id, name in ((101, "Lan"), (102, "Tuấn"), (501, "Thầy Minh"))]
    admin = Chat(api, handled, ADMIN, "Cô Hoa")
    for person in people:
        await person.join()
    await admin.say("/mod telegram:501")
    return sender, people, admin


async def _drain(sender: Sender) -> None:
    while await sender.send_window() or await sender.retract_window():
        pass


async def test_report_then_takedown_deletes_the_pushed_messages(api, engine, running):
    sender, (lan, tuan, minh), hoa = running
    await tuan.say("/gui Lớp em sửa miễn phí quạt điện cho cả bản Nà Giàng, gọi 0912 345 678.")
    await minh.say("/duyet 1")
    await minh.say("/dang ngay")
    await _drain(sender)
    pushed = {person.id: next(m for m in api.sent_to(person.id) if "report:1" in buttons(m)) for person in (lan, tuan, minh)}
    assert "09•• ••• •78" in pushed[lan.id]["text"] and "0912 345 678" not in pushed[lan.id]["text"]

    await lan.press("report:1")
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == texts.REPORTED.format(id=1)
    assert "(1 lượt)" in minh.texts()[-1]

    # Tuấn's copy went out three days ago: Telegram no longer lets the bot delete it.
    with session_scope(engine) as session:
        tuan_id = session.exec(select(Member.id).where(Member.platform_id == "102")).one()
        session.execute(sa.update(Delivery).where(Delivery.member_id == tuan_id).values(updated_at=utcnow() - timedelta(days=3)))
    api.messages[pushed[tuan.id]["message_id"]]["date"] = int(time.time()) - 3 * 86400

    reply = await minh.say("/go 1 thông tin chưa được kiểm chứng")
    assert "Đang xóa 2 tin" in reply[-1]["text"] and "Không xóa được 1 tin" in reply[-1]["text"]
    await _drain(sender)
    deleted = {(int(call["chat_id"]), int(call["message_id"])) for call in api.calls_of("deleteMessage")}
    assert deleted == {(lan.id, pushed[lan.id]["message_id"]), (minh.id, pushed[minh.id]["message_id"])}
    assert pushed[lan.id]["message_id"] not in api.messages and pushed[tuan.id]["message_id"] in api.messages
    assert any("đã được ban biên tập gỡ xuống" in text for text in tuan.texts())
    await until(lambda: texts.TAKEDOWN_DONE.format(id=1, deleted=2, failed=0) in minh.texts())
    with session_scope(engine) as session:
        assert session.get(Story, 1).status == "retracted"


async def test_ban_limits_and_forged_buttons_over_telegram(api, engine, running):
    sender, (lan, tuan, minh), hoa = running
    await minh.say("/chan telegram:102 gửi tin quảng cáo nhiều lần")
    assert "Lý do: gửi tin quảng cáo" in (await tuan.say("/gui"))[-1]["text"]
    assert await tuan.say("/gui Câu chuyện thứ nhất về lớp học tình nguyện mùa hè.") == []

    await lan.say("/gui Câu chuyện thứ nhất về lớp học tình nguyện mùa hè.")
    await lan.say("/gui Câu chuyện thứ hai về buổi trồng cây ở bản Nà Giàng.")
    assert "đủ giới hạn mỗi ngày" in (await lan.say("/gui Câu chuyện thứ ba về hội thao."))[-1]["text"]

    queue = await minh.say("/cho")
    decision = next(m for m in queue if "approve:1:daily" in buttons(m))
    await lan.press_on(decision["message_id"], "approve:1:daily")  # a student forging a moderator's button
    with session_scope(engine) as session:
        assert session.get(Story, 1).status == "pending"

    answers = [[m["text"] for m in await lan.say("/bai")] for _ in range(8)]  # 7 messages before, 12 a minute
    assert answers[5] == [texts.SLOW_DOWN] and answers[6:] == [[], []]
    assert all("Câu chuyện của bạn" in answer[0] for answer in answers[:5])


async def test_a_block_is_recorded_at_once_and_never_answered(api, engine, running):
    sender, (lan, tuan, minh), hoa = running
    before = len(api.sent_to(lan.id))
    update = {"my_chat_member": {"chat": {"id": lan.id, "type": "private"}, "from": lan.user,
                                 "new_chat_member": {"status": "kicked"}, "old_chat_member": {"status": "member"}}}
    update_id = api.queue_update(update)
    await until(lambda: lan.handled[str(update_id)] > 0)
    assert len(api.sent_to(lan.id)) == before
    with session_scope(engine) as session:
        member = session.exec(select(Member).where(Member.platform_id == str(lan.id))).one()
        assert member.blocked and not member.daily and not member.weekly
    group = api.queue_update({"message": {"message_id": 9, "chat": {"id": -4001, "type": "group"}, "from": lan.user, "text": "0912 345 678"}})
    await until(lambda: lan.handled[str(group)] > 0)
    assert [m["text"] for m in api.sent_to(-4001)] == [texts.GROUP_CHAT]


async def test_a_takedown_while_the_push_is_in_flight_still_deletes_what_it_sent(api, engine, running):
    sender, (lan, tuan, minh), hoa = running
    await tuan.say("/gui Lớp em sửa miễn phí quạt điện cho cả bản Nà Giàng vào cuối tuần.")
    await minh.say("/duyet 1")
    await minh.say("/dang ngay")
    send, taken_down = sender.channel.send, []

    async def taken_down_meanwhile(message):  # the window is claimed; the moderator acts before it is sent
        if not taken_down:
            taken_down.append("/go")  # first: the bot's own replies to /go come through here too
            await minh.say("/go 1 thông tin chưa được kiểm chứng")
        return await send(message)

    sender.channel.send = taken_down_meanwhile
    await _drain(sender)
    sender.channel.send = send
    assert taken_down and not [m for person in (lan, tuan, minh) for m in api.sent_to(person.id) if "report:1" in buttons(m)]
    assert {int(call["chat_id"]) for call in api.calls_of("deleteMessage")} == {lan.id, tuan.id, minh.id}  # deleted after all
    with session_scope(engine) as session:
        assert set(session.exec(select(Delivery.status)).all()) == {"retracted"}


def test_a_school_channel_that_makes_the_bot_its_admin_hears_nothing_from_it():
    """Editors add the bot to a school's channel for cross-posts: no "private chats only" notice there."""
    added = {"chat": {"id": -1001234, "type": "channel", "title": "Tin tốt CĐ Cao Bằng"}, "from": {"id": ADMIN, "is_bot": False},
             "new_chat_member": {"status": "administrator"}, "old_chat_member": {"status": "left"}}
    assert to_incoming({"update_id": 5, "my_chat_member": added}) is None
    assert to_incoming({"update_id": 6, "my_chat_member": added | {"chat": {"id": -4001, "type": "group"}}}).kind == "group"
    join_request = {"chat": {"id": -1001234, "type": "channel"}, "from": {"id": 101, "is_bot": False}, "date": 1}
    assert to_incoming({"update_id": 7, "chat_join_request": join_request}) is None
