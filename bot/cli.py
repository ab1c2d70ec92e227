"""`tintot`: the command line.

Usage: tintot run | console --as NAME [--moderator [MÃ_TRƯỜNG]] | publish daily|weekly | db upgrade
       | schools list|import FILE.csv|links
       | report [--format text|csv|xlsx|png] [--from DATE --to DATE] [--out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot import reporting
from bot.channels.base import html_to_plain
from bot.channels.console import ConsoleChannel
from bot.core import Core, core_config
from bot.database import open_database
from bot.delivery import Sender
from bot.media import MediaStore
from bot.settings import Settings, load_settings
from content import texts
from content.schools import SchoolFileError, parse_schools_csv
from handlers.publishing import describe, publish_slot
from storage import repo, roles
from storage.db import session_scope

CONSOLE_RATE = 50.0
# For the operator (stderr), not for chat users.
ADD_A_TOKEN = ("đặt TELEGRAM_BOT_TOKEN (từ @BotFather) hoặc ZALO_BOT_TOKEN trong tệp .env (mẫu: .env.example) "
               "hoặc biến môi trường, rồi chạy lại")
NO_TOKEN_IN_TERMINAL = f"Chưa có token nên chưa nối với Telegram hay Zalo: trò chuyện với bot ngay tại đây. Để chạy thật, {ADD_A_TOKEN}."
NO_TOKEN_NO_TERMINAL = (f"Chưa có token nên chưa nối với Telegram hay Zalo, và không có terminal cho console: chỉ chạy "
                        f"trang web. Để chạy thật, {ADD_A_TOKEN}.")


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = load_settings()
    _configure_logging(chat=args.run is _console_command or (args.run is _run and _tries_in_terminal(settings)))
    args.run(settings, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tintot", description="Tin Tốt: mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="every configured channel and the web; with none, the console in a terminal")
    run.set_defaults(run=_run)

    console = commands.add_parser("console", help="talk to the bot in this terminal")
    console.add_argument("--as", dest="user", default="ban", metavar="NAME", help="who you are in the chat")
    console.add_argument("--moderator", nargs="?", const="", metavar="MÃ_TRƯỜNG",
                         help="act as an editor (every school), or with a school code as that school's moderator")
    console.set_defaults(run=_console_command)

    db = commands.add_parser("db", help="database")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(run=_db)

    schools = commands.add_parser("schools", help="the list of schools")
    school_actions = schools.add_subparsers(required=True, metavar="ACTION")
    listing = school_actions.add_parser("list", help="show the schools and their codes")
    listing.set_defaults(run=_schools_list)
    importing = school_actions.add_parser("import", help="add or rename schools from a CSV (code,name[,enrolment])")
    importing.add_argument("file", type=Path)
    importing.add_argument("--replace", action="store_true", help="deactivate schools missing from the file")
    importing.set_defaults(run=_schools_import)
    linking = school_actions.add_parser("links", help="each school's join links, and QR codes to print")
    reporting.add_link_arguments(linking)
    linking.set_defaults(run=reporting.run_links)

    publish = commands.add_parser("publish", help="publish this slot now (once: a slot already published is reported)")
    publish.add_argument("kind", choices=["daily", "weekly"])
    publish.set_defaults(run=_publish)

    report = commands.add_parser("report", help="engagement per school against the plan's targets")
    reporting.add_arguments(report)
    report.set_defaults(run=reporting.run_report)
    return parser


def _configure_logging(*, chat: bool) -> None:
    """Log lines go to stderr; in a chat at the terminal only warnings, so replies stay together."""
    logging.basicConfig(level=logging.WARNING if chat else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # These log every request URL, and a bot API URL carries the token.
    for noisy in ("httpx", "httpcore", "telegram.ext", "uvicorn.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _tries_in_terminal(settings: Settings) -> bool:
    """`tintot run` with no token, at a terminal: the console is the bot's chat."""
    return not (settings.telegram_bot_token or settings.zalo_bot_token) and sys.stdin.isatty()


def _run(settings: Settings, args: argparse.Namespace) -> None:
    """Every configured channel and the web. With no token, the web and, at a terminal, the
    console: a newcomer sees the bot's chat and its pages on the same database. Without a
    terminal (a container), the web alone, with how to add a token: exiting would only make a
    container's restart policy start it again and again."""
    from bot.runtime import run_channels

    if settings.telegram_bot_token or settings.zalo_bot_token:
        asyncio.run(run_channels(settings))
        return
    console = _tries_in_terminal(settings)
    print(NO_TOKEN_IN_TERMINAL if console else NO_TOKEN_NO_TERMINAL, file=sys.stderr)
    try:
        asyncio.run(run_channels(settings, console_user="ban" if console else None))
    except KeyboardInterrupt:
        pass


def _console_command(settings: Settings, args: argparse.Namespace) -> None:
    _console(settings, args.user, args.moderator)


def _console(settings: Settings, user: str, moderator: str | None) -> None:
    """`moderator`: None for a student, "" for an editor, a school code for that school's moderator."""
    engine = open_database(settings.database_url, announce=True)
    if moderator is not None:
        with session_scope(engine) as session:
            school = repo.school_by_code(session=session, code=moderator) if moderator else None
            if moderator and school is None:
                codes = ", ".join(s.code for s in repo.schools(session=session))
                raise SystemExit(f"--moderator {moderator}: không có trường mã này. Các mã trường: {codes}")
            member, _ = repo.get_or_create_member(session=session, channel="console", platform_id=user, chat_id=user)
            member.display_name = member.display_name or user
            roles.change_role(session=session, member=member, role=roles.SCHOOL_MODERATOR if school else roles.EDITOR,
                              school_id=school.id if school else None, actor=None, note="tintot console")
    core = Core(engine=engine, config=core_config(settings, media=MediaStore.from_settings(settings)))
    greeting = texts.CONSOLE_GREETING.format(user=user) if sys.stdin.isatty() else None
    console = ConsoleChannel(user=user, on_update=core.handle, greeting=greeting)
    core.attach(console)
    try:
        asyncio.run(_console_session(engine, console, settings))
    except KeyboardInterrupt:
        pass


async def _console_session(engine, console: ConsoleChannel, settings: Settings) -> None:  # noqa: ANN001
    """The console, with its own sender: a push published here is shown here too."""
    sender = Sender(engine=engine, channel=console, rate=CONSOLE_RATE, idle_poll=0.2, timezone=settings.timezone)
    sending = asyncio.create_task(sender.run())
    try:
        await console.start()
        await console.closed()
        await sender.send_window()  # a push published by the last line still shows
    finally:
        sender.stop()
        await sending


def _publish(settings: Settings, args: argparse.Namespace) -> None:
    """`tintot publish daily|weekly`: creates the slot's post; the running bot sends it."""
    engine = open_database(settings.database_url, announce=True)
    config = core_config(settings)
    with session_scope(engine) as session:
        result = publish_slot(session=session, kind=args.kind, now=config.clock(), config=config)
        outcome = html_to_plain(describe(result, config))
    if result.status not in ("published", "exists"):
        raise SystemExit(outcome)
    print(outcome)
    if result.status == "published":
        print("Các tin nằm chờ trong cơ sở dữ liệu: bot đang chạy (tintot run) sẽ gửi đi.")
    for notice in result.notices:
        print(f"(chưa gửi tới {notice.channel}:{notice.chat_id}) {html_to_plain(notice.text)}")


def _db(settings: Settings, args: argparse.Namespace) -> None:
    open_database(settings.database_url, announce=True)
    print("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


def _schools_list(settings: Settings, args: argparse.Namespace) -> None:
    engine = open_database(settings.database_url, announce=True)
    with session_scope(engine) as session:
        for school in repo.schools(session=session, active_only=False):
            enrolment = school.enrolment if school.enrolment is not None else "—"
            state = "" if school.active else "  (ngừng)"
            channel = f"  [kênh {school.telegram_channel}]" if school.telegram_channel else ""
            print(f"{school.code:<12} {enrolment:>6}  {school.name}{state}{channel}")


def _schools_import(settings: Settings, args: argparse.Namespace) -> None:
    try:
        rows = parse_schools_csv(args.file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SchoolFileError) as error:
        raise SystemExit(f"Không nhập được {args.file}: {error}") from None
    engine = open_database(settings.database_url, announce=True)
    with session_scope(engine) as session:
        result = repo.import_schools(
            session=session, rows=[(r.code, r.name, r.enrolment, r.telegram_channel) for r in rows], replace=args.replace
        )
    print(f"Đã nhập {args.file}: {result.added} trường mới, {result.renamed} trường đổi tên, {result.unchanged} không đổi.")
