"""The campaign core on Zalo, end to end over real HTTP: the fake Zalo server, our channel and
web app, the real core on a fresh database. Every flow runs in polling and webhook modes."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import select

from bot.core import Core
from bot.delivery import Sender
from content import texts
from handlers.context import CoreConfig
from handlers.io import Incoming
from storage.db import session_scope
from storage.models import Story
from tests.channels.zalo.conftest import Recorder
from tests.conftest import RecordingChannel
from tests.fakes.pictures import PLACE, metadata_of, phone_photo, upright_red_on_top
from tests.fakes.zalo_api import IMAGE, JPEG, Fault, make_update

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN = "z-admin"
SCHOOL = "Trường Cao đẳng Cao Bằng"
STORY = "Lớp điện dân dụng sửa miễn phí quạt điện cho bà con bản Nà Lình."


class ZaloUser:
    """Someone chatting with the bot on Zalo; `say` returns what reached their chat."""

    def __init__(self, zalo, recorder: Recorder, mode: str, user_id: str, name: str) -> None:
        self.zalo, self.recorder, self.mode = zalo, recorder, mode
        self.user_id, self.name = user_id, name

    async def send(self, event: str = "message.text.received", **fields) -> list[dict]:
        update = make_update(event, user_id=self.user_id, name=self.name, **fields)
        return await self.deliver(update)

    async def say(self, text: str) -> list[dict]:
        return await self.send(text=text)

    async def deliver(self, update: dict) -> list[dict]:
        """Hands `update` to the bot the way the mode does and waits until it was handled."""
        before, handled = len(self.zalo.messages), len(self.recorder.updates)
        if self.mode == "webhook":
            assert await self.zalo.push_webhook(update) == 200
        else:
            self.zalo.queue(update)
            await self.recorder.wait_for(handled + 1)
        return [m for m in self.zalo.messages[before:] if m["chat_id"] == self.user_id]

    async def join(self) -> None:
        """/start, consent, 16+, school: each option picked by typing its number."""
        privacy = text_of(await self.say("/start"))
        assert "(Trả lời 1 hoặc 2)" in privacy and "<b>" not in privacy
        await self.say(option_number(privacy, texts.CONSENT_YES))
        schools = text_of(await self.say("1"))
        joined = text_of(await self.say(option_number(schools, SCHOOL)))
        assert f"tham gia cùng {SCHOOL}" in joined

    def inbox(self) -> list[dict]:
        return [m for m in self.zalo.messages if m["chat_id"] == self.user_id]


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or m.get("caption") or "" for m in messages)


def option_number(text: str, label: str) -> str:
    """The number a Zalo user types to pick `label` from numbered options."""
    match = re.search(rf"^(\d+)\. {re.escape(label)}$", text, re.MULTILINE)
    assert match, f"no option {label!r} in {text!r}"
    return match.group(1)


@pytest.fixture(params=["polling", "webhook"])
async def bot(request, engine, clock, start_zalo):
    """The core with the Zalo channel (and a recording Telegram channel) attached."""
    # Mid-morning in Viet Nam today, so a push is never held back by the quiet hours.
    clock.set_local(datetime.now(VIETNAM).strftime("%Y-%m-%d 09:30"))
    core = Core(engine=engine, config=CoreConfig(admins=frozenset({("zalo", ADMIN)}), clock=clock))
    recorder = Recorder(inner=core.handle)
    channel = await start_zalo(webhook=request.param == "webhook", on_update=recorder)
    core.attach(channel)
    core.attach(RecordingChannel("telegram"))
    return core, recorder, request.param


@pytest.fixture
def people(zalo, bot):
    _, recorder, mode = bot
    return lambda user_id, name: ZaloUser(zalo, recorder, mode, user_id, name)


async def test_join_submit_moderate_and_author_told(engine, people):
    student, admin = people("z-101", "Lan"), people(ADMIN, "Cô Hoa")

    await admin.say("/huongdan")
    await student.join()

    assert "Hãy kể câu chuyện" in text_of(await student.say("gui"))
    received = text_of(await student.say(STORY))
    assert "#1" in received
    assert "Có câu chuyện mới #1" in text_of(admin.inbox())

    queue = text_of(await admin.say("cho"))
    assert STORY in queue and "(Trả lời 1, 2 hoặc 3)" in queue
    assert "Đã duyệt câu chuyện #1" in text_of(await admin.say("1"))
    assert "Câu chuyện #1 của bạn đã được duyệt" in student.inbox()[-1]["text"]
    with session_scope(engine) as session:
        assert session.exec(select(Story.status)).all() == ["approved"]


async def test_photo_story_reaches_the_moderator_as_a_photo(zalo, engine, people):
    student, admin = people("z-102", "Minh"), people(ADMIN, "Cô Hoa")
    await admin.say("/huongdan")
    await student.join()
    await student.say("/gui")

    received = await student.send(IMAGE, photo_url=zalo.file_url(), caption=STORY)
    assert "#1" in text_of(received)

    queue = await admin.say("/cho")
    [photo] = [m for m in queue if m["method"] == "sendPhoto"]
    assert photo["photo_bytes"] == JPEG and STORY in photo["caption"]
    with session_scope(engine) as session:
        assert session.exec(select(Story.photo)).one().startswith("media:")


async def photo_story(zalo, student: ZaloUser, admin: ZaloUser) -> None:
    """The student joins and sends a photo story (#1); the admin is known to the bot."""
    await admin.say("/huongdan")
    await student.join()
    await student.say("/gui")
    await student.send(IMAGE, photo_url=zalo.file_url(), caption=STORY)


async def push_now(engine, core: Core, admin: ZaloUser) -> str:
    """Approves #1 for today, publishes it and sends the push; the admin's answer to /dang."""
    await admin.say("/duyet 1")
    published = text_of(await admin.say("/dang ngay"))
    sender = Sender(engine=engine, channel=core.channels["zalo"], rate=100)
    while await sender.send_window():
        pass
    return published


async def test_push_reaches_zalo_with_its_photo_and_a_typed_heart_counts(zalo, engine, bot, people):
    student, admin = people("z-107", "Nga"), people(ADMIN, "Cô Hoa")
    await photo_story(zalo, student, admin)

    assert "tới 1 người" in await push_now(engine, bot[0], admin)

    push = student.inbox()[-1]
    assert push["method"] == "sendPhoto" and push["photo_bytes"] == JPEG
    assert STORY in push["caption"] and "1. ❤️\n2. 👏\n3. ⚠️ Báo nội dung\n(Trả lời 1, 2 hoặc 3)" in push["caption"]
    assert "Cảm ơn bạn đã thả ❤️" in text_of(await student.say("tim"))
    assert "đã thả ❤️ cho tin này rồi" in text_of(await student.say("1"))
    assert text_of(await student.say("3")) == texts.REPORTED.format(id=1)
    assert "bị thành viên báo cáo (1 lượt)" in admin.inbox()[-1]["text"]


async def test_a_photo_is_signed_while_waiting_public_once_pushed_and_closed_by_a_takedown(zalo, engine, bot, people):
    """What Zalo is given to fetch: the moderator a signed link to the waiting story's photo (its
    plain address answers nothing), the members the public address of the published photo, and
    after /go neither opens."""
    student, admin = people("z-108", "Hà"), people(ADMIN, "Cô Hoa")
    await photo_story(zalo, student, admin)
    [notice] = [m for m in await admin.say("/cho") if m["method"] == "sendPhoto"]
    with session_scope(engine) as session:
        name = session.exec(select(Story.photo)).one().removeprefix("media:")
    site, signed = notice["photo"].split("/media/")
    assert re.fullmatch(rf"\d+/[\w-]{{24}}/{re.escape(name)}", signed) and notice["photo_bytes"] == JPEG

    await push_now(engine, bot[0], admin)
    push = student.inbox()[-1]
    assert push["photo"] == f"{site}/media/{name}" and push["photo_bytes"] == JPEG

    async with httpx.AsyncClient() as client:
        assert (await client.get(push["photo"])).headers["cache-control"] == "public, max-age=86400"
        await admin.say("/go 1 ảnh có mặt bạn chưa xin phép")
        assert [(await client.get(url)).status_code for url in (notice["photo"], push["photo"])] == [404, 404]


async def test_a_group_hears_once_that_the_bot_works_in_private(zalo, people):
    student = people("z-108", "Hùng")
    for text in ("/start", "số của mình 0912 345 678"):
        update = make_update(text=text, user_id="z-108", name="Hùng", chat_id="g-1")
        update["message"]["chat"]["chat_type"] = "GROUP"
        assert await student.deliver(update) == []  # nothing to the member's own chat
    assert [m["text"] for m in zalo.messages if m["chat_id"] == "g-1"] == [texts.GROUP_CHAT]


async def test_rejection_reason_reaches_the_author(people):
    student, admin = people("z-103", "Hà"), people(ADMIN, "Cô Hoa")
    await student.join()
    await student.say(f"/gui {STORY}")

    await admin.say("/tuchoi 1 chưa rõ nguồn tin")

    assert "Lý do: chưa rõ nguồn tin" in student.inbox()[-1]["text"]


async def test_a_redelivered_update_is_processed_once(people):
    student = people("z-104", "Tú")
    update = make_update(text="/start", user_id="z-104", name="Tú", message_id="same-id")

    first = await student.deliver(update)
    again = await student.deliver(update)

    assert first and again == []


async def test_reply_failure_does_not_lose_the_story(zalo, engine, people):
    student = people("z-105", "Mai")
    await student.join()
    zalo.inject("sendMessage", Fault.server_error(502), times=10)

    await student.say(f"/gui {STORY}")

    with session_scope(engine) as session:
        assert session.exec(select(Story.text)).all() == [STORY]


async def test_zalo_and_telegram_students_share_schools_and_queue(bot, people):
    core, _, _ = bot
    telegram = core.channels["telegram"]
    zalo_student, admin = people("z-106", "Lan"), people(ADMIN, "Cô Hoa")
    await zalo_student.join()
    for step in ("/start", "consent:yes", "age:adult", "school:CDCB", f"/gui {STORY} (Telegram)"):
        kind = "callback" if ":" in step and not step.startswith("/") else "text"
        await core.handle(_telegram_update(step, kind))
    await zalo_student.say(f"/gui {STORY} (Zalo)")

    queue = text_of(await admin.say("/cho"))
    assert "2 câu chuyện" in queue and "(Telegram)" in queue and "(Zalo)" in queue
    await admin.say("/duyet 1")
    assert "<b>#1</b> của bạn đã được duyệt" in telegram.to("t-1")[-1].text


def _telegram_update(step: str, kind: str) -> Incoming:
    data = {"callback_data": step} if kind == "callback" else {"text": step}
    return Incoming(channel="telegram", user_id="t-1", chat_id="t-1", display_name="Hùng", kind=kind, **data)


async def test_a_school_announcement_is_confirmed_by_number_and_says_its_school(engine, bot, people):
    core = bot[0]
    student, admin = people("z-108", "Hoa"), people(ADMIN, "Cô Hoa")
    await admin.say("/huongdan")
    await student.join()
    preview = text_of(await admin.say("thongbao CDCB Thứ Sáu cả trường dọn vệ sinh."))
    assert f"Thông báo của {SCHOOL}" in preview and "Gửi tới 1 học sinh" in preview and "<b>" not in preview
    assert "tới 1 học sinh" in text_of(await admin.say(option_number(preview, texts.BUTTON_ANNOUNCE_SEND)))
    sender = Sender(engine=engine, channel=core.channels["zalo"], rate=100)
    while await sender.send_window():
        pass
    push = student.inbox()[-1]["text"]
    assert push.startswith(f"📣 Thông báo của {SCHOOL}") and "dọn vệ sinh" in push


async def test_a_phone_photo_is_kept_and_published_upright_without_its_place(zalo, engine, bot, people, tmp_path):
    student, admin = people("z-109", "Hà"), people(ADMIN, "Cô Hoa")
    zalo.files["photo.jpg"] = phone_photo()  # sideways, with GPS, device and XMP
    await photo_story(zalo, student, admin)
    with session_scope(engine) as session:
        kept = session.exec(select(Story.photo)).one()
    await push_now(engine, bot[0], admin)

    fetched = student.inbox()[-1]["photo_bytes"]  # what Zalo fetched from the public /media/ address
    assert metadata_of(fetched) == {} and upright_red_on_top(fetched)
    assert PLACE.encode() not in fetched and b"PhoneMaker" not in fetched
    stored = [path.read_bytes() for path in tmp_path.rglob(kept.removeprefix("media:"))]
    assert stored == [fetched]


async def test_a_story_typed_without_gui_is_sent_with_one_number(engine, people):
    student = people("z-110", "Hà")
    await student.join()
    offer = text_of(await student.say(STORY))
    assert "1. " + texts.OFFER_SEND in offer
    with session_scope(engine) as session:
        assert session.exec(select(Story)).all() == []
    assert "#1" in text_of(await student.say(option_number(offer, texts.OFFER_SEND)))
    with session_scope(engine) as session:
        assert session.exec(select(Story.text)).one() == STORY


async def test_each_number_in_a_queue_of_two_means_one_story(engine, people):
    student, admin = people("z-109", "Lan"), people(ADMIN, "Cô Hoa")
    await admin.say("/huongdan")
    await student.join()
    await student.say(f"/gui {STORY} (một)")
    await student.say(f"/gui {STORY} (hai)")

    first, second = [m["text"] for m in await admin.say("cho") if "Trả lời" in m["text"]]
    assert "#1" in first and "1. ✅" in first and "(Trả lời 1, 2 hoặc 3)" in first
    assert "#2" in second and "4. ✅" in second and "(Trả lời 4, 5 hoặc 6)" in second
    assert "Đã duyệt câu chuyện #2" in text_of(await admin.say(option_number(second, texts.BUTTON_APPROVE_DAILY)))
    with session_scope(engine) as session:
        assert session.exec(select(Story.status).order_by(Story.id)).all() == ["pending", "approved"]

    assert "#1" in text_of(await admin.say("cho"))
    assert "Đã duyệt câu chuyện #1" in text_of(await admin.say("1"))
