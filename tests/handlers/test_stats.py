import dataclasses

import pytest
from matplotlib import image
from sqlmodel import select

from bot.media import MediaStore
from content import chart, texts
from handlers.context import CoreConfig
from handlers.io import Incoming
from handlers.routes import handle_update
from storage import repo
from storage.db import session_scope
from storage.models import AuditEntry
from tests.conftest import Person, text_of


@pytest.fixture
def media(tmp_path):
    return MediaStore(tmp_path / "media")


@pytest.fixture
def config(config, media):
    return dataclasses.replace(config, save_photo=media.save)


async def test_enrolment_is_set_by_moderators_and_audited(engine, moderator):
    reply = text_of(await moderator.say("/siso cdcb 1200"))
    assert reply == "Đã đặt sĩ số <b>Trường Cao đẳng Cao Bằng</b>: chưa có sĩ số → 1.200 học sinh."
    assert "1.200 → 950" in text_of(await moderator.say("/siso CDCB 950"))
    with session_scope(engine) as session:
        assert repo.school_by_code(session=session, code="CDCB").enrolment == 950
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "enrolment")).all()
    assert [(e.target, e.detail) for e in entries] == [("school:CDCB", "None -> 1200"), ("school:CDCB", "1200 -> 950")]


async def test_enrolment_needs_a_known_school_and_a_positive_number(engine, student, moderator):
    for command in ("/siso", "/siso CDCB", "/siso CDCB nhiều", "/siso CDCB 0", "/siso CDCB 12 13"):
        assert text_of(await moderator.say(command)) == texts.USAGE.format(usage="/siso MÃ_TRƯỜNG SĨ_SỐ, ví dụ /siso CDCB 1200")
    assert "Không có trường mã “&lt;X&gt;”" in text_of(await moderator.say("/siso <X> 10"))
    await student.join()
    assert text_of(await student.say("/siso CDCB 10")) == texts.NOT_MODERATOR
    with session_scope(engine) as session:
        assert repo.school_by_code(session=session, code="CDCB").enrolment is None


async def test_thongke_week_sends_the_table_then_the_chart(core, channels, student, moderator, media):
    await student.join()
    await Person(core, channels["zalo"], "502", "Tú").join(school="HOAAN")
    await student.say("/gui Bạn Lan lớp May dạy các em nhỏ trong bản đọc chữ mỗi tối.")
    await moderator.say("/siso CDCB 4")

    table, picture = await moderator.say("/thongke tuan")
    assert "Trường Cao đẳng Cao Bằng: 2 · 2 · 2 (50%) · 1/0/0" in table.text
    assert "Trung tâm GDNN-GDTX Hòa An: 1 · 1 · 1 (chưa có sĩ số) · 0/0/0" in table.text
    assert picture.text.startswith("Tỷ lệ học sinh tương tác trong 7 ngày")
    stored = media.path(picture.photo)  # what the channels will send, or serve to Zalo
    assert stored.suffix == ".png" and image.imread(stored).shape[:2] == chart.size_for(10)[::-1]


async def test_thongke_month_and_all_time_and_a_wrong_word(clock, moderator):
    clock.set_local("2026-11-28 17:00")
    assert "<b>Thống kê theo trường, 01/11–30/11/2026</b>" in (await moderator.say("/thongke thang"))[0].text
    assert "<b>Thống kê theo trường, từ đầu đến 28/11/2026</b>" in (await moderator.say("/stats"))[0].text
    assert text_of(await moderator.say("/thongke nam")) == texts.USAGE.format(usage=texts.STATS_USAGE)


async def test_without_a_media_store_the_table_comes_alone(engine, moderator):
    incoming = Incoming(channel="zalo", user_id="501", chat_id="501", text="/thongke")
    with session_scope(engine) as session:
        handled = handle_update(session=session, incoming=incoming, config=CoreConfig())
    assert handled.outbox == [] and len(handled.later) == 1  # made after the commit
    replies = handled.later[0](engine)
    assert len(replies) == 1 and replies[0].text.startswith("<b>Thống kê theo trường")


async def test_a_school_moderator_is_shown_their_own_school_in_usage_and_help(core, channels, admin, moderator):
    hoa_an = Person(core, channels["telegram"], "701", "Cô Lan")
    await hoa_an.join("HOAAN")
    await admin.say("/mod telegram:701 HOAAN")
    assert "ví dụ /siso HOAAN 1200" in text_of(await hoa_an.say("/siso"))
    await hoa_an.say("/siso HOAAN 640")
    assert "ví dụ /siso HOAAN 640" in text_of(await hoa_an.say("/siso HOAAN"))
    help_text = text_of(await hoa_an.say("/huongdan"))
    assert "Dành cho người kiểm duyệt của Trung tâm GDNN-GDTX Hòa An" in help_text and "ban biên tập</b>" not in help_text
    assert texts.HELP_MODERATOR_TITLE in text_of(await moderator.say("/huongdan"))
