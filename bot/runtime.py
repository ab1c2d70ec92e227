"""`tintot run`: every configured channel, the web server (webhooks, wall, dashboard), one
delivery sender per channel and the scheduler, until SIGINT or SIGTERM (or, for the console,
the end of its input).

Start-up checks each channel against its platform first: a wrong setting stops here, with one
line naming it, before anything is sent.

Several processes on one PostgreSQL all serve webhooks; each channel's sender and the scheduler
run in one of them at a time (`bot.election`). A channel in long polling has one consumer: a
second process that would poll the same bot is refused at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys

import sqlalchemy as sa

from bot.channels.base import Channel
from bot.channels.console import ConsoleChannel
from bot.core import Core, core_config
from bot.database import open_database
from bot.delivery import Sender, recover
from bot.election import Election
from bot.media import MediaStore, link_key
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.threads import off_loop
from bot.web import WebSite, build_app, listen, make_server
from bot.web.dashboard import HOME as DASHBOARD
from content import texts

log = logging.getLogger(__name__)


def build_channels(settings: Settings, core: Core, media: MediaStore, console_user: str | None = None) -> list[Channel]:
    channels: list[Channel] = []
    if console_user is not None:
        greeting = texts.CONSOLE_GREETING.format(user=console_user)
        channels.append(ConsoleChannel(user=console_user, on_update=core.handle, greeting=greeting))
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel

        channels.append(TelegramChannel(settings, core.handle, media=media))
    if settings.zalo_bot_token:
        from bot.channels.zalo import ZaloChannel

        channels.append(ZaloChannel(settings, core.handle, media))
    return channels


def web_site(settings: Settings, engine: sa.Engine, media: MediaStore) -> WebSite:
    return WebSite(
        engine=engine, media=media, public_url=settings.tintot_public_url, timezone=settings.timezone, admins=settings.admins,
        telegram_bot=settings.telegram_bot_username, zalo_link=settings.zalo_bot_link,
    )


def _health(engine: sa.Engine):  # noqa: ANN202
    def check() -> bool:
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return True
        except sa.exc.SQLAlchemyError:
            return False

    return check


async def run_channels(settings: Settings, *, stop: asyncio.Event | None = None, console_user: str | None = None) -> None:
    """Runs until `stop` is set (or a signal arrives, or the console's input ends); everything
    started is stopped in reverse. `console_user`: also the console, chatting as this user."""
    stop = stop or _stop_on_signals()
    sock = listen(settings.tintot_http_host, settings.tintot_http_port)
    engine = open_database(settings.database_url, announce=True)
    election = Election(engine)
    recover(engine, alone=election.alone())
    media = MediaStore.from_settings(settings, link_key=await off_loop(link_key, engine))
    core = Core(engine=engine, config=core_config(settings, media=media))
    channels = build_channels(settings, core, media, console_user)
    started: list[Channel] = []
    tasks: list[asyncio.Task] = []
    senders: list[Sender] = []
    scheduler = Scheduler(engine=engine, config=core.config, send=core.send_all, leads=_role(election, "scheduler"))
    server = None
    try:
        for channel in channels:
            if not getattr(channel, "webhook_mode", False):
                await _only_poller(election, channel.name)
            await channel.start()
            started.append(channel)
            core.attach(channel)
        await core.refresh_moderator_menus()
        if settings.telegram_channel_id and await core.refuses_posts(settings.telegram_channel_id):
            await core.tell_moderators(texts.CROSSPOST_REFUSED.format(channel=settings.telegram_channel_id))
        # Always served: without TINTOT_PUBLIC_URL the wall still runs on the local address.
        webhooks = {f"/{c.name}/webhook": c for c in channels if getattr(c, "webhook_mode", False)}
        # The store's files are served by the site (`bot.web.media`): only a published story's photo
        # without a signed link. `build_app`'s own `media` route would serve any file to anyone.
        app = build_app(webhooks=webhooks, health=_health(engine), site=web_site(settings, engine, media))
        server = make_server(app, settings.tintot_http_host, settings.tintot_http_port)
        # What start-up made (libraries, screening rules, templates) lives as long as the process:
        # frozen, the collector stops walking it at every full collection, which stalled every
        # reply under load (docs/benchmarks.md, webhook intake).
        gc.collect()
        gc.freeze()
        tasks.append(asyncio.create_task(server.serve(sockets=[sock]), name="web"))
        _announce_web(sock)
        rates = dict(core.config.push_rates)
        for channel in channels:
            sender = Sender(
                engine=engine,
                channel=channel,
                rate=rates.get(channel.name, 10.0),
                on_outage=core.tell_moderators,
                on_retracted=core.tell_moderators,
                public_url=settings.tintot_public_url,
                leads=_role(election, f"send:{channel.name}"),
                timezone=core.config.timezone,
            )
            senders.append(sender)
            tasks.append(asyncio.create_task(sender.run(), name=f"send-{channel.name}"))
        tasks.append(asyncio.create_task(scheduler.run(), name="scheduler"))
        tasks += [asyncio.create_task(c.closed(), name="console") for c in channels if isinstance(c, ConsoleChannel)]
        log.info("Tin Tốt is running: %s", ", ".join(c.name for c in channels) or "the web only")
        await _until_stopped(stop, tasks)
    finally:
        scheduler.stop()
        for sender in senders:
            sender.stop()
        if server is not None:
            server.should_exit = True
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        for channel in reversed(started):
            await channel.stop()
        sock.close()
        await off_loop(election.release_all)  # another process takes over at once
        engine.dispose()
        gc.unfreeze()


def _announce_web(sock) -> None:  # noqa: ANN001
    """Where the pages are, on stderr (the port may have been chosen by the system)."""
    host, port = sock.getsockname()[:2]
    base = f"http://{host}:{port}"
    print(f"Trang web: {base}/ (bức tường tin tốt), {base}{DASHBOARD} (bảng điều khiển)", file=sys.stderr)


def _role(election: Election, role: str):  # noqa: ANN202
    async def leads() -> bool:
        return await off_loop(election.leads, role)

    return leads


async def _only_poller(election: Election, channel: str) -> None:
    """A platform hands each update to one long-polling consumer: a second one is refused."""
    if not await off_loop(election.leads, f"poll:{channel}"):
        variable = f"{channel.upper()}_WEBHOOK_URL"
        raise SystemExit(
            f"Cấu hình sai: {variable}: một tiến trình khác đang nhận tin {channel} bằng long polling trên cùng "
            f"cơ sở dữ liệu; muốn chạy nhiều tiến trình, hãy dùng webhook (đặt {variable})"
        )


async def _until_stopped(stop: asyncio.Event, tasks: list[asyncio.Task]) -> None:
    """Waits for the stop signal; a task that dies on its own stops everything, loudly."""
    waiter = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    for task in done:
        if task is not waiter and task.exception() is not None:
            raise task.exception()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
