"""School announcements in the conversation: preview, confirm or cancel once, photos, the limit."""

from sqlmodel import select

from content import texts
from handlers.announcements import release_due
from storage.db import session_scope
from storage.models import Announcement, Delivery, Post
from tests.conftest import text_of


async def test_confirmed_twice_is_sent_once_and_a_cancel_sends_nothing(engine, clock, school_moderator, student):
    clock.set_local("2026-11-30 10:00")
    await student.join("CDCB")
    preview = await school_moderator.say("/thongbao CDCB Thứ Hai chào cờ lúc 7 giờ.")
    assert preview[0].text.startswith("📣 <b>Thông báo của Trường Cao đẳng Cao Bằng</b>")
    assert preview[0].text.endswith("</b>\n\nThứ Hai chào cờ lúc 7 giờ.")  # its own code is not part of the text
    send = preview[-1].buttons[0][0].data
    assert "tới 2 học sinh" in text_of(await school_moderator.press(send))
    assert text_of(await school_moderator.press(send)) == texts.ANNOUNCE_DONE_ALREADY
    cancelled = await school_moderator.say("/thongbao Một thông báo sẽ bị hủy.")
    assert text_of(await school_moderator.say("2")) == texts.ANNOUNCE_CANCELLED  # the numbered option
    assert text_of(await school_moderator.press(cancelled[-1].buttons[0][0].data)) == texts.ANNOUNCE_DONE_ALREADY
    with session_scope(engine) as session:
        assert len(session.exec(select(Post)).all()) == 1 and len(session.exec(select(Delivery)).all()) == 2
        assert [a.status for a in session.exec(select(Announcement).order_by(Announcement.id))] == ["sent", "cancelled"]


async def test_an_editor_sends_a_photo_to_a_named_school(engine, clock, moderator, student):
    clock.set_local("2026-11-30 10:00")
    await student.join("HOAAN")
    preview = await moderator.send(kind="photo", photo="telegram:AgAC-flag", text="/thongbao HOAAN Lễ chào cờ đầu tuần.")
    assert preview[0].photo == "telegram:AgAC-flag" and "Hòa An" in preview[0].text
    assert "Gửi tới <b>1</b> học sinh" in preview[-1].text
    assert texts.ANNOUNCE_USAGE_EDITOR in text_of(await moderator.say("/thongbao"))
    assert texts.ANNOUNCE_USAGE_EDITOR in text_of(await moderator.say("/thongbao HOAAN"))


async def test_the_limit_is_per_school_and_day(engine, clock, config, school_moderator, moderator):
    clock.set_local("2026-11-30 10:00")
    first = await school_moderator.say("/thongbao Một thông báo trong ngày.")
    late = await school_moderator.say("/thongbao Xem trước khi ngày còn chỗ, xác nhận khi đã đầy.")
    await school_moderator.press(first[-1].buttons[0][0].data)
    second = await school_moderator.say("/thongbao Thông báo thứ hai trong ngày.")
    await school_moderator.press(second[-1].buttons[0][0].data)
    refused = await school_moderator.say("/thongbao Thông báo quá giới hạn.")  # said before any preview
    assert len(refused) == 1 and not refused[0].buttons and "đã có 2 thông báo trong ngày 30/11/2026" in refused[0].text
    assert "TINTOT" not in refused[0].text
    assert "đã có 2 thông báo" in text_of(await school_moderator.press(late[-1].buttons[0][0].data))
    other = await moderator.say("/thongbao HOAAN Trường khác vẫn gửi được.")
    assert "Đã gửi thông báo" in text_of(await moderator.press(other[-1].buttons[0][0].data))
    clock.set_local("2026-12-01 10:00")
    again = await school_moderator.say("/thongbao Ngày mới, thông báo mới.")
    assert "Đã gửi thông báo" in text_of(await school_moderator.press(again[-1].buttons[0][0].data))


async def test_a_preview_older_than_an_hour_is_not_sent(engine, clock, school_moderator, student):
    clock.set_local("2026-11-30 10:00")
    await student.join("CDCB")
    preview = await school_moderator.say("/thongbao Họp lớp chiều nay.")
    clock.set_local("2026-11-30 11:01")
    assert text_of(await school_moderator.press(preview[-1].buttons[0][0].data)) == texts.ANNOUNCE_PREVIEW_EXPIRED
    assert text_of(await school_moderator.press(preview[-1].buttons[0][0].data)) == texts.ANNOUNCE_DONE_ALREADY
    with session_scope(engine) as session:
        assert session.exec(select(Post)).all() == []
        assert session.exec(select(Announcement.status)).one() == "cancelled"


async def test_an_announcement_held_for_the_morning_is_cancelled_and_never_released(engine, clock, config, school_moderator, student):
    clock.set_local("2026-11-30 22:00")
    await student.join("CDCB")
    preview = await school_moderator.say("/thongbao Sáng mai nghỉ học vì trời rét đậm.")
    send, cancel = (button.data for button in preview[-1].buttons[0])
    held = await school_moderator.press(send)
    assert "06:00" in held[0].text and held[0].buttons[0][0].data == cancel
    assert text_of(await school_moderator.press(cancel)) == texts.ANNOUNCE_HELD_CANCELLED
    assert text_of(await school_moderator.press(cancel)) == texts.ANNOUNCE_DONE_ALREADY
    clock.set_local("2026-12-01 06:00")
    with session_scope(engine) as session:
        assert release_due(session=session, now=clock(), config=config) == []
        assert session.exec(select(Post)).all() == []
        assert session.exec(select(Announcement.status)).one() == "cancelled"
async def test_a_preview_is_confirmed_only_by_whoever_wrote_it(engine, clock, school_moderator, moderator, student):
    clock.set_local("2026-11-30 10:00")
    await student.join("CDCB")
    preview = await school_moderator.say("/thongbao Thứ Hai chào cờ lúc 7 giờ.")
    send = preview[-1].buttons[0][0].data
    assert text_of(await moderator.press(send)) == texts.OPTION_EXPIRED  # an editor with a forged button
    assert text_of(await student.press(send)) == texts.NOT_MODERATOR
    with session_scope(engine) as session:
        assert session.exec(select(Announcement.status)).one() == "draft"
    assert "Đã gửi thông báo" in text_of(await school_moderator.press(send))
