from sqlmodel import select

from content import texts
from storage.db import session_scope
from storage.models import Announcement, Member, Story
from tests.conftest import Person, text_of

STORY = "Hôm nay lớp mình đi trồng cây ở bản Phja Đén, ai cũng vui."


def _stories(engine) -> list[Story]:
    with session_scope(engine) as session:
        return list(session.exec(select(Story).order_by(Story.id)).all())


async def test_text_story_gets_a_number_and_shows_as_waiting(engine, student):
    await student.join()
    await student.say("/gui")
    received = await student.say(STORY)
    assert "#1" in received[0].text
    assert "đang chờ duyệt" in text_of(await student.say("/bai"))
    [story] = _stories(engine)
    assert story.text == STORY and story.status == "pending" and story.show_name is False


async def test_story_in_the_command_itself(engine, student):
    await student.join()
    await student.say(f"/gui {STORY}")
    assert _stories(engine)[0].text == STORY


async def test_story_before_joining_is_refused_politely(engine, student):
    assert text_of(await student.say("/gui")) == texts.NOT_JOINED
    assert _stories(engine) == []


async def test_too_long_and_too_short_stories_keep_the_member_waiting(engine, student):
    await student.join()
    await student.say("/gui")
    too_long = text_of(await student.say("a" * 10_000))
    assert "10.000 ký tự" in too_long and "4.000" in too_long
    assert "ít nhất" in text_of(await student.say("ngắn"))
    await student.say(STORY)
    assert len(_stories(engine)) == 1


async def test_sticker_instead_of_story_is_explained(engine, student):
    await student.join()
    await student.say("/gui")
    assert text_of(await student.send(kind="sticker")) == texts.STORY_WRONG_KIND
    assert text_of(await student.send(kind="file")) == texts.STORY_WRONG_KIND
    await student.say(STORY)
    assert len(_stories(engine)) == 1


async def test_photo_with_caption_and_photo_then_caption(engine, student):
    await student.join()
    await student.say("/gui")
    await student.send(kind="photo", photo="telegram:AAA", text=STORY)
    await student.say("/gui")
    asked = await student.send(kind="photo", photo="media:b.jpg")
    assert "vài dòng" in text_of(asked)
    await student.say("Các bạn tình nguyện viên sửa đường cho bản.")
    first, second = _stories(engine)
    assert (first.photo, first.text) == ("telegram:AAA", STORY)
    assert second.photo == "media:b.jpg" and second.text.startswith("Các bạn")


async def test_adult_may_show_name_child_never_asked(engine, student, core, channels):
    from tests.conftest import Person

    await student.join(adult=True)
    await student.say("/gui")
    received = await student.say(STORY)
    assert received[-1].buttons[0][1].data == "showname:1:yes"
    await student.press("showname:1:yes")
    assert _stories(engine)[0].author_name == "Lan"

    child = Person(core, channels["telegram"], "102", "Bé Na")
    await child.join(adult=False)
    await child.say("/gui")
    received = await child.say(STORY)
    assert all(not m.buttons for m in received)
    assert text_of(await child.press("showname:2:yes")) == texts.OPTION_EXPIRED
    assert _stories(engine)[1].author_name is None


async def test_moderators_hear_of_new_stories(student, moderator):
    await student.join()
    await student.say(f"/gui {STORY}")
    assert "Có câu chuyện mới" in text_of(moderator.inbox())


async def test_a_photo_sent_without_gui_is_taken_as_a_story(engine, student):
    await student.join()
    received = await student.send(kind="photo", photo="media:c.jpg", text=STORY)
    assert "#1" in received[0].text
    assert _stories(engine)[0].photo == "media:c.jpg"


async def test_characters_xml_forbids_never_reach_a_story_news_or_announcement(engine, clock, student, moderator):
    """A text pasted from Word brings \x0b (its line break) and the like: stored, it would break
    the Atom feed for everyone."""
    clock.set_local("2026-11-30 10:00")
    await student.join()
    pasted = "Hôm nay lớp mình\x0bđi trồng cây\x00 ở bản\x1f Phja Đén,\x08 ai cũng vui.\ud800"
    await student.say(f"/gui {pasted}")
    await moderator.say(f"/tin {pasted}")
    await moderator.say(f"/thongbao CDCB {pasted}")
    clean = "Hôm nay lớp mìnhđi trồng cây ở bản Phja Đén, ai cũng vui."
    with session_scope(engine) as session:
        assert [story.text for story in session.exec(select(Story).order_by(Story.id))] == [clean, clean]
        assert [a.text for a in session.exec(select(Announcement))] == [clean]
    lines = await student.send(text="/gui Dòng một\tcột\r\nDòng hai của một câu chuyện dài.")
    assert "#3" in text_of(lines) and _stories(engine)[-1].text == "Dòng một\tcột\r\nDòng hai của một câu chuyện dài."


async def test_the_author_is_told_which_personal_data_will_be_hidden(student):
    await student.join()
    told = text_of(await student.say(
        "/gui Em nhặt được ví của bạn Tuấn, có CCCD 001204012345 trong ví, ai biết gọi 0912 345 678 giúp em."
    ))
    assert "#1" in told and "sẽ được che khi đăng" in told
    assert "số căn cước (CCCD) 00••••••••45" in told and "số điện thoại 09•• ••• •78" in told
    assert "001204012345" not in told and "0912 345 678" not in told

    plain = text_of(await student.say("/gui Hôm nay lớp mình đi trồng cây ở bản Phja Đén, ai cũng vui."))
    assert "#2" in plain and "che khi đăng" not in plain


LONG_STORY = "Sáng nay lớp Điện dân dụng đi sửa đèn đường cho bản Nà Giàng, bà con mời cả lớp ở lại ăn trưa."


async def test_a_story_typed_without_gui_is_offered_and_sent_only_on_a_tap_even_after_a_restart(
    engine, channels, config, student
):
    from bot.core import Core

    await student.join()
    for noise in ("ok", "hi", "???"):
        assert text_of(await student.say(noise)) == texts.PLAIN_TEXT_HINT
    [offer] = await student.say(LONG_STORY)
    assert "gửi tin nhắn này làm câu chuyện" in offer.text and "Nà Giàng" in offer.text
    assert [b.data for b in offer.buttons[0]] == ["draft:send", "draft:drop"]
    assert _stories(engine) == []

    restarted = Person(Core(engine=engine, config=config, channels=channels), channels["telegram"], "101", "Lan")
    assert "#1" in text_of(await restarted.press("draft:send"))
    [story] = _stories(engine)
    assert story.text == LONG_STORY and story.status == "pending"
    assert text_of(await restarted.press("draft:send")) == texts.OPTION_EXPIRED  # sent once


async def test_a_declined_offer_keeps_nothing_and_a_typed_number_answers_on_zalo(engine, core, channels, student):
    await student.join()
    await student.say(LONG_STORY)
    assert text_of(await student.say("2")) == texts.OFFER_DROPPED
    assert _stories(engine) == [] and _draft(engine, "101") is None

    zalo = Person(core, channels["zalo"], "501", "Tuấn")
    await zalo.join()
    await zalo.say(LONG_STORY + " 0912 345 678")
    told = text_of(await zalo.say("1"))
    assert "#1" in told and "số điện thoại" in told  # screened as /gui screens


async def test_an_offered_story_meets_the_daily_limit_and_bans_as_gui_does(engine, moderator, student):
    await student.join()
    for n in range(3):
        await student.say(f"/gui {STORY} Lần {n}.")
    assert "đủ giới hạn" in text_of(await student.say(LONG_STORY)) and _draft(engine, "101") is None

    await moderator.say("/chan telegram:101 gửi quảng cáo nhiều lần")
    assert "gửi quảng cáo" in text_of(await student.say(LONG_STORY))
    assert len(_stories(engine)) == 3 and _draft(engine, "101") is None


def _draft(engine, platform_id: str) -> str | None:
    with session_scope(engine) as session:
        return session.exec(select(Member.draft).where(Member.platform_id == platform_id)).one()


async def test_the_name_choice_survives_other_messages_and_changes_any_time(clock, student, moderator):
    clock.set_local("2026-11-30 09:00")
    await student.join(adult=True)
    asked = text_of(await student.say(f"/gui {STORY}"))
    assert "/ten 1" in asked  # the question says how to answer it later
    await student.say("/huongdan")  # the question's numbers no longer pick its options
    mine = text_of(await student.say("/bai"))
    assert "đang chờ duyệt · chỉ tên trường" in mine and "/ten" in mine
    [question] = await student.say("/ten 1")
    assert [b.data for b in question.buttons[0]] == ["showname:1:no", "showname:1:yes"]
    assert text_of(await student.say("2")) == texts.SHOW_NAME_SET.format(id=1)
    assert "kèm tên bạn" in text_of(await student.say("/bai"))

    await moderator.say("/duyet 1")
    await moderator.say("/dang ngay")
    assert text_of(await student.press("showname:1:no")) == texts.SHOW_NAME_UNSET.format(id=1)  # taken off
    assert text_of(await student.press("showname:1:yes")) == texts.SHOW_NAME_TOO_LATE.format(id=1)
    assert text_of(await student.say("/ten 9")) == texts.USAGE.format(usage=texts.NAME_USAGE)  # not theirs


async def test_a_child_is_never_offered_the_name_choice(core, channels):
    child = Person(core, channels["telegram"], "102", "Bé Na")
    await child.join(adult=False)
    await child.say(f"/gui {STORY}")
    assert "/ten" not in text_of(await child.say("/huongdan")) and "tên trường" not in text_of(await child.say("/bai"))
    assert text_of(await child.say("/ten 1")) == texts.SHOW_NAME_CHILD


async def test_erasing_drops_a_story_still_offered(engine, student):
    await student.join()
    await student.say(LONG_STORY)
    await student.say("/xoa")
    await student.press("erase:yes")
    with session_scope(engine) as session:
        assert session.exec(select(Member.draft)).all() == [None]
