from sqlmodel import select

from content import texts
from storage.db import session_scope
from storage.models import Event, Member, Story
from tests.conftest import text_of


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
        story = session.get(Story, 1)
    assert erased.platform_id is None and erased.display_name is None and erased.chat_id is None
    assert story.member_id is None and story.text
    stats = text_of(await moderator.say("/thongke"))
    assert "Trường Cao đẳng Cao Bằng: 2 · 1 · 2 (chưa có sĩ số) · 1/0/0" in stats  # both wrote this week


async def test_a_redelivered_update_has_one_effect(engine, student):
    await student.join()
    first = await student.send(text="/gui Bạn Tú nhặt được ví và trả lại người mất.", update_id="dup-1")
    second = await student.send(text="/gui Bạn Tú nhặt được ví và trả lại người mất.", update_id="dup-1")
    assert first and second == []
    with session_scope(engine) as session:
        assert len(session.exec(select(Story)).all()) == 1
