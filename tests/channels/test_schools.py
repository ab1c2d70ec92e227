"""Each school's corner, end to end over the fake Bot API: two schools with a moderator each and
an editor; school queues, refusals, announcements to one school only, held through the night,
and the daily limit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from bot.core import Core
from bot.delivery import Sender
from bot.scheduler import Scheduler
from content import texts
from handlers.context import CoreConfig
from tests.channels.telegram_chat import Chat, buttons, counting
from tests.conftest import Clock

ADMIN, EDITOR, CDCB_MOD, HOAAN_MOD = 900, 501, 601, 602
CDCB, HOAAN = "Trường Cao đẳng Cao Bằng", "Trung tâm GDNN-GDTX Hòa An"
STORY = "Đoàn trường tổ chức hiến máu tình nguyện, hơn 100 bạn tham gia."


@dataclass
class Campaign:
    api: object
    core: Core
    sender: Sender
    clock: Clock
    people: dict[str, Chat]

    async def push(self) -> None:
        while await self.sender.send_window():
            pass

    def received(self, words: str) -> Counter:
        """How many pushes (messages with reaction buttons) containing `words` each chat got."""
        return Counter(
            int(m["chat_id"]) for m in self.api.calls_of("sendMessage")
            if words in m["text"] and any(b.startswith("react:") for b in buttons(m))
        )


@pytest.fixture
async def campaign(api, make_channel, engine, media) -> Campaign:
    clock = Clock()
    clock.set_local("2026-11-30 10:00")
    config = CoreConfig(admins=frozenset({("telegram", str(ADMIN))}), clock=clock, save_photo=media.save)
    core = Core(engine=engine, config=config)
    handled: Counter = Counter()
    channel = await make_channel(counting(core.handle, handled), start=False)
    core.attach(channel)
    await channel.start()
    cast = {"admin": (ADMIN, "Cô Hoa"), "editor": (EDITOR, "Anh Tuấn"), "cdcb_mod": (CDCB_MOD, "Thầy Minh"),
            "hoaan_mod": (HOAAN_MOD, "Cô Lan"), "lan": (101, "Lan"), "mai": (102, "Mai"), "binh": (103, "Bình"),
            "dao": (104, "Đào")}
    people = {key: Chat(api, handled, user_id, name) for key, (user_id, name) in cast.items()}
    for key, school in (("editor", "BAOLAC"), ("cdcb_mod", "CDCB"), ("hoaan_mod", "HOAAN"), ("lan", "CDCB"),
                        ("mai", "CDCB"), ("binh", "HOAAN"), ("dao", "CDCB")):
        await people[key].join(school)
    admin = people["admin"]
    await admin.say(f"/mod telegram:{EDITOR}")
    await admin.say(f"/mod telegram:{CDCB_MOD} CDCB")
    await admin.say(f"/mod telegram:{HOAAN_MOD} hoaan")
    return Campaign(api, core, Sender(engine=engine, channel=channel, rate=1000), clock, people)


async def test_each_school_moderator_sees_and_decides_their_own_school(campaign):
    p = campaign.people
    await p["lan"].say(f"/gui {STORY}")  # #1, Cao Bằng
    await p["binh"].say("/gui Lớp Cơ khí Hòa An sửa 12 chiếc xe đạp cho học sinh tiểu học.")  # #2, Hòa An (not a duplicate)
    assert "#1" in p["cdcb_mod"].texts()[-1] and "#2" in p["hoaan_mod"].texts()[-1]
    assert not any("#1" in t for t in p["hoaan_mod"].texts()) and not any("#2" in t for t in p["cdcb_mod"].texts())
    assert not any("câu chuyện mới" in t for t in p["editor"].texts())  # both schools have a moderator

    cdcb_queue = await p["cdcb_mod"].say("/cho")
    assert CDCB in cdcb_queue[0]["text"] and "1 câu chuyện" in cdcb_queue[0]["text"]
    assert [b for m in cdcb_queue for b in buttons(m) if b.startswith("approve")] == ["approve:1:daily", "approve:1:weekly"]
    editor_queue = await p["editor"].say("/cho")
    assert "2 câu chuyện" in editor_queue[0]["text"]
    assert [b for m in await p["editor"].say("/cho HOAAN") for b in buttons(m) if b.startswith("reject")] == ["reject:2"]

    refused = (await p["cdcb_mod"].say("/duyet 2"))[-1]["text"]
    assert HOAAN in refused and "không làm được" in refused
    assert HOAAN in (await p["cdcb_mod"].say("/cho HOAAN"))[-1]["text"]
    await p["cdcb_mod"].press("approve:1:daily")
    assert "đã được duyệt" in p["lan"].texts()[-1]
    await p["editor"].say("/tuchoi 2 chưa rõ nguồn tin")
    assert "chưa rõ nguồn tin" in p["binh"].texts()[-1]


async def test_a_story_of_a_school_without_moderator_goes_to_the_editors(campaign):
    p = campaign.people
    await p["editor"].say("/gui Câu chuyện của một bạn ở Bảo Lạc, đủ dài để gửi.")
    assert "câu chuyện mới" in p["admin"].texts()[-1].lower()
    assert not any("câu chuyện mới" in t.lower() for t in p["cdcb_mod"].texts())


async def test_an_announcement_reaches_its_school_once_and_the_third_is_refused(campaign):
    p = campaign.people
    await p["mai"].say("/tat truong")
    await p["dao"].say("/tat")
    preview = await p["cdcb_mod"].say("/thongbao Chiều thứ Sáu, Đoàn trường họp lúc 14:00 tại hội trường.")
    assert "Thông báo của " + CDCB in preview[0]["text"] and "họp lúc 14:00" in preview[0]["text"]
    assert "Gửi tới <b>2</b> học sinh" in preview[-1]["text"]
    await p["cdcb_mod"].press(buttons(preview[-1])[0])
    assert "tới 2 học sinh" in campaign.api.messages[preview[-1]["message_id"]]["text"]
    await campaign.push()
    assert campaign.received("họp lúc 14:00") == Counter({101: 1, CDCB_MOD: 1})

    second = await p["editor"].say("/thongbao CDCB Sáng thứ Bảy cả trường trồng cây ở sân sau.")
    await p["editor"].press(buttons(second[-1])[0])
    third = await p["cdcb_mod"].say("/thongbao Một thông báo thứ ba trong cùng một ngày.")
    assert len(third) == 1 and not buttons(third[0])  # refused at once, before any preview
    assert "đã có 2 thông báo" in third[0]["text"]
    await campaign.push()
    assert campaign.received("trồng cây") == Counter({101: 1, CDCB_MOD: 1})
    assert not campaign.received("thứ ba trong cùng")


async def test_an_announcement_confirmed_at_night_goes_out_at_six_once(campaign, engine):
    p = campaign.people
    campaign.clock.set_local("2026-11-30 22:00")
    preview = await p["hoaan_mod"].say("/thongbao Sáng mai nghỉ học vì trời rét đậm.")
    assert "06:00" in preview[-1]["text"]
    await p["hoaan_mod"].press(buttons(preview[-1])[0])
    assert "06:00" in campaign.api.messages[preview[-1]["message_id"]]["text"]

    scheduler = Scheduler(engine=engine, config=campaign.core.config, send=campaign.core.send_all, clock=campaign.clock)
    for moment in ("2026-11-30 23:00", "2026-12-01 05:59"):
        campaign.clock.set_local(moment)
        await scheduler.check()
        await campaign.push()
    assert not campaign.received("trời rét")
    campaign.clock.set_local("2026-12-01 06:00")
    await scheduler.check()
    await scheduler.check()  # a second look, or a restarted bot, finds nothing more to release
    await campaign.push()
    assert campaign.received("trời rét") == Counter({103: 1, HOAAN_MOD: 1})
    assert any("bắt đầu được gửi tới 2" in text for text in p["hoaan_mod"].texts())


async def test_an_announcement_held_for_the_morning_can_still_be_cancelled(campaign, engine):
    p = campaign.people
    campaign.clock.set_local("2026-11-30 22:00")
    previews = [await p["hoaan_mod"].say(f"/thongbao Thông báo số {n} cho sáng mai.") for n in (1, 2)]
    for preview in previews:
        await p["hoaan_mod"].press(buttons(preview[-1])[0])  # confirmed: held until 06:00
    held = campaign.api.messages[previews[0][-1]["message_id"]]
    assert "06:00" in held["text"] and buttons(held) == buttons(previews[0][-1])[1:]  # the preview's "Hủy" stays
    await p["hoaan_mod"].press(buttons(held)[0])
    assert campaign.api.messages[held["message_id"]]["text"] == texts.ANNOUNCE_HELD_CANCELLED
    third = await p["hoaan_mod"].say("/thongbao Thông báo số 3 cho sáng mai.")
    await p["hoaan_mod"].press(buttons(third[-1])[0])  # the cancelled one gave its number of the day back
    assert "06:00" in campaign.api.messages[third[-1]["message_id"]]["text"]
    campaign.clock.set_local("2026-12-01 06:00")
    scheduler = Scheduler(engine=engine, config=campaign.core.config, send=campaign.core.send_all, clock=campaign.clock)
    await scheduler.check()
    await campaign.push()
    assert not campaign.received("số 1 cho")
    assert campaign.received("số 2 cho") == campaign.received("số 3 cho") == Counter({103: 1, HOAAN_MOD: 1})


async def test_wrong_announcements_are_answered(campaign):
    p = campaign.people
    assert texts.ANNOUNCE_USAGE in (await p["cdcb_mod"].say("/thongbao"))[-1]["text"]
    other = (await p["cdcb_mod"].say("/thongbao HOAAN Thông báo cho trường khác."))[-1]["text"]
    assert HOAAN in other and "không làm được" in other
    unknown = (await p["editor"].say("/thongbao XYZ Nội dung thông báo."))[-1]["text"]
    assert "XYZ" in unknown and "CDCB" in unknown and "HOAAN" in unknown
    assert texts.NOT_MODERATOR in (await p["lan"].say("/thongbao Xin chào cả trường."))[-1]["text"]
