"""Roles and their scopes: granting, removing, /bbt, erasing, and what a school moderator may touch."""

import pytest
from sqlmodel import select

from content import texts
from handlers import routes
from storage import roles
from storage.db import session_scope
from storage.models import AuditEntry, Member
from tests.bot.test_console import _console
from tests.conftest import ADMIN, text_of

HOAAN = "Trung tâm GDNN-GDTX Hòa An"


def _audit(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(e.action, e.detail) for e in session.exec(select(AuditEntry).where(AuditEntry.action.startswith("role:")))]


async def test_grants_moves_and_removals_are_audited(engine, admin, student):
    await student.join()
    await admin.say("/mod telegram:101 CDCB")
    assert texts.YOU_ARE_NOW.format(role="người kiểm duyệt của Trường Cao đẳng Cao Bằng") == student.inbox()[-1].text
    assert "đã là người kiểm duyệt" in text_of(await admin.say("/mod telegram:101 CDCB"))
    await admin.say("/mod telegram:101 HOAAN")
    await admin.say("/mod telegram:101")
    assert "Đã bỏ quyền biên tập viên toàn tỉnh" in text_of(await admin.say("/bomod telegram:101"))
    assert "không có quyền" in text_of(await admin.say("/bomod telegram:101"))
    assert _audit(engine) == [
        ("role:school_moderator", "student -> school_moderator:CDCB"),
        ("role:school_moderator", "school_moderator:CDCB -> school_moderator:HOAAN"),
        ("role:editor", "school_moderator:HOAAN -> editor"),
        ("role:student", "editor -> student"),
    ]


def test_a_role_given_at_the_console_is_audited_like_one_given_with_mod(engine, database_url):
    """`tintot console --moderator [MÃ_TRƯỜNG]` writes the row /mod writes; no admin gave it, so
    the row has no actor and says where the role came from."""
    for school in (["CDCB"], ["CDCB"], []):  # the second time changes nothing: nothing audited
        _console(database_url, ["/huongdan"], "--as", "Minh", "--moderator", *school)
    with session_scope(engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action.startswith("role:"))).all()
        minh = session.exec(select(Member).where(Member.platform_id == "Minh")).one()
        assert [(e.actor_id, e.action, e.target, e.detail) for e in rows] == [
            (None, "role:school_moderator", f"member:{minh.id}", "student -> school_moderator:CDCB (tintot console)"),
            (None, "role:editor", f"member:{minh.id}", "school_moderator:CDCB -> editor (tintot console)"),
        ]


async def test_bad_grants_are_answered_in_vietnamese(admin, student):
    await student.join()
    for command in ("/mod telegram:101 XYZ", "/mod telegram:123 XYZ"):
        unknown = text_of(await admin.say(command))
        assert "“XYZ”" in unknown and "CDCB" in unknown and "HOAAN" in unknown
    for command in ("/mod", "/mod telegram:101 CDCB thêm", "/mod 101"):
        assert texts.MOD_USAGE in text_of(await admin.say(command))
    assert texts.BOMOD_USAGE in text_of(await admin.say("/bomod"))
    assert "quản trị viên" in text_of(await admin.say(f"/mod telegram:{ADMIN[1]} CDCB"))


async def test_team_lists_each_school_for_admins_and_editors(admin, moderator, school_moderator):
    team = text_of(await admin.say("/bbt"))
    assert "Biên tập viên toàn tỉnh: Thầy Minh (zalo:501)" in team
    assert "Trường Cao đẳng Cao Bằng (CDCB): Thầy Nam (telegram:601)" in team
    assert f"{HOAAN} (HOAAN): chưa có ai" in team
    assert text_of(await moderator.say("/team")) == team
    assert text_of(await school_moderator.say("/bbt")) == texts.NOT_EDITOR


async def test_erasing_ones_data_gives_up_the_role(engine, school_moderator):
    await school_moderator.say("/xoa")
    await school_moderator.press("erase:yes")
    with session_scope(engine) as session:
        member = session.exec(select(Member).where(Member.id == 1)).one()
        assert (member.role, member.role_school_id) == ("student", None)
    assert _audit(engine)[-1] == ("role:student", "school_moderator:CDCB -> student (erased)")


async def test_a_school_moderator_keeps_to_their_school(school_moderator, student):
    await student.join("HOAAN")
    await student.say("/gui Câu chuyện đẹp của các bạn ở Hòa An hôm nay.")
    refused = text_of(await school_moderator.say("/tuchoi 1 chưa rõ nguồn tin"))
    assert HOAAN in refused and "câu chuyện #1" in refused
    assert HOAAN in text_of(await school_moderator.press("approve:1:daily"))
    assert HOAAN in text_of(await school_moderator.say("/siso HOAAN 300"))
    assert "Đã đặt sĩ số" in text_of(await school_moderator.say("/siso CDCB 1200"))
    stats = text_of(await school_moderator.say("/thongke"))
    assert "Trường Cao đẳng Cao Bằng:" in stats and HOAAN not in stats and "<b>Tổng</b>" in stats
    assert "trường có kênh hoạt động" in stats
    for command in ("/dang ngay", "/tin Một tin tốt đủ dài cho hàng chờ.", "/lich", "/mod telegram:101"):
        assert text_of(await school_moderator.say(command)) in (texts.NOT_EDITOR, texts.NOT_ADMIN)


async def test_scope_from_a_member_alone(engine, school_moderator, moderator):
    admins = frozenset({ADMIN})
    with session_scope(engine) as session:
        nam = session.exec(select(Member).where(Member.platform_id == "601")).one()
        minh = session.exec(select(Member).where(Member.platform_id == "501")).one()
        assert roles.school_scope(nam, admins) == nam.role_school_id is not None
        moderator = roles.Access.MODERATOR
        assert roles.may(nam, admins, moderator, nam.role_school_id) and not roles.may(nam, admins, moderator, None)
        assert roles.may(nam, admins, moderator) and not roles.may(nam, admins, roles.Access.EDITOR)
        assert roles.school_scope(minh, admins) is None and roles.may(minh, admins, moderator, 7)


async def test_an_unknown_access_level_is_refused_never_allowed(engine, moderator, admin):
    """A typo in the routing table stops the import; a level that slips past is refused."""
    with pytest.raises(ValueError, match="moderatr"):
        routes.Command(("thu",), routes.show_help, "moderatr", "thử")
    with pytest.raises(ValueError, match="everyone"):
        routes.Press("everyone", routes.show_help)
    with session_scope(engine) as session:
        for member in session.exec(select(Member)):
            assert not roles.may(member, frozenset({ADMIN}), "moderatr")  # type: ignore[arg-type]


async def test_school_announcements_can_be_muted_alone(engine, student):
    await student.join()
    assert text_of(await student.say("/tat truong")) == texts.SCHOOL_NEWS_OFF
    assert text_of(await student.say("/tat truong")) == texts.SCHOOL_NEWS_ALREADY_OFF
    assert texts.PAUSE_USAGE in text_of(await student.say("/tat gì"))
    with session_scope(engine) as session:
        member = session.exec(select(Member)).one()
        assert (member.daily, member.weekly, member.school_news) == (True, True, False)
    assert text_of(await student.say("/bat truong")) == texts.SCHOOL_NEWS_ON
