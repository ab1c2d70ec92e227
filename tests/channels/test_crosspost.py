"""Cross-posts to Telegram channels through the real Telegram channel and the fake Bot API: the
campaign's channel gets each push once, with a link to its story page; a channel where the bot
is no admin is reported to the editors and holds nothing else up."""

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.core import Core
from bot.delivery import Sender
from bot.runtime import run_channels
from bot.settings import Settings
from handlers.context import CoreConfig
from handlers.publishing import publish_slot
from storage import repo
from storage.db import session_scope
from storage.models import Delivery, Member, School, Story, utcnow
from tests.campaign import FIRST_CHAT, announce_to, publish_to, statuses
from tests.channels.telegram_chat import Chat, counting, until

CAMPAIGN = "@tintot_caobang"
SCHOOL = "-1001234567890"
PUBLIC_URL = "https://tintot.example.vn"


async def _no_updates(incoming):
    return None


async def _push(api, engine, tmp_path, **options) -> list[str]:
    """Sends the whole push through the real Telegram channel; returns what the editors were told."""
    told: list[str] = []

    async def tell(text: str) -> None:
        told.append(text)

    settings = Settings(_env_file=None, telegram_bot_token=api.token, telegram_bot_api_url=api.url, tintot_media_dir=str(tmp_path))
    channel = TelegramChannel(settings, _no_updates)
    await channel.start()
    sender = Sender(engine=engine, channel=channel, rate=500, on_outage=tell, public_url=PUBLIC_URL, **options)
    try:
        while await sender.send_window():
            pass
    finally:
        await channel.stop()
    return told


async def test_a_push_is_cross_posted_once_and_a_refusing_channel_is_reported(api, engine, tmp_path):
    api.channels[CAMPAIGN] = True
    api.channels[SCHOOL] = False  # the school's channel never made the bot an admin
    with session_scope(engine) as session:
        session.get(School, 1).telegram_channel = SCHOOL
    publish_to(engine, 20, config=CoreConfig(telegram_channel=CAMPAIGN))
    told = await _push(api, engine, tmp_path)

    posts = api.sent_to(CAMPAIGN)
    assert len(posts) == 1 and "reply_markup" not in posts[0]
    assert f"{PUBLIC_URL}/cau-chuyen/1" in posts[0]["text"] and "trồng 500 cây xanh" in posts[0]["text"]
    assert api.sent_to(int(SCHOOL)) == [] and len(told) == 1 and SCHOOL in told[0] and "quản trị viên" in told[0]
    assert Counter(statuses(engine).values()) == {"sent": 20}
    members = Counter(int(p["chat_id"]) for p in api.calls_of("sendMessage") if str(p["chat_id"]).isdigit())
    assert set(members) == set(range(FIRST_CHAT, FIRST_CHAT + 20)) and max(members.values()) == 1
    with session_scope(engine) as session:
        rows = session.exec(select(Member.chat_id, Delivery.status, Delivery.id).join(Member).where(Member.role == "channel")).all()
        refused = session.exec(select(Member).where(Member.chat_id == SCHOOL)).one()
    assert {chat: status for chat, status, _ in rows} == {CAMPAIGN: "sent", SCHOOL: "failed"}
    assert max(delivery_id for *_, delivery_id in rows) <= 2  # the channels come first in the push
    assert not refused.blocked and refused.school_id is None  # tried again next time; counted nowhere


async def test_a_cross_post_that_fails_otherwise_is_not_reported_as_a_refusal(api, engine, tmp_path, caplog):
    """Only a refusal means the bot is no admin there; a rejected message or a server that kept
    failing is the platform's trouble, logged for whoever runs the bot."""
    api.channels[CAMPAIGN] = api.channels[SCHOOL] = True
    with session_scope(engine) as session:
        session.get(School, 1).telegram_channel = SCHOOL
    publish_to(engine, 3, config=CoreConfig(telegram_channel=CAMPAIGN))
    api.fail("sendMessage", 400, "Bad Request: message is too long", chat_id=CAMPAIGN)
    api.fail("sendMessage", 502, "Bad Gateway", chat_id=int(SCHOOL), times=4)  # every try
    told = await _push(api, engine, tmp_path, retry_delays=(0, 0, 0))
    assert told == [] and Counter(statuses(engine).values()) == {"sent": 3}
    with session_scope(engine) as session:
        rows = session.exec(select(Member.chat_id, Delivery.status).join(Member).where(Member.role == "channel")).all()
    assert dict(rows) == {CAMPAIGN: "failed", SCHOOL: "failed"}
    assert f"cross-post to the channel {CAMPAIGN} failed" in caplog.text


async def test_pushes_and_cross_posts_name_an_author_only_as_the_wall_does(api, engine, tmp_path):
    """A name is published only for a 16+ author who chose it and is still a member: never a
    child's (stored by mistake), never after its author erased their data."""
    api.channels[CAMPAIGN] = True
    config = CoreConfig(telegram_channel=CAMPAIGN)
    morning = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(hour=9)
    names = {"Hoàng Văn Tí": False, "Lục Thị Mai": True, "Nguyễn Thị Lan": True}  # name: 16+
    with session_scope(engine) as session:
        reader = Member(channel="telegram", platform_id="7", chat_id="7", school_id=1, consented_at=utcnow(), daily=True, weekly=True)
        session.add(reader)
        for day, (name, adult) in enumerate(names.items()):
            author = Member(channel="telegram", platform_id=name, chat_id=None, display_name=name, adult=adult, school_id=1,
                            consented_at=utcnow(), daily=False, weekly=False)
            session.add(author)
            session.flush()
            session.add(Story(text=f"Câu chuyện của {day}: một việc tốt.", member_id=author.id, school_id=1, status="approved",
                              slot="daily", show_name=True, author_name=name, decided_at=utcnow()))
    for day in range(len(names)):
        with session_scope(engine) as session:
            assert publish_slot(session=session, kind="daily", now=morning + timedelta(days=day), config=config).status == "published"
    with session_scope(engine) as session:  # Mai erases her data once her story is out, before it is sent
        repo.erase_member(session=session, member=session.exec(select(Member).where(Member.display_name == "Lục Thị Mai")).one())
        session.get(Story, 2).author_name = "Lục Thị Mai"  # as if the name had outlived the erasure
    await _push(api, engine, tmp_path)
    for chat in (CAMPAIGN, 7):
        texts_seen = api.sent_texts(chat)
        assert len(texts_seen) == 3, chat
        named = [name for name in names if any(name in text for text in texts_seen)]
        assert named == ["Nguyễn Thị Lan"], texts_seen


async def test_a_school_announcement_goes_to_the_schools_channel_too(api, engine, tmp_path):
    api.channels[SCHOOL] = True
    with session_scope(engine) as session:
        session.get(School, 1).telegram_channel = SCHOOL
    announce_to(engine, 5)
    await _push(api, engine, tmp_path)
    posts = api.sent_to(int(SCHOOL))
    assert len(posts) == 1 and "dọn vệ sinh khu ký túc xá" in posts[0]["text"] and "reply_markup" not in posts[0]
    assert Counter(statuses(engine).values()) == {"sent": 5}


async def test_an_editor_setting_a_channel_where_the_bot_is_no_admin_is_told_at_once(api, make_channel, engine):
    api.channels["@tintot_cdcb"] = True
    api.channels["@tintot_hoaan"] = False
    core = Core(engine=engine, config=CoreConfig(admins=frozenset({("telegram", "900")})))
    handled: Counter = Counter()
    core.attach(await make_channel(counting(core.handle, handled), start=False))
    await core.channels["telegram"].start()
    editor = Chat(api, handled, 900, "Cô Hoa")
    fine = await editor.say("/kenh CDCB @tintot_cdcb")
    assert len(fine) == 1 and "Đã đặt kênh @tintot_cdcb" in fine[0]["text"]
    refused = await editor.say("/kenh HOAAN @tintot_hoaan")
    assert "Đã đặt kênh @tintot_hoaan" in refused[0]["text"]
    assert "không đăng được lên kênh Telegram @tintot_hoaan" in refused[-1]["text"] and len(refused) == 2
    missing = await editor.say("/kenh CDCB @khong_co_kenh")
    assert "@khong_co_kenh" in missing[-1]["text"] and "quản trị viên" in missing[-1]["text"]


async def test_at_start_a_campaign_channel_that_refuses_posts_is_told_to_the_admins(api, engine, database_url, tmp_path):
    api.channels[CAMPAIGN] = False
    with session_scope(engine) as session:
        session.add(Member(channel="telegram", platform_id="900", chat_id="900"))
    settings = Settings(_env_file=None, database_url=database_url, telegram_bot_token=api.token, telegram_bot_api_url=api.url,
                        tintot_admins="telegram:900", telegram_channel_id=CAMPAIGN, tintot_media_dir=str(tmp_path / "media"),
                        tintot_http_port=0)
    stop = asyncio.Event()
    running = asyncio.create_task(run_channels(settings, stop=stop))
    await until(lambda: api.sent_texts(900))
    stop.set()
    await asyncio.wait_for(running, 5)
    assert CAMPAIGN in api.sent_texts(900)[0] and "quản trị viên" in api.sent_texts(900)[0]
