"""The dashboard over real HTTP: one-time login links from /web, sessions, downloads, logout."""

import dataclasses
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import select

from bot.core import Core
from bot.web import WebSite, build_app
from content import texts
from handlers.weblogin import make_token
from storage.db import session_scope
from storage.models import DailyCount, Delivery, Event, utcnow
from storage.periods import EARLIEST, Period, report_period
from tests.bot.web.conftest import PUBLIC_URL
from tests.conftest import Person, text_of
from tests.fakes.http import serving

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/dang-nhap\?t=[A-Za-z0-9_.\-]+)")


@pytest.fixture
def core(engine, channels, config) -> Core:
    return Core(engine=engine, config=dataclasses.replace(config, public_url=PUBLIC_URL), channels=channels)


@pytest.fixture
async def web(engine, config):
    site = WebSite(engine=engine, public_url=PUBLIC_URL, admins=config.admins)
    async with serving(build_app(webhooks={}, site=site)) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            yield client


async def login_link(person: Person) -> str:
    match = LINK.search(text_of(await person.say("/web")))
    assert match, person.inbox()[-1].text
    return match.group(1)


async def log_in(web: httpx.AsyncClient, path: str) -> httpx.Response:
    """What a browser does with the link: open it, press the button (a form POST)."""
    page = await web.get(path)
    assert page.status_code == 200 and "Vào bảng điều khiển" in page.text
    token = re.search(r'name="t" value="([^"]+)"', page.text).group(1)
    return await web.post("/dang-nhap", data={"t": token})


def session_cookie(answer: httpx.Response) -> dict[str, str]:
    """The cookie is Secure (the public URL is https), so the test hands it over itself."""
    header = answer.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=lax" in header and "Secure" in header
    name, value = header.split(";", 1)[0].split("=", 1)
    return {"Cookie": f"{name}={value}"}


async def test_without_a_session_the_dashboard_sends_to_the_login_explanation(web):
    for path in ("/bang-dieu-khien", "/bang-dieu-khien.json", "/bang-dieu-khien/bao-cao.xlsx"):
        answer = await web.get(path, headers={"Cookie": "tintot_phien=forged"})
        assert answer.status_code == 303 and answer.headers["location"] == "/dang-nhap"
    explanation = await web.get("/dang-nhap")
    assert "/web" in explanation.text and "10 phút" in explanation.text


async def test_a_login_link_works_once_and_opens_a_session_until_logout(web, moderator):
    path = await login_link(moderator)
    assert "/bang-dieu-khien" in (await web.get("/")).text  # the footer points editors there
    answer = await log_in(web, path)
    assert answer.status_code == 303 and answer.headers["location"] == "/bang-dieu-khien"
    cookie = session_cookie(answer)
    page = await web.get("/bang-dieu-khien", headers=cookie)
    assert page.status_code == 200 and "Trường Cao đẳng Cao Bằng" in page.text and 'id="schools"' in page.text
    assert page.headers["cache-control"] == "private, no-store"
    data = (await web.get("/bang-dieu-khien.json", headers=cookie)).json()
    cdcb = next(row for row in data["schools"] if row["code"] == "CDCB")
    assert cdcb["members"] == 1 and [t["percent"] for t in data["targets"]] == [70, 90]
    assert len(data["trend"]) == 8 and data["progress"] is None and data["period"]["word"] == ""
    week = (await web.get("/bang-dieu-khien.json", params={"ky": "tuan"}, headers=cookie)).json()
    assert week["period"]["word"] == "tuan" and week["period"]["label"] != data["period"]["label"]
    again = await log_in(web, path)
    assert again.status_code == 403 and "/web" in again.text and "set-cookie" not in again.headers
    out = await web.post("/dang-xuat", headers=cookie)
    assert out.status_code == 303
    assert (await web.get("/bang-dieu-khien", headers=cookie)).status_code == 303


async def test_expired_forged_and_foreign_links_are_refused(web, engine, moderator, student):
    with session_scope(engine) as session:
        expired = make_token(session=session, member_id=1, now=utcnow() - timedelta(minutes=11))
    good = (await login_link(moderator)).split("t=", 1)[1]
    member, expires, nonce, signature = good.split(".")
    forged = [f"{int(member) + 1}.{expires}.{nonce}.{signature}", f"{member}.{int(expires) + 3600}.{nonce}.{signature}", "abc", ""]
    for token in (expired, *forged):
        assert (await web.post("/dang-nhap", data={"t": token})).status_code == 403, token
    await student.join()
    assert "ban biên tập" in text_of(await student.say("/web"))


async def test_a_link_used_through_one_process_is_refused_by_another(web, engine, config, moderator):
    path = await login_link(moderator)
    other_site = WebSite(engine=engine, public_url=PUBLIC_URL, admins=config.admins)
    async with serving(build_app(webhooks={}, site=other_site)) as url:
        async with httpx.AsyncClient(base_url=url) as other:
            assert (await log_in(other, path)).status_code == 303
    assert (await log_in(web, path)).status_code == 403


async def test_downloads_of_the_reports_for_a_period(web, moderator):
    cookie = session_cookie(await log_in(web, await login_link(moderator)))
    xlsx = await web.get("/bang-dieu-khien/bao-cao.xlsx", params={"tu": "2026-11-01", "den": "2026-11-30"}, headers=cookie)
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert 'filename="tintot-thongke-2026-11-30.xlsx"' in xlsx.headers["content-disposition"]
    csv = await web.get("/bang-dieu-khien/bao-cao.csv", headers=cookie)
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("Mã trường")
    for wrong in ({"tu": "30/11/2026"}, {"tu": "2026-12-02", "den": "2026-12-01"}, {"den": "2024-12-31"}, {"tu": "9999-12-31"}):
        answer = await web.get("/bang-dieu-khien/bao-cao.csv", params=wrong, headers=cookie)
        assert answer.status_code == 400 and "NNNN-TT-NN" in answer.text
    assert (await web.get("/bang-dieu-khien/bao-cao.pdf", headers=cookie)).status_code == 400


async def test_without_a_public_url_the_bot_says_links_are_unavailable(engine, channels, config):
    core = Core(engine=engine, config=config, channels=channels)
    admin = Person(core, channels["telegram"], "900", "Cô Hoa")
    answer = text_of(await admin.say("/web"))
    assert answer == texts.WEB_LINKS_UNAVAILABLE and "TINTOT_PUBLIC_URL" not in answer  # no setting named in chat


async def test_the_dashboard_shows_pending_stories_and_the_latest_push(web, moderator, student, clock):
    cookie = session_cookie(await log_in(web, await login_link(moderator)))
    clock.set_local("2026-12-01 10:00")  # daytime: a push may go out
    await student.join()
    await student.say("/gui")
    await student.say("Lớp em tổ chức quyên góp sách cho các em nhỏ ở bản xa.")
    await moderator.say("/tin Tin tốt: trường khai giảng lớp nghề mới cho thanh niên dân tộc.")
    await moderator.say("/dang ngay")
    data = (await web.get("/bang-dieu-khien.json", headers=cookie)).json()
    cdcb = next(row for row in data["schools"] if row["code"] == "CDCB")
    assert cdcb["pending"] == 1 and data["total"]["pending"] == 1
    assert data["progress"]["kind"] == "Tin tốt" and data["progress"]["total"] == 2 and data["progress"]["waiting"] == 2
    page = await web.get("/bang-dieu-khien", headers=cookie)
    assert "Đợt gửi gần nhất" in page.text and "2 người nhận" in page.text


async def test_a_school_moderator_sees_only_their_school(web, school_moderator):
    cookie = session_cookie(await log_in(web, await login_link(school_moderator)))
    data = (await web.get("/bang-dieu-khien.json", headers=cookie)).json()
    assert [row["code"] for row in data["schools"]] == ["CDCB"]
    csv = (await web.get("/bang-dieu-khien/bao-cao.csv", headers=cookie)).content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in csv[1:-1]] == ["CDCB"]  # between the header and the total


async def test_an_announcement_is_the_latest_push_only_for_those_who_may_see_its_school(web, clock, moderator, school_moderator, student):
    editor = session_cookie(await log_in(web, await login_link(moderator)))
    own = session_cookie(await log_in(web, await login_link(school_moderator)))
    clock.set_local("2026-12-01 10:00")  # daytime: the announcement goes out at once
    await student.join("HOAAN")
    preview = await moderator.say("/thongbao HOAAN Chiều thứ Sáu họp Đoàn trường.")
    await moderator.press(preview[-1].buttons[0][0].data)
    data = (await web.get("/bang-dieu-khien.json", headers=editor)).json()
    progress = data["progress"]
    assert progress["school"] == "Trung tâm GDNN-GDTX Hòa An" and progress["story_id"] is None and progress["total"] == 1
    page = await web.get("/bang-dieu-khien", headers=editor)
    assert page.status_code == 200 and "Thông báo của Trung tâm GDNN-GDTX Hòa An ngày 01/12/2026" in page.text
    assert "câu chuyện #" not in page.text
    assert (await web.get("/bang-dieu-khien.json", headers=own)).json()["progress"] is None  # another school's push
    assert "Chưa có đợt gửi nào" in (await web.get("/bang-dieu-khien", headers=own)).text


async def test_reports_read_without_the_write_lock_and_within_the_campaign(web, engine, database_url, moderator):
    """A far-off day once made a report walk 9,000 weeks while holding SQLite's write lock, and
    every student's message failed behind it; the year 9999 broke the date arithmetic."""
    cookie = session_cookie(await log_in(web, await login_link(moderator)))
    with engine.connect() as writer:
        if database_url.startswith("sqlite"):
            writer.begin()  # BEGIN IMMEDIATE: a push being written holds the write lock
        for params in ({"tu": "1850-01-01"}, {"tu": "2026-11-01", "den": "9999-12-31"}):
            xlsx = await web.get("/bang-dieu-khien/bao-cao.xlsx", params=params, headers=cookie, timeout=10)
            assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK"), params
        assert 'filename="tintot-thongke-' + utcnow().astimezone(ZONE).date().isoformat() in xlsx.headers["content-disposition"]
        assert (await web.get("/bang-dieu-khien", headers=cookie, timeout=10)).status_code == 200


def test_a_report_period_is_kept_to_the_days_that_can_have_data():
    today = date(2026, 12, 1)
    assert report_period(date(1850, 1, 1), date(9999, 12, 31), today=today) == Period(EARLIEST, today)
    assert report_period(None, None, today=today) == Period(None, today)
    assert report_period(date(2026, 11, 1), date(2026, 11, 30), today=today) == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert report_period(None, date(2024, 12, 31), today=today) is None
    assert report_period(date(2026, 12, 2), None, today=today) is None


async def test_a_login_form_that_is_not_one_is_refused(web, moderator):
    token = (await login_link(moderator)).split("t=", 1)[1]
    crowded = "&".join(f"f{n}=1" for n in range(10)) + f"&t={token}"
    answer = await web.post("/dang-nhap", content=crowded, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
    huge = await web.post("/dang-nhap", content=f"t={token}&pad=" + "x" * 100_000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 403 and "set-cookie" not in huge.headers
    assert (await web.post("/dang-nhap", data={"t": token})).status_code == 303  # the link was not used up


async def test_the_dashboard_brings_the_daily_rollup_up_to_date(web, engine, moderator):
    cookie = session_cookie(await log_in(web, await login_link(moderator)))
    with session_scope(engine) as session:
        session.add(Event(kind="delivered", school_id=1, at=utcnow() - timedelta(days=3)))
    assert (await web.get("/bang-dieu-khien.json", headers=cookie)).status_code == 200
    with session_scope(engine) as session:
        assert [(row.school_id, row.kind, row.count) for row in session.exec(select(DailyCount))] == [(1, "delivered", 1)]


async def test_a_login_posted_from_another_site_is_refused(web, moderator):
    """Login CSRF: another site's page must not log a visitor in to a session of its choosing."""
    path = await login_link(moderator)
    token = path.split("t=", 1)[1]
    for header in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                   {"Referer": "https://evil.example/trap.html"}, {"Origin": "http://tintot.example.vn"}):
        refused = await web.post("/dang-nhap", data={"t": token}, headers=header)
        assert refused.status_code == 403 and "set-cookie" not in refused.headers, header
        assert "trang khác" in refused.text and '<html lang="vi">' in refused.text
    ours = await web.post("/dang-nhap", data={"t": token}, headers={"Origin": PUBLIC_URL, "Referer": PUBLIC_URL + path})
    assert ours.status_code == 303 and "set-cookie" in ours.headers  # the link was not used up by the refusals
    assert (await web.post("/dang-xuat", headers={"Origin": "https://evil.example"})).status_code == 403


async def test_the_latest_push_counts_skipped_and_taken_down_deliveries_in_vietnamese_numbers(web, engine, moderator, student, clock):
    cookie = session_cookie(await log_in(web, await login_link(moderator)))
    clock.set_local("2026-12-01 10:00")
    await student.join()
    await moderator.say("/tin Tin tốt: trường khai giảng lớp nghề mới cho thanh niên dân tộc.")
    await moderator.say("/dang ngay")
    with session_scope(engine) as session:
        first, second = session.exec(select(Delivery).order_by(Delivery.id)).all()
        first.status, second.status = "retracted", "skipped"  # sent then deleted by a takedown; unsubscribed since
    progress = (await web.get("/bang-dieu-khien.json", headers=cookie)).json()["progress"]
    assert (progress["skipped"], progress["taken_down"], progress["waiting"], progress["done_text"]) == (1, 1, 0, "100%")
    page = (await web.get("/bang-dieu-khien", headers=cookie)).text
    assert "xong 100%." in page and "xong 100.0" not in page
    assert "Bỏ qua (tắt tin, bị cấm hoặc đã xóa dữ liệu): 1" in page and "Đã gỡ: 1" in page
