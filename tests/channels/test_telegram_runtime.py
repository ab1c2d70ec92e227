"""`tintot run` with a Telegram token and the photos its web app serves, and a Telegram photo
story reaching Zalo by URL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa

from bot.channels.telegram import WEBHOOK_PATH
from bot.channels.zalo import ZaloChannel
from bot.core import Core
from bot.database import open_database
from bot.delivery import Sender
from bot.media import MediaStore, link_key
from bot.runtime import run_channels
from bot.settings import Settings
from bot.web import WebSite, build_app
from handlers.context import CoreConfig
from storage.db import session_scope
from storage.models import Member, Story
from tests.channels.conftest import SECRET
from tests.channels.telegram_chat import Chat, counting, until
from tests.fakes.http import free_socket, serving, url_of
from tests.fakes.pictures import PLACE, metadata_of, phone_photo, upright_red_on_top
from tests.fakes.zalo_api import JPEG, FakeZalo, make_update

STUDENT = 301


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_tintot_run_answers_on_telegram_until_stopped(api, tmp_path, mode):
    with free_socket() as sock:
        port = sock.getsockname()[1]
    webhook = {"telegram_webhook_url": f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
               "telegram_webhook_secret": SECRET}
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'tintot.db'}",
        telegram_bot_token=api.token,
        telegram_bot_api_url=api.url,
        tintot_media_dir=str(tmp_path / "media"),
        tintot_http_port=port,
        **(webhook if mode == "webhook" else {}),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_channels(settings, stop=stop))
    api.queue_text(STUDENT, "/start")  # in webhook mode, pushed once the web server listens
    await until(lambda: len(api.sent_to(STUDENT)) >= 1)
    stop.set()
    await asyncio.wait_for(running, 5)
    assert "Tin Tốt" in api.sent_texts(STUDENT)[0]
    assert bool(api.calls_of("getUpdates")) == (mode == "polling")


async def test_tintot_run_serves_a_photo_without_a_link_only_once_published(api, tmp_path):
    """The running bot's web app: a waiting story's photo is at no plain address (nor at the old
    `/media/` one), opens by a link signed with the key in the database, and is public once
    published."""
    with free_socket() as sock:
        port = sock.getsockname()[1]
    database_url = f"sqlite:///{tmp_path / 'tintot.db'}"
    settings = Settings(_env_file=None, database_url=database_url, telegram_bot_token=api.token,
                        telegram_bot_api_url=api.url, tintot_media_dir=str(tmp_path / "media"), tintot_http_port=port)
    engine = open_database(database_url)
    media = MediaStore.from_settings(settings, link_key=link_key(engine))
    photo = media.save(JPEG)
    with session_scope(engine) as session:
        session.add(Story(text="Chuyện đang chờ duyệt, có ảnh", photo=photo))
    name = photo.removeprefix("media:")
    stop = asyncio.Event()
    running = asyncio.create_task(run_channels(settings, stop=stop))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await until_listening(client)
            waiting = (await client.get(f"/media/{name}")).status_code
            signed = await client.get(media.signed_path(photo))
            with session_scope(engine) as session:
                session.execute(sa.update(Story).values(status="published"))
            published = await client.get(f"/media/{name}")
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)
        engine.dispose()
    assert waiting == 404
    assert signed.status_code == 200 and signed.content == JPEG
    assert published.status_code == 200 and published.content == JPEG


async def until_listening(client: httpx.AsyncClient) -> None:
    async with asyncio.timeout(5):
        while True:
            try:
                await client.get("/healthz")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.02)


async def test_a_telegram_photo_story_reaches_zalo_by_url(api, make_channel, engine, tmp_path):
    """One database, both channels: a photo sent on Telegram goes out on Zalo from the web app's
    public address once published, upright and without the place and device it was taken with."""
    api.files["AgAC-river"] = phone_photo()
    config = CoreConfig(admins=frozenset({("telegram", "900")}),
                        clock=lambda: datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    core = Core(engine=engine, config=config)
    site = free_socket()
    media = MediaStore(tmp_path / "public-media", public_url=url_of(site), link_key=link_key(engine))
    handled: Counter = Counter()
    core.attach(await make_channel(counting(core.handle, handled), store=media))
    lan, admin = Chat(api, handled, STUDENT, "Lan"), Chat(api, handled, 900, "Cô Hoa")
    async with FakeZalo("4242:zalo").running() as fake_zalo, serving(
            build_app(webhooks={}, site=WebSite(engine=engine, media=media)), site):
        settings = Settings(_env_file=None, zalo_bot_token="4242:zalo", zalo_bot_api_url=fake_zalo.base_url)
        zalo = ZaloChannel(settings, core.handle, media)
        core.attach(zalo)
        await zalo.start()
        try:
            for step in ("/start CDCB", "1", "1"):  # consent, 16+; the link chose the school
                sent = len(fake_zalo.messages)
                fake_zalo.queue(make_update(text=step, user_id="z-7"))
                await until(lambda sent=sent: len(fake_zalo.messages) > sent)
            await lan.join()
            await lan.say("/gui")
            await lan.photo("AgAC-river", "Lớp em dọn rác bờ sông Bằng Giang.")
            await admin.say("/duyet 1")
            await admin.say("/dang ngay")
            await Sender(engine=engine, channel=zalo, rate=50).send_window()
            (photo,) = fake_zalo.calls("sendPhoto")
            async with httpx.AsyncClient() as client:  # what Zalo fetches from our web app
                served = await client.get(photo["photo"])
        finally:
            await zalo.stop()
    assert photo["chat_id"] == "z-7" and "dọn rác bờ sông" in photo.get("caption", "")
    assert metadata_of(served.content) == {} and upright_red_on_top(served.content)
    assert PLACE.encode() not in served.content and b"PhoneMaker" not in served.content
    [kept] = (tmp_path / "public-media").iterdir()
    assert kept.read_bytes() == served.content  # only the clean copy is stored


async def test_at_start_moderators_and_admins_get_the_moderators_menu(api, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'tintot.db'}"
    engine = open_database(database_url)
    with session_scope(engine) as session:
        session.add(Member(channel="telegram", platform_id="501", chat_id="501", role="editor"))
        session.add(Member(channel="telegram", platform_id="900", chat_id="900"))
        session.add(Member(channel="telegram", platform_id="101", chat_id="101"))
    settings = Settings(_env_file=None, database_url=database_url, telegram_bot_token=api.token,
                        telegram_bot_api_url=api.url, tintot_admins="telegram:900",
                        tintot_media_dir=str(tmp_path / "media"), tintot_http_port=0)
    stop = asyncio.Event()
    running = asyncio.create_task(run_channels(settings, stop=stop))
    await until(lambda: {"chat:501", "chat:900"} <= set(api.commands))
    stop.set()
    await asyncio.wait_for(running, 5)
    assert "duyet" in {c["command"] for c in api.commands["chat:900"]}
    assert "chat:101" not in api.commands
