"""`tintot report` and `tintot schools links` as an officer runs them."""

import asyncio
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from bot.cli import main
from storage import repo
from storage.db import session_scope
from storage.models import Event, Member
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_methods import BOT_USER


@pytest.fixture
def database(engine, database_url, monkeypatch):
    """The test database as the CLI finds it, with two CDCB members, one active yesterday, and
    a CDCB moderator whose announcement went out yesterday (an active channel)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    monkeypatch.delenv("ZALO_BOT_LINK", raising=False)
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with session_scope(engine) as session:
        school = repo.school_by_code(session=session, code="CDCB")
        school.enrolment = 8
        lan, minh = (Member(channel="telegram", platform_id=p, school_id=school.id, created_at=yesterday) for p in "12")
        session.add_all([lan, minh])
        session.flush()
        session.add(Event(kind="submitted", member_id=lan.id, school_id=school.id, at=yesterday))
        session.add(Member(channel="telegram", platform_id="3", role="school_moderator", role_school_id=school.id))
        session.add(Event(kind="announced", school_id=school.id, at=yesterday))
    return database_url


def test_csv_to_the_screen(database, capsys):
    main(["report", "--format", "csv"])
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cdcb = next(line for line in lines if line[0] == "CDCB")
    assert cdcb[2:8] == ["8", "2", "0", "25.0", "1", "12.5"]
    assert lines[0][-1] == "Kênh hoạt động" and cdcb[-1] == "1" and lines[-1][-1] == "1"
    assert [line[-1] for line in lines[1:-1]].count("1") == 1  # the other schools have no moderator


def test_xlsx_for_a_date_range(database, tmp_path, capsys):
    out = tmp_path / "bao-cao.xlsx"
    today = datetime.now(timezone.utc).date()
    main(["report", "--format", "xlsx", "--from", str(today - timedelta(days=13)), "--to", str(today), "--out", str(out)])
    assert f"Đã ghi {out}" in capsys.readouterr().out
    book = load_workbook(out)
    assert len(book.sheetnames) == 14
    assert 1 in [cell.value for cell in book["Kênh hoạt động"][5]][2:]  # the week of yesterday
    members = book["Thành viên"]
    assert members.max_column in (4, 5)  # two or three weeks, depending on the weekday
    assert [cell.value for cell in members[5]][:2] == ["CDCB", "Trường Cao đẳng Cao Bằng"]
    assert [cell.value for cell in members[5]][-1] == 2


def test_png_goes_to_a_file(database, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["report", "--format", "png"])
    written = capsys.readouterr().out.strip().removeprefix("Đã ghi ")
    assert (tmp_path / written).read_bytes().startswith(b"\x89PNG")


def test_bad_dates_are_refused_clearly(database, capsys):
    with pytest.raises(SystemExit):
        main(["report", "--from", "2026-13-01"])
    assert "ngày phải có dạng YYYY-MM-DD" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="--from 2026-11-30 sau --to 2026-11-01"):
        main(["report", "--from", "2026-11-30", "--to", "2026-11-01"])


def test_links_and_qr_codes(database, tmp_path, capsys):
    main(["schools", "links", "--telegram-bot", "@TinTotCaoBangBot", "--zalo-link", "https://zalo.me/tintot", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "Telegram: https://t.me/TinTotCaoBangBot?start=CDCB" in printed
    assert "Zalo: nhắn “start HOAAN”" in printed
    assert len(list(tmp_path.glob("*-telegram.png"))) == 10 and (tmp_path / "zalo.png").is_file()


def test_links_from_the_setting_and_what_is_missing(database, tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit, match="TELEGRAM_BOT_USERNAME"):
        main(["schools", "links", "--out", str(tmp_path)])
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "TinTotCaoBangBot")
    main(["schools", "links", "--out", str(tmp_path)])
    assert "https://t.me/TinTotCaoBangBot?start=BAOLAC" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="tên bot Telegram"):
        main(["schools", "links", "--telegram-bot", "no", "--out", str(tmp_path)])


async def test_links_ask_telegram_for_the_username_when_there_is_a_token(database, tmp_path, monkeypatch, capsys):
    async with FakeTelegramAPI() as api:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", api.token)
        monkeypatch.setenv("TELEGRAM_BOT_API_URL", api.url)
        # The CLI runs its own event loop, as it does from a terminal; the fake serves on this one.
        await asyncio.to_thread(main, ["schools", "links", "--out", str(tmp_path)])
        assert [call.method for call in api.calls] == ["getMe"]
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999:wrong")
        with pytest.raises(SystemExit, match="TELEGRAM_BOT_TOKEN"):
            await asyncio.to_thread(main, ["schools", "links", "--out", str(tmp_path)])
    assert f"https://t.me/{BOT_USER['username']}?start=CDCB" in capsys.readouterr().out


def test_schools_import_takes_telegram_channels_and_the_list_shows_them(database, tmp_path, capsys):
    schools = tmp_path / "truong.csv"
    schools.write_text("code,name,enrolment,telegram_channel\nCDCB,Trường Cao đẳng Cao Bằng,1200,https://t.me/tintot_cdcb\n"
                       "HOAAN,Trung tâm GDNN-GDTX Hòa An,,\n", encoding="utf-8")
    main(["schools", "import", str(schools)])
    main(["schools", "list"])
    listing = capsys.readouterr().out
    assert "[kênh @tintot_cdcb]" in listing and listing.count("[kênh") == 1
