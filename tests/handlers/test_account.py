from dataclasses import replace

from sqlmodel import select

from bot.core import Core
from bot.media import MediaStore
from content import texts
from storage.db import session_scope
from storage.models import Event, Member, Story
from tests.conftest import ADMIN, Person, text_of


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


async def test_erasing_deletes_unpublished_stories_and_their_photos(engine, channels, config, clock, tmp_path):
    media = MediaStore(tmp_path / "media")
    core = Core(engine=engine, config=replace(config, delete_photo=media.delete), channels=channels)
    lan, minh = Person(core, channels["telegram"], "101", "Lan"), Person(core, channels["zalo"], "501", "Thầy Minh")
    admin = Person(core, channels["telegram"], ADMIN[1], "Cô Hoa")
    await lan.join(adult=False)
    await minh.join()
    await admin.say("/mod zalo:501")
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
