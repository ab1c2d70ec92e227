"""Random updates through each channel's real parser and the core (property-based, hypothesis).

Any text (control characters, right-to-left marks, emoji, 5,000 characters, empty), unknown and
forged button data, photos without captions, edited messages, group and channel updates: no
exception escapes, every private message is answered (or gets the flood answer), and no forged
button changes anything.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.channels.telegram.updates import to_incoming
from bot.channels.zalo import ZaloChannel
from bot.core import Core
from bot.database import open_database
from bot.media import MediaStore
from bot.settings import Settings
from content import texts
from content.screening import substance
from handlers.context import CoreConfig
from handlers.io import Incoming
from handlers.submission import MIN_STORY
from storage.db import session_scope
from storage.models import Announcement, Delivery, Member, Post, Reaction, Report, Story, utcnow
from tests.conftest import Clock, RecordingChannel

EXAMPLES = 600  # per channel: a few seconds each
USERS = ("101", "102", "103")
PUSH_MESSAGE = "555"  # the message id of the push user 101 received
ANSWERED = ("text", "photo", "sticker", "file", "other", "edited", "callback")

_ids = itertools.count(1)

texts_ = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("\u200b\u200f\u202e\u2066\x00\x07\n\t 😀🎉👍❤️ aăâđ09/@."), max_size=60),
    st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=5), st.integers(900, 1000)),
    st.sampled_from(["/start", "/start CDCB", "/gui", "/bai", "/xoa", "/truong", "/huongdan", "1", "2", "3", "tim",
                     "/duyet 1", "/tuchoi 1 không hay", "/chan telegram:101 spam quá", "/go 2 lý do gỡ",
                     "/baocao 2", "/sua 1 văn bản mới", "/dang ngay", "/tat", "/bat", "/mod telegram:102",
                     "²", "/baocao ²", "/duyet 99999999999", "/go ² lý do gỡ", "/start " + "A" * 40]),
    st.builds(lambda command, rest: f"{command} {rest}", st.sampled_from(["/gui", "/duyet", "/baocao", "/go"]), st.text(max_size=30)),
)
_KNOWN_TOKENS = st.sampled_from(["approve:1:daily", "approve:1:weekly", "reject:1", "school:HOAAN", "school:CDCB", "consent:yes",
                     "consent:no", "age:adult", "age:child", "erase:yes", "erase:no", "showname:1:yes", "showname:2:no",
                     "react:1:heart", "react:1:clap", "react:2:heart", "report:1", "report:2", "report:9", "react:1", "x",
                     "showname:99999999999:yes", "react:²:heart", "report:٣", "approve:²:daily", "announce:1:send"])
tokens = st.integers(0, 9).flatmap(lambda n: st.text(max_size=64) if n == 0 else _KNOWN_TOKENS)
users = st.sampled_from(USERS)
message_refs = st.sampled_from([PUSH_MESSAGE, "556", "1", "2", "999"])


@st.composite
def telegram_updates(draw) -> dict:
    user = {"id": int(draw(users)), "is_bot": False, "first_name": draw(st.text(max_size=10))}
    private = {"id": user["id"], "type": "private"}
    groups = [{"id": -100, "type": "group"}, {"id": -200, "type": "supergroup"}]
    chat = draw(st.integers(0, 9).flatmap(lambda n: st.sampled_from(groups) if n == 0 else st.just(private)))
    message = {"message_id": next(_ids), "date": 1_767_225_600, "chat": chat, "from": user}
    body = draw(st.sampled_from(["text", "text", "photo", "sticker", "edited", "callback", "callback", "callback", "member", "channel"]))
    if body == "text":
        return {"message": message | {"text": draw(texts_)}}
    if body == "photo":
        caption = draw(st.one_of(st.none(), texts_))
        photo = {"photo": [{"file_id": "AgAC-x", "width": 90, "height": 90}]}
        return {"message": message | photo | ({"caption": caption} if caption is not None else {})}
    if body == "sticker":
        return {"message": message | {"sticker": {"file_id": "s"}}}
    if body == "edited":
        return {"edited_message": message | {"text": draw(texts_)}}
    if body == "callback":
        pressed = {"message_id": int(draw(message_refs)), "chat": chat}
        return {"callback_query": {"id": f"q{next(_ids)}", "from": user, "data": draw(tokens), "message": pressed}}
    if body == "member":
        status = draw(st.sampled_from(["kicked", "member", "left", "administrator"]))
        return {"my_chat_member": {"chat": chat, "from": user, "new_chat_member": {"status": status}}}
    return {"channel_post": {"message_id": 1, "chat": {"id": -300, "type": "channel"}, "text": draw(texts_)}}


@st.composite
def zalo_updates(draw) -> dict:
    event, content = draw(st.sampled_from([
        ("message.text.received", "text"), ("message.image.received", "photo"),
        ("message.sticker.received", "sticker"), ("message.unsupported.received", "none"), ("", "text"),
    ]))
    user = draw(users)
    chat = draw(st.sampled_from([{"id": user, "chat_type": "PRIVATE"}, {"id": "g1", "chat_type": "GROUP"}, {}]))
    message = {"from": {"id": user, "display_name": draw(st.text(max_size=10))}, "chat": chat,
               "message_id": f"z{next(_ids)}", "date": draw(st.one_of(st.integers(), st.text(max_size=5)))}
    if content == "text":
        message["text"] = draw(texts_)
    elif content == "photo":
        message["photo_url"] = "http://127.0.0.1:9/photo.jpg"  # nothing listens there: the photo cannot be kept
        message |= {"caption": draw(texts_)} if draw(st.booleans()) else {}
    return {"event_name": event, "message": message}


class Campaign:
    """One database and core for a whole run: students 101 (a pending story #1, and push #1 of
    story #2 delivered as message 555) and 102 (push #2, a school announcement, as message 556)
    joined, 103 a newcomer."""

    def __init__(self, tmp_path, channel: str) -> None:
        self.engine = open_database(f"sqlite:///{tmp_path / f'{channel}.db'}")
        self.clock = Clock()
        self.clock.set_local("2026-11-30 09:00")
        self.channel = RecordingChannel(channel)
        self.core = Core(engine=self.engine, config=CoreConfig(clock=self.clock), channels={channel: self.channel})
        self.name = channel

    async def setup(self) -> None:
        for user in USERS[:2]:
            for text in ("/start CDCB", "consent:yes", "age:adult"):
                kind = "callback" if ":" in text else "text"
                await self.core.handle(Incoming(self.name, user, user, "Lan", kind, text if kind == "text" else "",
                                                callback_data=text if kind == "callback" else None))
        await self.core.handle(Incoming(self.name, "101", "101", "Lan", text="/gui Câu chuyện đang chờ duyệt, đủ dài để nhận."))
        with session_scope(self.engine) as session:
            member = session.exec(select(Member).where(Member.platform_id == "101")).one()
            story = Story(text="Tin tốt đã đăng hôm nay.", status="published", published_at=utcnow())
            session.add(story)
            session.flush()
            post = Post(kind="daily", slot_date=self.clock().date(), story_id=story.id)
            session.add(post)
            session.flush()
            session.add(Delivery(post_id=post.id, member_id=member.id, channel=self.name, status="sent", message_ref=PUSH_MESSAGE))
            # Post #2, a school announcement (no story), reached 102 as message 556.
            other = session.exec(select(Member).where(Member.platform_id == "102")).one()
            announcement = Announcement(school_id=other.school_id, text="Thứ Hai chào cờ lúc 7 giờ.", status="sent")
            session.add(announcement)
            session.flush()
            notice = Post(kind="school", slot_date=self.clock().date(), announcement_id=announcement.id)
            session.add(notice)
            session.flush()
            session.add(Delivery(post_id=notice.id, member_id=other.id, channel=self.name, status="sent", message_ref="556"))

    def snapshot(self) -> tuple:
        """Everything a button could wrongly change."""
        with session_scope(self.engine) as session:
            members = session.exec(select(Member.id, Member.school_id, Member.consented_at, Member.adult, Member.role,
                                          Member.erased_at).order_by(Member.id)).all()
            stories = session.exec(select(Story.id, Story.status, Story.show_name, Story.text).order_by(Story.id)).all()
            counts = [session.exec(select(sa.func.count()).select_from(table)).one() for table in (Reaction, Report)]
        return tuple(members), tuple(stories), tuple(counts)

    def state_of(self, user: str) -> tuple[str | None, bool]:
        with session_scope(self.engine) as session:
            member = session.exec(select(Member).where(Member.channel == self.name, Member.platform_id == user)).first()
            return (member.state, bool(member.adult)) if member else (None, False)

    async def feed(self, incoming: Incoming | None) -> None:
        if incoming is None:
            return
        self.clock.now += timedelta(seconds=4)  # 15 a minute: under the flood limit
        before = len(self.channel.sent)
        state, adult = self.state_of(incoming.user_id)
        forged = incoming.kind == "callback" and _forged(incoming, state, adult)
        snapshot = self.snapshot() if forged else None
        acknowledgement = await self.core.handle(incoming)
        answers = [m for m in self.channel.sent[before:] if m.chat_id == incoming.chat_id]
        assert not any(m.text == texts.INTERNAL_ERROR for m in answers), incoming
        if incoming.kind in ANSWERED:
            assert answers or acknowledgement, incoming
        if incoming.kind == "group":
            assert all(m.text == texts.GROUP_CHAT for m in answers)
        with session_scope(self.engine) as session:  # noise is never taken as a story
            assert all(substance(text) >= MIN_STORY for text in session.exec(select(Story.text).where(Story.id > 2)).all())
        if forged:  # the presser's own member row may be new: it is made for any update
            members, stories, counts = self.snapshot()
            known = {row[0] for row in snapshot[0]}
            assert (tuple(m for m in members if m[0] in known), stories, counts) == snapshot, incoming


def _forged(incoming: Incoming, state: str | None, adult: bool) -> bool:
    """A button the member was not offered, or not in the state it was offered in."""
    prefix, *args = (incoming.callback_data or "").split(":")
    if prefix in ("consent", "age", "school", "erase"):
        return state != prefix
    if prefix == "react" and incoming.user_id == "102" and args[:1] == ["2"] and incoming.message_ref == "556":
        return False  # a reaction to the announcement 102 received
    if prefix in ("react", "report"):
        legit_push = incoming.user_id == "101" and args[:1] == ["1"] and incoming.message_ref == PUSH_MESSAGE
        return not legit_push
    if prefix == "showname":  # the author's own choice about their own unpublished story
        return not (incoming.user_id == "101" and adult and args[:1] == ["1"])
    return True


@pytest.fixture
def telegram_campaign(tmp_path):
    campaign = Campaign(tmp_path, "telegram")
    asyncio.run(campaign.setup())
    yield campaign
    campaign.engine.dispose()


@pytest.fixture
def zalo_campaign(tmp_path):
    campaign = Campaign(tmp_path, "zalo")
    asyncio.run(campaign.setup())
    settings_ = Settings(_env_file=None, zalo_bot_token="1:fuzz", zalo_bot_api_url="http://127.0.0.1:9")
    campaign.zalo = ZaloChannel(settings_, campaign.core.handle, MediaStore(tmp_path / "media"), request_timeout=1)
    yield campaign
    asyncio.run(campaign.zalo.stop())
    campaign.engine.dispose()


FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(update=telegram_updates())
def test_random_telegram_updates(telegram_campaign, update):
    update["update_id"] = next(_ids)
    asyncio.run(telegram_campaign.feed(to_incoming(update)))


@FUZZ
@given(update=zalo_updates())
def test_random_zalo_updates(zalo_campaign, update):
    async def through_the_parser():
        incoming = await zalo_campaign.zalo._to_incoming(update)
        await zalo_campaign.feed(incoming)

    asyncio.run(through_the_parser())
