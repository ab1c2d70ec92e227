import dataclasses
from datetime import timedelta

import pytest

from sqlmodel import select

from bot.core import Core
from content import texts
from handlers.publishing import publish_slot
from storage import pushes
from storage.db import session_scope
from storage.models import Delivery, Post, Story
from tests.campaign import deliver_waiting, message_ref_of
from tests.conftest import Person, text_of

STORY = "Bạn Hoa lớp Điện dân dụng sửa miễn phí quạt điện cho cả bản Nà Giàng."


async def _approved_story(student: Person, moderator: Person, slot: str = "ngay") -> None:
    await student.say(f"/gui {STORY}")
    story_id = text_of(moderator.inbox()).count("Có câu chuyện mới")
    await moderator.say(f"/duyet {story_id} {slot}")


async def test_dang_publishes_once_to_subscribers_and_tells_the_author(engine, core, channels, clock, student, moderator):
    clock.set_local("2026-11-30 09:00")
    await student.join()
    paused = Person(core, channels["zalo"], "777", "Tạm dừng")
    await paused.join()
    await paused.say("/tat")
    await _approved_story(student, moderator)

    reply = text_of(await moderator.say("/dang ngay"))
    assert "Đã đăng Tin tốt ngày 30/11/2026 (câu chuyện #1) tới 2 người" in reply
    assert "vừa được gửi tới" in student.inbox()[-1].text
    with session_scope(engine) as session:
        post = session.exec(select(Post)).one()
        members = sorted(d.member_id for d in session.exec(select(Delivery)).all())
        assert session.get(Story, 1).status == "published"
    assert (post.kind, str(post.slot_date)) == ("daily", "2026-11-30")
    assert len(members) == 2  # the student and the moderator; not the paused member

    again = text_of(await moderator.say("/dang ngay"))
    assert "đã được đăng lúc" in again
    assert "đã đăng ngày 30/11/2026" in text_of(await student.say("/bai"))


async def test_no_empty_push_and_moderators_warned_once(engine, config, clock, moderator):
    clock.set_local("2026-11-30 07:00")
    for _ in range(3):
        with session_scope(engine) as session:
            result = publish_slot(session=session, kind="daily", now=clock(), config=config)
        await moderator.core.send_all(result.notices)
        assert result.status == "empty" and result.post is None
    assert text_of(moderator.inbox()).count("Hàng chờ tin tốt đang trống") == 1


async def test_quiet_hours_refuse_a_manual_push(clock, student, moderator):
    clock.set_local("2026-11-30 21:30")
    await student.join()
    await _approved_story(student, moderator)
    assert text_of(await moderator.say("/dang ngay")) == texts.QUIET_HOURS


async def test_weekly_prefers_the_approved_weekly_story_else_the_most_loved_daily(engine, core, channels, clock, student, moderator):
    await student.join()
    clock.set_local("2026-11-30 08:00")  # a Monday
    await _approved_story(student, moderator)
    await moderator.say("/dang ngay")
    clock.set_local("2026-12-01 08:00")
    await moderator.say("/tin Xã Quang Trung hoàn thành 20 căn nhà cho hộ nghèo trước Tết.")
    await moderator.say("/dang ngay")
    deliver_waiting(engine)
    await student.press("react:2:heart", message_ref=message_ref_of(engine, student.user_id, 2))  # the second day's item is loved more
    clock.set_local("2026-12-06 19:00")  # Sunday
    assert "(câu chuyện #2)" in text_of(await moderator.say("/dang tuan"))

    clock.set_local("2026-12-07 08:00")
    await student.say(f"/gui {STORY} Tuần sau.")
    await moderator.say("/duyet 3 tuan")
    clock.set_local("2026-12-13 19:00")
    assert "(câu chuyện #3)" in text_of(await moderator.say("/dang tuan"))


async def test_calendar_shows_the_queue_and_warns_when_it_runs_dry(clock, student, moderator):
    clock.set_local("2026-11-30 08:00")
    await student.join()
    await _approved_story(student, moderator)
    calendar = text_of(await moderator.say("/lich"))
    assert "30/11 ☀️ #1" in calendar and "01/12 ☀️ ⚠️ chưa có tin" in calendar
    assert "06/12 🌟 tin được thả ❤️ nhiều nhất" in calendar
    assert "Hàng chờ chỉ còn 1 tin tốt" in calendar


async def test_progress_counts_each_status(engine, clock, student, moderator):
    assert text_of(await moderator.say("/tiendo")) == texts.PROGRESS_NONE
    clock.set_local("2026-11-30 08:00")
    await student.join()
    await _approved_story(student, moderator)
    await moderator.say("/dang ngay")
    with session_scope(engine) as session:
        pushes.claim_window(session=session, channel="telegram", owner="gone", lease=timedelta(0))
        pushes.mark_interrupted(session=session)
    report = text_of(await moderator.say("/tiendo"))
    assert "2 người nhận" in report and "Không rõ: 1" in report and "Đang chờ: 1" in report
    assert "không gửi lại" in report


async def test_reactions_count_once_by_button_and_by_typed_reply(engine, student, moderator, clock):
    clock.set_local("2026-11-30 08:00")
    await student.join()
    await _approved_story(student, moderator)
    await student.press("react:1:heart")  # before the push reached anyone: not counted
    await moderator.say("/dang ngay")
    deliver_waiting(engine)

    await student.press("react:1:heart", message_ref="m99")  # on another message: not counted
    await student.press("react:1:heart", message_ref=message_ref_of(engine, student.user_id, 1))
    await student.press("react:1:heart", message_ref=message_ref_of(engine, student.user_id, 1))
    clock.now = None  # a Zalo reply within 24 h of the push as delivered (real time)
    reply = await moderator.say("1")
    assert reply[-1].text == texts.REACTED.format(emoji="❤️")
    assert text_of(await moderator.say("tim")) == texts.ALREADY_REACTED.format(emoji="❤️")
    with session_scope(engine) as session:
        hearts = session.exec(select(pushes.Reaction)).all()
    assert len(hearts) == 2 and {r.kind for r in hearts} == {"heart"} and len({r.member_id for r in hearts}) == 2


async def test_numbered_options_win_over_a_typed_reaction(engine, student, moderator, clock):
    clock.set_local("2026-11-30 08:00")
    await moderator.say("/tin Tin tốt để thử phản hồi bằng số trên Zalo.")
    await moderator.say("/dang ngay")
    with session_scope(engine) as session:
        claimed = pushes.claim_window(session=session, channel="zalo", owner="test", lease=timedelta(minutes=1))
        pushes.record_results(session=session, results={"sent": claimed}, channel="zalo")
    clock.now = None
    await moderator.say("/xoa")  # offers numbered options after the push
    assert text_of(await moderator.say("2")) == texts.ERASE_CANCELLED


async def test_with_a_public_address_the_author_gets_the_story_page_to_share(engine, channels, config, clock):
    core = Core(engine=engine, config=dataclasses.replace(config, public_url="https://tintot.example.vn/"), channels=channels)
    student, admin = Person(core, channels["telegram"], "101", "Lan"), Person(core, channels["telegram"], "900", "Cô Hoa")
    clock.set_local("2026-11-30 09:00")
    await admin.say("/huongdan")  # an admin the bot can reach, told of new stories
    await student.join()
    await _approved_story(student, admin)
    await admin.say("/dang ngay")
    assert "đường dẫn: https://tintot.example.vn/cau-chuyen/1" in student.inbox()[-1].text


async def test_a_story_taken_down_while_its_slot_is_being_published_is_not_pushed(engine, database_url, clock, student, moderator):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: there is no race to lose")
    clock.set_local("2026-11-30 09:00")
    await student.join()
    await moderator.say("/tin Tin tốt hôm nay: cả trường đi hiến máu tình nguyện.")
    with session_scope(engine) as scheduler:
        chosen = pushes.next_daily_story(session=scheduler)  # the scheduler has picked #1 ...
        await moderator.say("/go 1 thông tin chưa được kiểm chứng")  # ... when a moderator takes it down
        day = clock().date()
        assert pushes.create_post(session=scheduler, kind="daily", slot_date=day, story=chosen, now=clock()) is None
    with session_scope(engine) as session:
        assert session.get(Story, 1).status == "retracted"
        assert session.exec(select(Post)).all() == [] and session.exec(select(Delivery)).all() == []


async def test_a_weekly_story_published_early_is_dated_the_day_it_went_out(engine, channels, clock, student, moderator):
    from bot.delivery import Sender

    await student.join()
    clock.set_local("2026-12-04 10:00")  # a Friday; the week's slot is Sunday 06/12
    await _approved_story(student, moderator, "tuan")
    await moderator.say("/dang tuan")
    await Sender(engine=engine, channel=channels["telegram"], rate=500).send_window()

    [push] = [m for m in student.inbox() if m.text.startswith("🌟")]
    assert "04/12/2026" in push.text and "06/12/2026" not in push.text
    assert "đã đăng ngày 04/12/2026" in text_of(await student.say("/bai"))
