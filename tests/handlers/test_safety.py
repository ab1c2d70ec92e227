"""Safety in the conversation: screening shown to moderators, masking, /sua, limits, bans,
reports, takedowns, odd updates and forged buttons."""

from dataclasses import replace
from datetime import timedelta

from sqlmodel import select

from bot.core import Core
from bot.database import open_database
from content import texts
from handlers.wall import Site, story_page
from storage import pushes
from storage.db import session_scope
from storage.wall import published_stories
from storage.models import AuditEntry, Delivery, Event, Member, Reaction, Report, Story
from tests.conftest import Person, text_of
from tests.campaign import deliver_waiting, message_ref_of

SITE = Site(base_url="https://tintot.example")
PHONE_STORY = "Ai nhặt được ví của em thì gọi 0912 345 678 giúp em với, cảm ơn mọi người."


def _story(engine, story_id: int) -> Story:
    with session_scope(engine) as session:
        return session.get(Story, story_id)


async def test_flags_reach_the_moderator_and_the_published_text_is_masked(engine, student, moderator):
    await student.join()
    await student.say(f"/gui {PHONE_STORY} Xem fb.com/vi-cua-lan")
    notice = moderator.inbox()[-1].text
    assert "⚠️ có số điện thoại: 09•• ••• •78" in notice and "⚠️ có đường link: fb.com" in notice
    assert "⚠️ có số điện thoại" in text_of(await moderator.say("/cho"))
    await moderator.say("/duyet 1")
    story = _story(engine, 1)
    assert "09•• ••• •78" in story.text and "0912 345 678" in story.original_text


async def test_an_adult_author_may_be_published_unmasked_a_child_never(core, channels, engine, moderator):
    adult, child = Person(core, channels["telegram"], "101", "Lan"), Person(core, channels["telegram"], "102", "Páo")
    await adult.join()
    await child.join(adult=False)
    await adult.say(f"/gui {PHONE_STORY}")
    await child.say(f"/gui {PHONE_STORY} (lần nữa)")
    assert "trùng với #1" in moderator.inbox()[-1].text
    await moderator.say("/duyet 1 ngay khongche")
    assert text_of(await moderator.say("/duyet 2 khongche")) == texts.MASK_CHILD
    await moderator.say("/duyet 2")
    assert "0912 345 678" in _story(engine, 1).text and "0912" not in _story(engine, 2).text


async def test_a_moderator_corrects_a_pending_story(engine, student, moderator):
    await student.join()
    await student.say(f"/gui {PHONE_STORY}")
    edited = text_of(await moderator.say("/sua 1 Ai nhặt được ví của em thì báo ban biên tập giúp em với."))
    assert "Đã sửa câu chuyện #1" in edited and "có số điện thoại" not in edited and "đã được Thầy Minh sửa" in edited
    assert student.inbox()[-1].text == texts.AUTHOR_EDITED.format(id=1)
    story = _story(engine, 1)
    assert story.original_text == PHONE_STORY and "báo ban biên tập" in story.text
    with session_scope(engine) as session:
        assert session.exec(select(AuditEntry.action).where(AuditEntry.action == "edit")).one()
    assert texts.USAGE.split(":")[0] in text_of(await moderator.say("/sua 1"))


async def test_noise_is_not_a_story(engine, student):
    await student.join()
    await student.say("/gui")
    assert "chưa có chữ hay số" in text_of(await student.say("\u200f\u202e😀😀😀🎉🎉🎉🎉🎉🎉🎉\u200b\u200b!!!!!!!…"))
    assert "ít nhất 20 chữ cái" in text_of(await student.say("👍 hay quá 👍👍👍👍👍👍👍👍👍👍👍👍👍"))
    assert _story(engine, 1) is None


async def test_stories_per_day_and_messages_per_minute(core, channels, config, clock, engine):
    clock.set_local("2026-11-30 09:00")
    limited = Core(engine=engine, config=replace(config, stories_per_day=2, messages_per_minute=5), channels=channels)
    lan = Person(limited, channels["telegram"], "101", "Lan")
    await lan.join()  # 4 messages
    await lan.say("/gui Câu chuyện thứ nhất về lớp học tình nguyện mùa hè.")
    clock.set_local("2026-11-30 09:02")
    await lan.say("/gui Câu chuyện thứ hai về buổi trồng cây ở bản Nà Giàng.")
    assert "đủ giới hạn mỗi ngày" in text_of(await lan.say("/gui Câu chuyện thứ ba về hội thao của trường."))
    for _ in range(3):
        await lan.say("/bai")
    assert text_of(await lan.say("/bai")) == texts.SLOW_DOWN  # the 6th message within a minute
    assert await lan.say("/bai") == []
    clock.set_local("2026-11-30 09:04")
    assert "Câu chuyện của bạn" in text_of(await lan.say("/bai"))
    clock.set_local("2026-12-01 08:00")
    assert "#3" in text_of(await lan.say("/gui Câu chuyện thứ ba về hội thao của trường, hôm sau."))


async def test_a_ban_stops_stories_and_pushes_and_is_listed(engine, clock, student, moderator, admin):
    clock.set_local("2026-11-30 09:00")
    await student.join()
    assert "đã chặn" not in text_of(await moderator.say("/chan telegram:101"))  # a reason is needed
    assert "Đã chặn Lan" in text_of(await moderator.say("/chan telegram:101 gửi quảng cáo nhiều lần"))
    assert "quảng cáo" in text_of(await moderator.say("/chan")) and "telegram:101" in text_of(await moderator.say("/bbt"))
    assert "gửi quảng cáo" in text_of(await student.say("/gui"))  # told once, with the reason
    assert await student.say("/gui Một câu chuyện nữa dài hơn hai mươi chữ cái.") == []
    assert texts.CANNOT_BAN_MODERATOR.format(name="Thầy Minh") in text_of(await admin.say("/chan zalo:501 thử chặn"))
    await moderator.say("/tin Tin tốt hôm nay: cả trường đi hiến máu tình nguyện.")
    await moderator.say("/dang ngay")
    with session_scope(engine) as session:
        reached = set(session.exec(select(Delivery.member_id)).all())
        student_id = session.exec(select(Member.id).where(Member.platform_id == "101")).one()
    assert student_id not in reached
    assert text_of(await moderator.say("/bochan telegram:101")) == texts.UNBANNED.format(name="Lan")
    assert student.inbox()[-1].text == texts.YOU_ARE_UNBANNED
    assert "#2" in text_of(await student.say("/gui Một câu chuyện nữa dài hơn hai mươi chữ cái."))


async def test_three_reports_flag_a_story_and_a_takedown_retracts_it(core, channels, engine, clock, moderator):
    clock.set_local("2026-11-30 09:00")
    readers = [Person(core, channels["telegram"], str(200 + n), f"Bạn {n}") for n in range(3)]
    for reader in readers:
        await reader.join()
    await moderator.say("/tin Tin tốt hôm nay: cả trường đi hiến máu tình nguyện.")
    assert "chưa được đăng" in text_of(await readers[0].say("/baocao 1"))
    await moderator.say("/dang ngay")
    for reader in readers:
        await reader.say("/baocao 1")
    assert text_of(await readers[0].say("/baocao 1")) == texts.ALREADY_REPORTED.format(id=1)  # once per member
    notices = [m.text for m in moderator.inbox() if "bị thành viên báo cáo" in m.text]
    assert len(notices) == 3 and "(3 lượt)" in notices[-1] and "cần xem lại" in notices[-1]
    assert "reported\t3" in _story(engine, 1).flags
    assert text_of(await moderator.say("/go 1")) == texts.USAGE.format(usage=texts.TAKEDOWN_USAGE)  # a reason is needed
    with session_scope(engine) as session:
        assert story_page(session=session, site=SITE, story_id=1).status == 200
    reply = text_of(await moderator.say("/go 1 thông tin chưa được kiểm chứng"))
    assert "Đã gỡ câu chuyện #1" in reply
    assert _story(engine, 1).status == "retracted"
    with session_scope(engine) as session:  # gone from the wall too
        assert story_page(session=session, site=SITE, story_id=1).status == 410
        assert published_stories(session=session, limit=20) == []
    with session_scope(engine) as session:
        assert {d.status for d in session.exec(select(Delivery)).all()} == {"cancelled"}
        assert session.exec(select(Event).where(Event.kind == "taken_down")).one()


async def test_a_takedown_of_a_scheduled_story_empties_its_slot(student, moderator, clock):
    clock.set_local("2026-11-30 09:00")
    await student.join()
    await student.say(f"/gui {PHONE_STORY}")
    await moderator.say("/duyet 1")
    assert text_of(await moderator.say("/go 1 tác giả xin rút lại")) == texts.TAKEN_DOWN_SCHEDULED.format(id=1)
    assert "Lý do: tác giả xin rút lại" in student.inbox()[-1].text
    assert "đã gỡ xuống" in text_of(await student.say("/bai"))
    assert "Hàng chờ tin tốt đang trống" in text_of(await moderator.say("/dang ngay"))


async def test_forged_buttons_change_nothing(engine, student, moderator):
    await student.join("CDCB")
    await student.say(f"/gui {PHONE_STORY}")
    await student.press("approve:1:daily")
    await student.press("school:HOAAN")  # an old school button, pressed outside /truong
    await student.press("react:1:heart")
    await student.press("consent:no")
    assert _story(engine, 1).status == "pending"
    with session_scope(engine) as session:
        lan = session.exec(select(Member).where(Member.platform_id == "101")).one()
        assert lan.school_id == 1 and lan.consented_at is not None
        assert session.exec(select(Reaction)).all() == []
    await student.say("/truong")
    await student.press("school:HOAAN")
    with session_scope(engine) as session:
        assert session.exec(select(Member.school_id).where(Member.platform_id == "101")).one() != 1


async def test_groups_blocks_and_edits(core, engine, channels, student):
    await student.join()
    group = Person(core, channels["telegram"], "-100", "Nhóm lớp")  # a group's chat id is its own
    assert text_of(await group.send(kind="group")) == texts.GROUP_CHAT
    assert await group.send(kind="group") == []
    with session_scope(engine) as session:  # nobody in the group became a member
        assert session.exec(select(Member).where(Member.platform_id == "-100")).all() == []
    assert text_of(await student.send(kind="edited")) == texts.EDITED_MESSAGE
    assert await student.send(kind="blocked") == []
    with session_scope(engine) as session:
        lan = session.exec(select(Member).where(Member.platform_id == "101")).one()
        assert lan.blocked and not lan.daily and session.exec(select(Event).where(Event.kind == "blocked")).one()
    assert text_of(await student.send(kind="unblocked")) == texts.UNBLOCKED
    assert text_of(await student.say("/bat")) == texts.RESUMED


async def test_a_story_taken_down_is_never_the_weekly_story(clock, student, moderator):
    await student.join()
    clock.set_local("2026-11-30 08:00")  # a Monday
    await moderator.say("/tin Tin tốt thứ Hai: cả trường đi hiến máu tình nguyện.")
    await moderator.say("/dang ngay")
    await moderator.say("/go 1 thông tin chưa được kiểm chứng")
    clock.set_local("2026-12-06 19:00")  # Sunday
    assert "Chưa có câu chuyện của tuần" in text_of(await moderator.say("/dang tuan"))


async def test_a_school_moderator_bans_and_takes_down_only_in_their_school(core, channels, clock, school_moderator, moderator):
    clock.set_local("2026-11-30 09:00")
    own, other = Person(core, channels["telegram"], "101", "Lan"), Person(core, channels["telegram"], "102", "Páo")
    await own.join("CDCB")
    await other.join("HOAAN")
    await other.say(f"/gui {PHONE_STORY}")
    assert "Hòa An" in text_of(await school_moderator.say("/chan telegram:102 gửi quảng cáo nhiều lần"))
    assert "Hòa An" in text_of(await school_moderator.say("/go 1 thông tin chưa kiểm chứng"))
    assert "Đã chặn Lan" in text_of(await school_moderator.say("/chan telegram:101 gửi quảng cáo nhiều lần"))
    assert "Đã chặn Páo" in text_of(await moderator.say("/chan telegram:102 gửi quảng cáo nhiều lần"))  # an editor
    listed = text_of(await school_moderator.say("/chan"))
    assert "telegram:101" in listed and "telegram:102" not in listed


async def test_limits_hold_across_processes(engine, database_url, channels, config, clock):
    clock.set_local("2026-11-30 09:00")
    tight = replace(config, messages_per_minute=6, stories_per_day=1)
    other_process = open_database(database_url)  # its own engine and connections, as a second `tintot run`
    here = Person(Core(engine=engine, config=tight, channels=channels), channels["telegram"], "101", "Lan")
    there = Person(Core(engine=other_process, config=tight, channels=channels), channels["telegram"], "101", "Lan")
    await here.join()  # 4 messages
    assert "#1" in text_of(await there.say("/gui Câu chuyện thứ nhất về lớp học tình nguyện mùa hè."))
    assert "đủ giới hạn mỗi ngày" in text_of(await here.say("/gui Câu chuyện thứ hai về buổi trồng cây."))
    assert text_of(await there.say("/bai")) == texts.SLOW_DOWN  # the 7th message between the two
    assert await here.say("/bai") == []
    other_process.dispose()


async def test_an_announcement_is_not_a_story_to_report(engine, clock, school_moderator, student):
    clock.set_local("2026-11-30 10:00")
    await student.join("CDCB")
    preview = await school_moderator.say("/thongbao Thứ Hai chào cờ lúc 7 giờ.")
    await school_moderator.press(preview[-1].buttons[0][0].data)
    with session_scope(engine) as session:
        claimed = pushes.claim_window(session=session, channel="telegram", owner="test", lease=timedelta(minutes=1))
        pushes.record_results(session=session, results={"sent": claimed}, channel="telegram", refs={c.delivery_id: "7" for c in claimed})
    clock.now = None  # a reply within 24 hours of the announcement as delivered
    assert text_of(await student.say("3")) == texts.PLAIN_TEXT_HINT
    await student.press("report:1", message_ref="7")
    with session_scope(engine) as session:
        assert session.exec(select(Report)).all() == []


async def test_odd_numbers_in_commands_and_buttons_are_answered_not_crashes(student, moderator):
    """"²" passes `str.isdigit` but not `int`; 11 digits overflow PostgreSQL's integer column."""
    await student.join()
    await student.say("/xoa")  # a message with options: a typed number picks one
    odd = ("²", "99999999999")
    said = [await student.say(text) for text in ("²", "/baocao ²", "/baocao 99999999999", "/siso CDCB ²")]
    said += [await student.press(f"{prefix}:{n}{rest}") for n in odd
             for prefix, rest in (("showname", ":yes"), ("report", ""), ("react", ":heart"))]
    said += [await moderator.say(f"{command} {n} lý do đủ dài") for n in odd for command in ("/duyet", "/go", "/sua", "/tuchoi")]
    said += [await moderator.say(f"/siso CDCB {n}") for n in odd]
    said += [await moderator.press(f"{prefix}:{n}{rest}") for n in odd
             for prefix, rest in (("approve", ":daily"), ("reject", ""), ("announce", ":send"))]
    assert not [m for messages in said for m in messages if m.text == texts.INTERNAL_ERROR]


async def test_a_start_code_longer_than_any_school_code_is_ignored(core, channels):
    newcomer = Person(core, channels["telegram"], "333", "Lan")
    assert texts.INTERNAL_ERROR not in text_of(await newcomer.say("/start " + "A" * 600))
    assert "Chào bạn" in text_of(await newcomer.say("/start " + "A" * 600))


async def test_a_takedown_removes_the_story_photo_from_the_media_store(clock, media, student, moderator):
    lan, minh = student, moderator
    await lan.join()
    clock.set_local("2026-11-30 09:00")
    photo = media.save(b"\x89PNG\r\n\x1a\n" + b"a classmate's face")
    await lan.send(kind="photo", photo=photo, text="Ảnh lớp em trồng cây ở sân trường sáng nay.")
    await minh.say("/duyet 1")
    await minh.say("/dang ngay")
    assert media.path(photo) is not None
    await minh.say("/go 1 ảnh có mặt bạn chưa xin phép")
    assert media.path(photo) is None  # no address serves it either (tests/bot/web/test_media.py)


async def test_a_banned_member_neither_reacts_nor_reports_and_is_told_once_per_kind(core, channels, engine, clock, moderator):
    clock.set_local("2026-11-30 09:00")
    lan, tuan = Person(core, channels["telegram"], "301", "Lan"), Person(core, channels["zalo"], "302", "Tuấn")
    for reader in (lan, tuan):
        await reader.join()
    await moderator.say("/tin Tin tốt hôm nay: cả trường đi hiến máu tình nguyện.")
    await moderator.say("/dang ngay")
    deliver_waiting(engine)
    await moderator.say("/chan telegram:301 báo cáo bừa nhiều lần")
    await moderator.say("/chan zalo:302 báo cáo bừa nhiều lần")

    ref = message_ref_of(engine, lan.user_id, 1)
    told = [await lan.press("react:1:heart", message_ref=ref), await lan.press("report:1", message_ref=ref),
            await lan.say("/baocao 1")]
    clock.now = None  # Zalo replies within 24 h of the push as delivered (real time)
    told += [await tuan.say("1"), await tuan.say("3"), await tuan.say("/baocao 1")]

    notice = texts.YOU_ARE_BANNED.format(reason="báo cáo bừa nhiều lần")
    assert [text_of(answer) for answer in told] == [notice, notice, "", notice, notice, ""]
    with session_scope(engine) as session:
        assert session.exec(select(Reaction)).all() == [] and session.exec(select(Report)).all() == []
    assert not [m for m in moderator.inbox() if "bị thành viên báo cáo" in m.text]


async def test_a_banned_member_gets_no_role_until_unbanned(engine, student, moderator, admin):
    await student.join()
    await moderator.say("/chan telegram:101 gửi quảng cáo nhiều lần")
    refused = text_of(await admin.say("/mod telegram:101 CDCB"))
    assert "đang bị chặn" in refused and "gửi quảng cáo" in refused and "/bochan telegram:101" in refused
    with session_scope(engine) as session:
        lan = session.exec(select(Member).where(Member.platform_id == "101")).one()
    assert lan.role == "student" and lan.banned_at is not None
    await moderator.say("/bochan telegram:101")
    assert "Đã cấp quyền" in text_of(await admin.say("/mod telegram:101 CDCB"))


async def test_a_decision_on_a_story_taken_down_says_it_was_taken_down(clock, student, moderator):
    clock.set_local("2026-11-30 09:00")
    await student.join()
    await student.say("/gui Cả lớp em quyên góp sách cho các em nhỏ ở Bảo Lạc.")
    await moderator.say("/duyet 1")
    await moderator.say("/dang ngay")
    await moderator.say("/go 1 thông tin chưa được kiểm chứng")
    for command in ("/duyet 1", "/tuchoi 1 không phù hợp"):
        answer = text_of(await moderator.say(command))
        assert "Thầy Minh gỡ xuống" in answer and "đăng" not in answer


async def test_a_second_report_of_the_same_story_is_answered_not_a_crash(core, channels, engine, clock, moderator):
    clock.set_local("2026-11-30 09:00")
    lan = Person(core, channels["telegram"], "301", "Lan")
    await lan.join()
    await moderator.say("/tin Tin tốt hôm nay: cả trường đi hiến máu tình nguyện.")
    await moderator.say("/dang ngay")
    deliver_waiting(engine)
    await lan.press("report:1", message_ref=message_ref_of(engine, lan.user_id, 1))
    assert text_of(await lan.say("/baocao 1")) == texts.ALREADY_REPORTED.format(id=1)
    with session_scope(engine) as session:
        assert len(session.exec(select(Report)).all()) == 1


async def test_a_banned_member_is_told_on_submitting_after_a_reaction_and_not_offered_gui(engine, clock, student, moderator):
    clock.set_local("2026-11-30 09:00")
    await student.join()
    await moderator.say("/tin Tin tốt hôm nay: cả trường đi hiến máu tình nguyện.")
    await moderator.say("/dang ngay")
    deliver_waiting(engine)
    await moderator.say("/chan telegram:101 gửi quảng cáo nhiều lần")
    await student.press("react:1:heart", message_ref=message_ref_of(engine, student.user_id, 1))

    notice = texts.YOU_ARE_BANNED.format(reason="gửi quảng cáo nhiều lần")
    assert text_of(await student.say("/gui")) == notice
    assert await student.say("/gui") == []
    help_text = text_of(await student.say("/huongdan"))
    assert "gửi quảng cáo nhiều lần" in help_text and "/bai" in help_text
    assert "/gui" not in help_text and "/baocao" not in help_text


async def test_a_moderator_bans_and_unbans_an_author_by_the_story_number(core, channels, clock, school_moderator, moderator):
    clock.set_local("2026-11-30 09:00")
    own, other = Person(core, channels["telegram"], "101", "Lan"), Person(core, channels["telegram"], "102", "Páo")
    await own.join("CDCB")
    await other.join("HOAAN")
    await own.say(f"/gui {PHONE_STORY}")
    await other.say("/gui Lớp mình quyên góp sách vở cho các em ở xã Cần Yên.")
    author = texts.STORY_AUTHOR.format(name="Lan", id=1)
    assert author in school_moderator.inbox()[-1].text and "101" not in school_moderator.inbox()[-1].text
    assert author in text_of(await school_moderator.say("/cho"))

    assert "Hòa An" in text_of(await school_moderator.say("/chan #2 gửi nội dung thô tục"))  # in scope as today
    assert "Đã chặn Lan" in text_of(await school_moderator.say("/chan #1 gửi nội dung thô tục"))
    assert text_of(await school_moderator.say("/bochan #1")) == texts.UNBANNED.format(name="Lan")
    assert text_of(await moderator.say("/chan #9 gửi nội dung thô tục")) == texts.STORY_NOT_FOUND.format(id=9)

    await moderator.say("/duyet 1")
    await moderator.say("/dang ngay")  # a published story outlives its author's erasure
    await own.say("/xoa")
    await own.press("erase:yes")
    assert text_of(await moderator.say("/chan #1 gửi nội dung thô tục")) == texts.AUTHOR_GONE.format(id=1)
    assert text_of(await moderator.say("/bochan #1")) == texts.AUTHOR_GONE.format(id=1)


async def test_a_reason_too_short_is_answered_with_the_minimum(clock, student, moderator):
    clock.set_local("2026-11-30 09:00")
    await student.join()
    await student.say(f"/gui {PHONE_STORY}")
    await student.say("/gui Lớp mình quyên góp sách vở cho các em ở xã Cần Yên.")
    short = texts.REASON_TOO_SHORT.format(min=5)
    assert text_of(await moderator.say("/tuchoi 1 ngắn")) == short
    assert text_of(await moderator.say("/chan #1 sai")) == short
    await moderator.press("reject:1")
    assert text_of(await moderator.say("ngắn")) == short
    assert "Đã từ chối câu chuyện #1" in text_of(await moderator.say("chưa rõ nguồn tin"))
    await moderator.say("/duyet 2")
    await moderator.say("/dang ngay")
    assert text_of(await moderator.say("/go 2 sai")) == short


async def test_a_takedown_names_only_what_applies_to_where_the_story_went(engine, clock, student, moderator):
    clock.set_local("2026-11-30 09:00")
    await student.join()  # on Telegram; the moderator is on Zalo
    await moderator.say("/tin Tin tốt thứ Hai: cả trường đi hiến máu tình nguyện.")
    await moderator.say("/dang ngay")
    nowhere = text_of(await moderator.say("/go 1 thông tin chưa được kiểm chứng"))  # nothing sent yet
    assert nowhere == texts.TAKEN_DOWN_PUBLISHED.format(id=1, deleting="", kept="")

    clock.set_local("2026-12-01 09:00")
    await moderator.say("/tin Tin tốt thứ Ba: lớp điện sửa quạt cho bà con.")
    await moderator.say("/dang ngay")
    deliver_waiting(engine)
    reached = text_of(await moderator.say("/go 2 thông tin chưa được kiểm chứng"))
    assert "Đang xóa 1 tin đã gửi trên Telegram" in reached and "1 tin trên Zalo" in reached
    assert "48 giờ" not in reached and "không rõ" not in reached


async def test_a_report_may_give_a_reason_and_moderators_read_it_with_the_count(core, channels, clock, moderator):
    clock.set_local("2026-11-30 09:00")
    lan, tuan = Person(core, channels["telegram"], "201", "Lan"), Person(core, channels["telegram"], "202", "Tuấn")
    for reader in (lan, tuan):
        await reader.join()
    await moderator.say("/tin Tin tốt hôm nay: cả trường đi hiến máu tình nguyện.")
    await moderator.say("/dang ngay")
    assert text_of(await lan.say("/baocao 1 ảnh có <b>mặt</b> bạn mình")) == texts.REPORTED.format(id=1)
    await tuan.say("/baocao #1")
    first, second = [m.text for m in moderator.inbox() if "bị thành viên báo cáo" in m.text]
    assert "(1 lượt)" in first and "Lý do người báo cáo đưa ra: ảnh có &lt;b&gt;mặt&lt;/b&gt; bạn mình" in first
    assert "(2 lượt)" in second and "Lý do" not in second
