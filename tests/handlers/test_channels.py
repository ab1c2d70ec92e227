"""/kenh: editors set, list and remove a school's Telegram channel; a push then cross-posts to it."""

from sqlmodel import select

from handlers.context import CoreConfig
from handlers.publishing import publish_slot
from storage.db import session_scope
from storage.models import Delivery, Member, School, Story, utcnow
from tests.conftest import text_of


async def test_an_editor_sets_a_school_channel_and_the_schools_stories_go_there(moderator, engine, clock):
    assert "Đã đặt kênh @tintot_cdcb" in text_of(await moderator.say("/kenh cdcb https://t.me/tintot_cdcb"))
    listing = text_of(await moderator.say("/kenh"))
    assert "CDCB: @tintot_cdcb" in listing and "HOAAN: chưa đặt" in listing
    with session_scope(engine) as session:
        session.add(Story(text="Tin tốt của trường", school_id=1, status="approved", slot="daily", decided_at=utcnow()))
        session.add(Story(text="Tin tốt trường khác", school_id=2, status="approved", slot="daily", decided_at=utcnow()))
    clock.set_local("2026-12-01 07:00")
    with session_scope(engine) as session:
        publish_slot(session=session, kind="daily", now=clock(), config=CoreConfig(telegram_channel="@tintot_caobang"))
    clock.set_local("2026-12-02 07:00")
    with session_scope(engine) as session:
        publish_slot(session=session, kind="daily", now=clock(), config=CoreConfig(telegram_channel="@tintot_caobang"))
    with session_scope(engine) as session:
        rows = session.exec(select(Delivery.post_id, Member.chat_id).join(Member).where(Member.role == "channel")).all()
        cdcb = session.get(School, 1)
    assert sorted(rows) == [(1, "@tintot_caobang"), (1, "@tintot_cdcb"), (2, "@tintot_caobang")]
    assert "Đã bỏ kênh" in text_of(await moderator.say("/kenh CDCB bo"))
    with session_scope(engine) as session:
        assert session.get(School, cdcb.id).telegram_channel is None


async def test_wrong_channel_commands_are_answered(moderator, student):
    assert "Cách dùng" in text_of(await moderator.say("/kenh CDCB"))
    assert "Không có trường mã “XYZ”" in text_of(await moderator.say("/kenh XYZ @tintot_xyz"))
    assert "không phải kênh Telegram" in text_of(await moderator.say("/kenh CDCB kênh-trường"))
    await student.join()
    assert "biên tập viên toàn tỉnh" in text_of(await student.say("/kenh CDCB @tintot_cdcb"))
