"""`tintot report` and `tintot schools links`: the files a school officer sends upward or prints.

Usage: tintot report --format text|csv|xlsx|png [--from 2026-11-01 --to 2026-11-30] [--out FILE]
       tintot schools links [--telegram-bot NAME] [--zalo-link URL] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from bot.database import open_database
from bot.settings import Settings
from content import chart, links, report, workbook
from storage import repo
from storage.db import read_scope, session_scope
from storage.indicators import SchoolIndicators, school_indicators, weekly
from storage.models import utcnow
from storage.periods import EARLIEST, Period, local_day, report_period
from storage.rollup import roll_up_in_steps

FORMATS = ("text", "csv", "xlsx", "png")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--from", dest="first", type=_day, metavar="YYYY-MM-DD", help="first day (default: the campaign's start)")
    parser.add_argument("--to", dest="last", type=_day, metavar="YYYY-MM-DD", help="last day, included (default: today)")
    parser.add_argument("--out", type=Path, help="file to write (text and csv default to the screen)")


def add_link_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--telegram-bot", metavar="NAME", help="the Telegram bot's username (default: TELEGRAM_BOT_USERNAME)")
    parser.add_argument("--zalo-link", metavar="URL", help="the Zalo bot's link (default: ZALO_BOT_LINK)")
    parser.add_argument("--out", type=Path, default=Path("qr"), help="folder for the QR code pictures (default: qr)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày phải có dạng YYYY-MM-DD, nhận được {text!r}") from None


def run_report(settings: Settings, args: argparse.Namespace) -> None:
    now, zone = utcnow(), settings.timezone
    if args.first is not None and args.first > (args.last or local_day(now, zone)):
        raise SystemExit(f"--from {args.first} sau --to {args.last or local_day(now, zone)}: không có ngày nào để thống kê.")
    period = report_period(args.first, args.last, today=local_day(now, zone))
    if period is None:
        raise SystemExit(f"--from/--to: chiến dịch có số liệu từ {EARLIEST} đến hôm nay, không có ngày nào để thống kê.")
    if args.out is not None:
        _check_folder(args.out)
    engine = open_database(settings.database_url, announce=True)
    roll_up_in_steps(engine=engine, zone=zone, now=now)
    with read_scope(engine) as session:
        rows = school_indicators(session=session, period=period, zone=zone, now=now)
        weeks = weekly(session=session, period=period, zone=zone, now=now) if args.format == "xlsx" else []
    output = _render(args.format, rows, period, weeks)
    if args.out is None and isinstance(output, str):
        sys.stdout.write(output)
        return
    out = args.out or Path(f"tintot-thongke-{period.last.isoformat()}.{args.format}")
    try:
        if isinstance(output, str):
            out.write_text(output, encoding="utf-8-sig" if args.format == "csv" else "utf-8")
        else:
            out.write_bytes(output)
    except OSError as error:  # e.g. no right to write there, or a full disk
        raise SystemExit(f"--out {out}: không ghi được tệp ({error.strerror})") from None
    print(f"Đã ghi {out}")


def _check_folder(out: Path) -> None:
    """Before the report is computed: a mistyped folder is told at once, in one line."""
    folder = out.parent
    if not folder.is_dir():
        raise SystemExit(f"--out {out}: không có thư mục {folder}; tạo thư mục trước hoặc chọn nơi khác.")


def _render(fmt: str, rows: list[SchoolIndicators], period: Period, weeks: list[tuple[Period, list[SchoolIndicators]]]) -> str | bytes:
    if fmt == "csv":
        return report.csv_text(rows)
    if fmt == "xlsx":
        return workbook.report_xlsx(rows, period, weeks)
    if fmt == "png":
        return chart.active_rate_png(rows, period)
    return report.text_table(rows, period)


def run_links(settings: Settings, args: argparse.Namespace) -> None:
    username = args.telegram_bot or settings.telegram_bot_username
    if username is None and settings.telegram_bot_token:
        # Loaded only here: the Telegram library costs every other command half a second.
        from bot.channels.telegram.identity import bot_username

        username = asyncio.run(bot_username(settings))
    zalo = args.zalo_link or settings.zalo_bot_link
    if username is None and zalo is None:
        raise SystemExit(
            "Thiếu tên bot: đặt TELEGRAM_BOT_TOKEN hoặc TELEGRAM_BOT_USERNAME (ví dụ TinTotCaoBangBot), "
            "hoặc dùng --telegram-bot TÊN; với Zalo: ZALO_BOT_LINK hoặc --zalo-link URL."
        )
    if username is not None:
        try:
            username = links.telegram_username(username)
        except ValueError:
            raise SystemExit(f"--telegram-bot {username!r}: tên bot Telegram gồm 5–32 chữ cái, chữ số hoặc _.") from None
    args.out.mkdir(parents=True, exist_ok=True)
    if zalo is not None:
        (args.out / "zalo.png").write_bytes(links.qr_png(zalo))
        print(f"Zalo: {zalo}  (mã QR: {args.out / 'zalo.png'}; học sinh nhắn “start MÃ_TRƯỜNG”)")
    engine = open_database(settings.database_url, announce=True)
    with session_scope(engine) as session:
        schools = repo.schools(session=session)
    for school in schools:
        print(f"{school.code:<12} {school.name}")
        if username is not None:
            link = links.telegram_link(username, school.code)
            path = args.out / f"{school.code}-telegram.png"
            path.write_bytes(links.qr_png(link))
            print(f"    Telegram: {link}  (mã QR: {path})")
        if zalo is not None:
            print(f"    Zalo: nhắn “start {school.code}”")
