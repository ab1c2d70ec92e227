from contextlib import contextmanager
from dataclasses import replace

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.core import Core
from content import texts
from storage.db import session_scope
from storage.models import Event, Member, Story, utcnow
from tests.conftest import Person, text_of


async def test_pause_and_resume(engine, student):
    await student.join()
    assert text_of(await student.say("/tat")) == texts.PAUSED
    assert text_of(await student.say("/tat")) == texts.ALREADY_PAUSED
    assert text_of(await student.say("/bat")) == texts.RESUMED
    with session_scope(engine) as session:
        kinds = session.exec(select(Event.kind)).all()
    assert kinds.count("unsubscribed") == 1 and kinds.count("subscribed") == 2


async def test_erase_needs_confirmation_and_keeps_anonymous_counts(engine, student, moderator):
    await student.join()
    await student.say("/gui Câu chuyện về bạn lớp trưởng giúp bạn vượt khó.")
    await student.say("/xoa")
    assert text_of(await student.press("erase:no")) == texts.ERASE_CANCELLED
    await student.say("/xoa")
    assert text_of(await student.say("1")) == texts.ERASED

    assert text_of(await student.say("/bai")) == texts.NOT_JOINED
    with session_scope(engine) as session:
        erased = session.exec(select(Member).where(Member.erased_at.is_not(None))).one()
    assert erased.platform_id is None and erased.display_name is None and erased.chat_id is None
    stats = text_of(await moderator.say("/thongke"))
    assert "Trường Cao đẳng Cao Bằng: 2 · 1 · 2 (chưa có sĩ số) · 1/0/0" in stats  # both wrote this week


async def test_erasing_deletes_unpublished_stories_and_their_photos(engine, clock, media, tmp_path, student, moderator):
    lan, minh = student, moderator
    await lan.join(adult=False)
    clock.set_local("2026-11-30 09:00")
    published = "Cả lớp em quyên góp sách cho các em nhỏ ở Bảo Lạc."
    pending = "Bí mật: số của em là 0912 345 678, nhà ở xóm Nà Rài."
    await lan.say(f"/gui {published}")
    await minh.say("/duyet 1")
    await minh.say("/dang ngay")
    await lan.say(f"/gui {pending}")
    photo = media.save(b"\x89PNG\r\n\x1a\n" + b"the photo of a classmate")
    await lan.send(kind="photo", photo=photo, text="Ảnh bạn cùng lớp em chụp ở sân trường hôm qua.")
    await minh.say("/duyet 3")  # approved, not yet published: erased too
    assert media.path(photo) is not None

    await lan.say("/xoa")
    told = text_of(await lan.press("erase:yes"))

    assert texts.ERASED in told and "#1" in told and "#2" not in told
    assert media.path(photo) is None and list((tmp_path / "media").iterdir()) == []
    with session_scope(engine) as session:
        stories = session.exec(select(Story)).all()
        every_text = " ".join(f"{s.text} {s.original_text} {s.photo} {s.flags}" for s in stories)
    assert [(s.id, s.member_id) for s in stories] == [(1, None)]
    assert "0912" not in every_text and "Nà Rài" not in every_text and "media:" not in every_text


async def test_a_redelivered_update_has_one_effect(engine, student):
    await student.join()
    first = await student.send(text="/gui Bạn Tú nhặt được ví và trả lại người mất.", update_id="dup-1")
    second = await student.send(text="/gui Bạn Tú nhặt được ví và trả lại người mất.", update_id="dup-1")
    assert first and second == []
    with session_scope(engine) as session:
        assert len(session.exec(select(Story)).all()) == 1


async def test_erasing_leaves_no_unmasked_original_nor_a_photo_waiting_for_its_caption(engine, clock, media, tmp_path, student, moderator):
    lan, minh = student, moderator
    await lan.join()
    clock.set_local("2026-11-30 09:00")
    await lan.say("/gui Ai nhặt được ví của em thì gọi 0912 345 678 giúp em với, cảm ơn cả nhà.")
    await minh.say("/duyet 1")  # published masked; the original is kept for the moderators
    await minh.say("/dang ngay")
    photo = media.save(b"\x89PNG\r\n\x1a\n" + b"a classmate's face")
    assert "viết thêm vài dòng" in text_of(await lan.send(kind="photo", photo=photo))  # waits for its caption

    await lan.say("/xoa")
    await lan.press("erase:yes")

    assert list((tmp_path / "media").iterdir()) == []
    with session_scope(engine) as session:
        story = session.get(Story, 1)
    assert "09•• ••• •78" in story.text and story.original_text is None


async def test_a_photo_abandoned_before_its_caption_is_dropped_unless_a_story_shows_it(engine, media, student):
    lan = student
    await lan.join()
    shown, abandoned = media.save(b"\x89PNG\r\n\x1a\n" + b"one"), media.save(b"\x89PNG\r\n\x1a\n" + b"two")
    await lan.send(kind="photo", photo=shown, text="Ảnh lớp em trồng cây ở sân trường sáng nay.")
    await lan.send(kind="photo", photo=shown)  # the same photo again (one file), then another command
    await lan.say("/bai")
    await lan.send(kind="photo", photo=abandoned)
    await lan.say("/huongdan")
    assert media.path(shown) is not None and media.path(abandoned) is None
    # A caption too short keeps the photo waiting for a better one; a banned member's photo is not kept.
    retried = media.save(b"\x89PNG\r\n\x1a\n" + b"three")
    await lan.send(kind="photo", photo=retried, text="Ảnh đẹp")
    assert "#2" in text_of(await lan.say("Ảnh lớp em trồng cây ở sân trường chiều nay."))
    with session_scope(engine) as session:
        assert session.get(Story, 2).photo == retried
        session.exec(select(Member).where(Member.platform_id == "101")).one().banned_at = utcnow()
    refused = media.save(b"\x89PNG\r\n\x1a\n" + b"four")
    await lan.send(kind="photo", photo=refused, text="Ảnh lớp em trồng cây ở sân trường tối nay.")
    assert media.path(refused) is None


async def test_a_photo_nothing_keeps_is_not_left_in_the_media_store(engine, channels, config, media):
    core = Core(engine=engine, config=replace(config, messages_per_minute=7), channels=channels)
    lan = Person(core, channels["telegram"], "101", "Lan")
    stranger = media.save(b"\x89PNG\r\n\x1a\n" + b"before joining")
    assert texts.NOT_JOINED in text_of(await lan.send(kind="photo", photo=stranger, text="Ảnh lớp em trồng cây hôm nay."))
    await lan.join()  # 4 messages
    first, second = media.save(b"\x89PNG\r\n\x1a\n" + b"first"), media.save(b"\x89PNG\r\n\x1a\n" + b"second")
    await lan.send(kind="photo", photo=first)
    await lan.send(kind="photo", photo=second)  # another photo instead: the first no longer waits
    flooded = media.save(b"\x89PNG\r\n\x1a\n" + b"ignored")
    assert text_of(await lan.send(kind="photo", photo=flooded, text="Ảnh lớp em trồng cây hôm nay.")) == texts.SLOW_DOWN
    assert [media.path(p) is not None for p in (stranger, first, second, flooded)] == [False, False, True, False]


@contextmanager
def _commits_failing():
    """Every commit fails while inside (the database gone at the last moment)."""
    def fail(session):
        raise RuntimeError("the database went away at commit")

    sa.event.listen(Session, "before_commit", fail)
    try:
        yield
    finally:
        sa.event.remove(Session, "before_commit", fail)


async def test_photos_leave_the_media_store_only_once_the_update_committed(engine, clock, media, student, moderator):
    lan, minh = student, moderator
    await lan.join()
    clock.set_local("2026-11-30 09:00")
    shown, pending, waiting = (media.save(b"\x89PNG\r\n\x1a\n" + name) for name in (b"shown", b"pending", b"waiting"))
    await lan.send(kind="photo", photo=shown, text="Ảnh lớp em trồng cây ở sân trường sáng nay.")
    await minh.say("/duyet 1")
    await minh.say("/dang ngay")
    await lan.send(kind="photo", photo=pending, text="Ảnh lớp em dọn vệ sinh sân trường chiều nay.")
    await lan.send(kind="photo", photo=waiting)  # waits for its caption

    with _commits_failing():  # an abandoned photo, a takedown, an erasure: none of them committed
        assert text_of(await lan.say("/bai")) == texts.INTERNAL_ERROR
        assert text_of(await minh.say("/go 1 ảnh có mặt bạn chưa xin phép")) == texts.INTERNAL_ERROR
    assert [media.path(p) is not None for p in (shown, pending, waiting)] == [True, True, True]
    await lan.say("/xoa")
    assert media.path(waiting) is None  # abandoned for a command that committed
    with _commits_failing():
        assert text_of(await lan.press("erase:yes")) == texts.INTERNAL_ERROR
    assert media.path(pending) is not None and _story_photos(engine) == [shown, pending]

    assert "Đã gỡ câu chuyện #1" in text_of(await minh.say("/go 1 ảnh có mặt bạn chưa xin phép"))
    assert texts.ERASED in text_of(await lan.press("erase:yes"))
    assert media.path(shown) is None and media.path(pending) is None


def _story_photos(engine) -> list[str]:
    with session_scope(engine) as session:
        return [story.photo for story in session.exec(select(Story).order_by(Story.id))]


async def test_erasing_lists_only_the_stories_that_stay_published(engine, clock, student, moderator):
    lan, minh = student, moderator
    await lan.join()
    clock.set_local("2026-11-30 09:00")
    await lan.say("/gui Cả lớp em quyên góp sách cho các em nhỏ ở Bảo Lạc.")
    await minh.say("/duyet 1")
    await minh.say("/dang ngay")
    clock.set_local("2026-12-01 09:00")
    await lan.say("/gui Lớp em dọn vệ sinh đường vào bản sáng chủ nhật vừa rồi.")
    await minh.say("/duyet 2")
    await minh.say("/dang ngay")
    await minh.say("/go 1 ảnh có mặt bạn chưa xin phép")

    await lan.say("/xoa")
    told = text_of(await lan.press("erase:yes"))

    assert "#2" in told and "#1" not in told
