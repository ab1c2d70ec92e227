from sqlmodel import select

from content import texts
from storage.db import session_scope
from storage.models import Event, Member
from tests.conftest import Person, text_of


def _member(engine, platform_id: str) -> Member | None:
    with session_scope(engine) as session:
        return session.exec(select(Member).where(Member.platform_id == platform_id)).first()


async def test_join_with_buttons_records_consent_age_school_and_subscribes(engine, student):
    greeting = await student.say("/start")
    consent_question = greeting[-1]
    assert [b.data for row in consent_question.buttons for b in row] == ["consent:yes", "consent:no"]
    assert "Bạn có đồng ý" in consent_question.text
    assert _member(engine, "101").display_name is None  # nothing but the chat id before consent

    await student.press("consent:yes")
    await student.press("age:child")
    joined = await student.press("school:HOAAN")

    assert "Trung tâm GDNN-GDTX Hòa An" in text_of(joined)
    member = _member(engine, "101")
    assert member.display_name == "Lan"
    assert member.consent_version == texts.CONSENT_VERSION and member.consented_at is not None
    assert member.adult is False and member.daily and member.weekly
    with session_scope(engine) as session:
        kinds = session.exec(select(Event.kind).where(Event.member_id == member.id).order_by(Event.id)).all()
    assert kinds == ["joined", "consented", "subscribed", "replied"]


async def test_typed_numbers_answer_the_options(student):
    await student.say("/start")
    await student.say("1")
    await student.say("2")
    done = await student.say("1")
    assert "Trường Cao đẳng Cao Bằng" in text_of(done)


async def test_declining_consent_keeps_no_name_and_joins_nothing(engine, student):
    await student.say("/start")
    reply = await student.press("consent:no")
    assert texts.CONSENT_DECLINED in text_of(reply)
    member = _member(engine, "101")
    assert member.display_name is None and member.consented_at is None and member.school_id is None
    assert texts.NOT_JOINED in text_of(await student.say("/gui"))


async def test_deep_link_code_preselects_the_school(student):
    await student.say("/start thachan")
    await student.press("consent:yes")
    joined = await student.press("age:adult")
    assert "Trung tâm GDNN-GDTX Thạch An" in text_of(joined)


async def test_unknown_deep_link_code_asks_for_the_school(student):
    await student.say("/start NOPE")
    await student.press("consent:yes")
    reply = await student.press("age:adult")
    assert "NOPE" in text_of(reply) and reply[-1].text == texts.ASK_SCHOOL


async def test_free_text_while_choosing_points_back_to_the_options(student):
    await student.say("/start")
    reply = await student.say("có")
    assert text_of(reply) == texts.CHOOSE_FROM_LIST


async def test_stale_or_forged_buttons_are_answered_not_crashed(student):
    await student.join()
    assert text_of(await student.press("consent:yes")) == texts.OPTION_EXPIRED
    assert text_of(await student.press("approve:1")) == texts.NOT_MODERATOR
    assert text_of(await student.press("nonsense:1:2:3")) == texts.OPTION_EXPIRED
    assert text_of(await student.press("showname:1:2:3")) == texts.OPTION_EXPIRED


async def test_start_again_welcomes_back(student):
    await student.join()
    assert "Chào mừng bạn trở lại" in text_of(await student.say("/start"))


async def test_change_school(engine, student):
    await student.join(school="CDCB")
    await student.say("/truong")
    reply = await student.press("school:BAOLAM")
    assert "Bảo Lâm" in text_of(reply)
    assert _member(engine, "101").daily


async def test_help_lists_only_what_the_member_may_use(student, moderator):
    newcomer_help = text_of(await student.say("/huongdan"))
    assert "/start" in newcomer_help and "/gui" not in newcomer_help and "/duyet" not in newcomer_help
    await student.join()
    member_help = text_of(await student.say("/help"))
    assert "/gui" in member_help and "/duyet" not in member_help
    moderator_help = text_of(await moderator.say("/huongdan"))
    assert "/duyet" in moderator_help and "/mod " not in moderator_help


async def test_unknown_command_and_unsupported_messages(student: Person):
    assert text_of(await student.say("/xyz")) == texts.UNKNOWN_COMMAND.format(command="xyz")
    assert text_of(await student.send(kind="sticker")) == texts.UNSUPPORTED_MESSAGE
    assert text_of(await student.say("xin chào")) == texts.NOT_JOINED


async def test_bare_command_words_work_without_slash(student):
    await student.join()
    assert texts.MY_STORIES_NONE in text_of(await student.say("bai"))
    assert "Hãy kể câu chuyện" in text_of(await student.say("GUI"))


async def test_activity_is_one_replied_event_per_member_and_day(engine, student, clock):
    clock.set_local("2026-11-30 08:00")
    await student.join()
    await student.say("/bai")
    await student.say("/huongdan")
    clock.set_local("2026-12-01 08:00")
    await student.say("/bai")
    with session_scope(engine) as session:
        replied = session.exec(select(Event.at).where(Event.kind == "replied")).all()
    assert len(replied) == 2
