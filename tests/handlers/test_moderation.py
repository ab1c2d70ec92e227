from sqlmodel import select

from content import texts
from storage.db import session_scope
from storage.models import AuditEntry, Member, Story
from handlers.io import Incoming
from tests.conftest import Person, text_of

STORY = "Đoàn trường tổ chức hiến máu tình nguyện, hơn 100 bạn tham gia."


async def _submitted(student: Person) -> None:
    await student.join()
    await student.say(f"/gui {STORY}")


async def test_queue_approve_and_author_told(engine, student, moderator):
    await _submitted(student)
    queue = await moderator.say("/cho")
    assert "1 câu chuyện" in queue[0].text and STORY in queue[1].text
    assert [b.data for b in queue[1].buttons[0]] == ["approve:1:daily", "approve:1:weekly", "reject:1"]

    assert "Đã duyệt câu chuyện #1" in text_of(await moderator.say("/duyet 1"))
    assert "đã được duyệt" in student.inbox()[-1].text
    assert "chờ đăng làm tin tốt mỗi ngày" in text_of(await student.say("/bai"))

    again = text_of(await moderator.say("/duyet 1"))
    assert "đã được Thầy Minh duyệt" in again
    assert texts.QUEUE_EMPTY in text_of(await moderator.say("/cho"))
    with session_scope(engine) as session:
        assert session.exec(select(AuditEntry.action)).all() == ["role:editor", "approve"]


async def test_button_approval_as_weekly_edits_the_queue_message(engine, student, moderator):
    await _submitted(student)
    reply = await moderator.press("approve:1:weekly", message_ref="77")
    assert reply[0].edit_ref == "77" and "Thầy Minh" in reply[0].text
    with session_scope(engine) as session:
        assert session.get(Story, 1).slot == "weekly"


async def test_reject_with_reason_by_command_and_by_button(engine, core, channels, student, moderator):
    await _submitted(student)
    assert texts.USAGE.split(":")[0] in text_of(await moderator.say("/tuchoi 1"))
    await moderator.say("/tuchoi 1 chưa rõ nguồn tin")
    assert "Lý do: chưa rõ nguồn tin" in student.inbox()[-1].text

    await student.say(f"/gui {STORY} (lần 2)")
    asked = await moderator.press("reject:2")
    assert "lý do" in text_of(asked)
    await moderator.say("Có lời lẽ chưa phù hợp với Quy tắc ứng xử")
    with session_scope(engine) as session:
        story = session.get(Story, 2)
    assert story.status == "rejected" and story.reason.startswith("Có lời lẽ")


async def test_second_moderator_sees_who_decided(core, channels, student, moderator, admin):
    await _submitted(student)
    other = Person(core, channels["telegram"], "502", "Cô Thu")
    await other.join()
    await admin.say("/mod telegram:502")
    await moderator.say("/tuchoi 1 trùng nội dung đã đăng")
    reply = text_of(await other.press("approve:1:daily"))
    assert "Thầy Minh từ chối" in reply


async def test_students_are_refused_moderator_commands(student):
    await _submitted(student)
    for command in ("/duyet 1", "/cho", "/tuchoi 1 không", "/thongke", "/thongbao hello"):
        assert text_of(await student.say(command)) == texts.NOT_MODERATOR
    for command in ("/tin hello", "/dang ngay", "/bbt"):
        assert text_of(await student.say(command)) == texts.NOT_EDITOR
    assert text_of(await student.say("/mod telegram:101")) == texts.NOT_ADMIN


async def test_bad_arguments_get_usage(moderator):
    for command in ("/duyet", "/duyet abc", "/duyet 1 thang", "/duyet 1 2 3"):
        assert "Cách dùng: /duyet" in text_of(await moderator.say(command))
    assert text_of(await moderator.say("/duyet 999")) == texts.STORY_NOT_FOUND.format(id=999)


async def test_news_goes_straight_to_the_daily_queue(engine, moderator):
    reply = await moderator.say("/tin Tỉnh khánh thành cây cầu mới qua sông Bằng Giang.")
    assert "#1" in text_of(reply)
    with session_scope(engine) as session:
        story = session.get(Story, 1)
    assert (story.status, story.slot, story.member_id) == ("approved", "daily", None)


async def test_admin_grants_and_removes_the_role(engine, admin, student):
    await student.join()
    assert "Không tìm thấy" in text_of(await admin.say("/mod telegram:404"))
    await admin.say("/mod telegram:101")
    assert student.inbox()[-1].text == texts.YOU_ARE_NOW.format(role=texts.ROLE_EDITOR)
    assert "đã là biên tập viên toàn tỉnh" in text_of(await admin.say("/mod telegram:101"))
    await admin.say("/bomod telegram:101")
    with session_scope(engine) as session:
        assert session.exec(select(Member.role).where(Member.platform_id == "101")).one() == "student"
    assert "Cách dùng" in text_of(await admin.say("/mod"))


async def test_numbers_typed_or_sent_back_that_are_not_ours_get_an_answer(engine, student, moderator):
    """"²" is a digit to Python but not to int(); an id past the database's integers fails its
    query (SQLite beyond 2**63 - 1, PostgreSQL beyond 2**31 - 1)."""
    await _submitted(student)
    huge, beyond_postgres = "9" * 20, str(2**31)
    for command in ("/duyet ²", f"/duyet {huge}", f"/duyet {beyond_postgres}", "/duyet ٣", f"/tuchoi {huge} chưa rõ nguồn tin"):
        assert text_of(await moderator.say(command)).startswith("Cách dùng"), command
    for data in (f"approve:{huge}:daily", "approve:²:daily", f"reject:{beyond_postgres}", f"announce:{huge}:send",
                 f"showname:{beyond_postgres}:yes"):
        assert text_of(await moderator.press(data)) == texts.OPTION_EXPIRED, data
    for data in (f"react:{huge}:heart", "react:²:heart", f"report:{beyond_postgres}", "report:²"):  # a passing notice
        pressed = Incoming(channel="zalo", user_id="501", chat_id="501", kind="callback", callback_data=data, update_id=data)
        assert await moderator.core.handle(pressed) == texts.OPTION_EXPIRED, data
    for command in ("/baocao ²", f"/go {huge} nội dung sai sự thật"):
        assert text_of(await moderator.say(command)).startswith("Cách dùng"), command
    for enrolment in ("²", huge, beyond_postgres, "0"):
        assert texts.ENROLMENT_USAGE.format(code="CDCB", enrolment=1200) in text_of(await moderator.say(f"/siso CDCB {enrolment}")), enrolment
    await moderator.say("/cho")  # a message with buttons: a typed number picks one of them
    assert text_of(await moderator.say("²")) and text_of(await moderator.say(huge))
    assert "Đã duyệt câu chuyện #1" in text_of(await moderator.say("/duyet #1"))
async def test_news_is_screened_and_the_editor_warned_not_masked(engine, moderator):
    """An editor's own item is theirs to word (a school's hotline stays), but they see the flags."""
    reply = text_of(await moderator.say("/tin Bạn Lan lớp K45 (số 0912 345 678) nhặt được ví; tổng đài 1800 1567 hỗ trợ."))
    assert "#1" in reply and "⚠️ có số điện thoại: 09•• ••• •78" in reply and "/go 1" in reply
    with session_scope(engine) as session:
        story = session.get(Story, 1)
    assert "0912 345 678" in story.text and "phone" in story.flags
    assert "⚠️" not in text_of(await moderator.say("/tin Tỉnh khánh thành cây cầu mới qua sông Bằng Giang."))
