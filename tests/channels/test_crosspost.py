"""Cross-posts to Telegram channels through the real Telegram channel and the fake Bot API: the
campaign's channel gets each push once, with a link to its story page; a channel where the bot
is no admin is reported to the editors and holds nothing else up."""

from collections import Counter

from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.delivery import Sender
from bot.settings import Settings
from handlers.context import CoreConfig
from storage.db import session_scope
from storage.models import Delivery, Member, School
from tests.campaign import FIRST_CHAT, publish_to, statuses

CAMPAIGN = "@tintot_caobang"
SCHOOL = "-1001234567890"
PUBLIC_URL = "https://tintot.example.vn"


async def _no_updates(incoming):
    return None


async def test_a_push_is_cross_posted_once_and_a_refusing_channel_is_reported(api, engine, tmp_path):
    api.channels[CAMPAIGN] = True
    api.channels[SCHOOL] = False  # the school's channel never made the bot an admin
    with session_scope(engine) as session:
        session.get(School, 1).telegram_channel = SCHOOL
    publish_to(engine, 20, config=CoreConfig(telegram_channel=CAMPAIGN))
    told: list[str] = []

    async def tell(text: str) -> None:
        told.append(text)

    settings = Settings(_env_file=None, telegram_bot_token=api.token, telegram_bot_api_url=api.url, tintot_media_dir=str(tmp_path))
    channel = TelegramChannel(settings, _no_updates)
    await channel.start()
    sender = Sender(engine=engine, channel=channel, rate=500, on_outage=tell, public_url=PUBLIC_URL)
    try:
        while await sender.send_window():
            pass
    finally:
        await channel.stop()

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
