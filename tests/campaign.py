"""A campaign in numbers for push tests and benchmarks: many subscribers and today's post, or
a school announcement."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from handlers.context import CoreConfig
from handlers.publishing import publish_slot
from storage import announcements, crossposts, pushes
from storage.db import session_scope
from storage.models import Announcement, Delivery, Member, Story, utcnow

FIRST_CHAT = 10_000


def publish_to(engine: sa.Engine, members: int, channel: str = "telegram", config: CoreConfig = CoreConfig()) -> None:
    """`members` subscribers (chat ids from FIRST_CHAT) of school 1, and today's daily post to
    them (a story of that school)."""
    now = _subscribers(engine, members, channel)
    with session_scope(engine) as session:
        session.add(Story(text="Tin tốt: cả trường cùng trồng 500 cây xanh.", school_id=1, status="approved", slot="daily", decided_at=now))
    morning = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(hour=9)
    with session_scope(engine) as session:
        assert publish_slot(session=session, kind="daily", now=morning, config=config).status == "published"


def announce_to(engine: sa.Engine, members: int, channel: str = "telegram") -> None:
    """`members` subscribers of school 1 and a confirmed announcement of that school to them (and
    to the school's Telegram channel, if it has one)."""
    now = _subscribers(engine, members, channel)
    with session_scope(engine) as session:
        announcement = Announcement(school_id=1, text="Thứ Sáu cả trường dọn vệ sinh khu ký túc xá.", status="held",
                                    day=now.date(), seq=1, send_at=now)
        session.add(announcement)
        session.flush()
        lead = crossposts.school_channels(session=session, school_id=1)
        assert announcements.publish(session=session, announcement=announcement, now=now, lead=lead) is not None


def _subscribers(engine: sa.Engine, members: int, channel: str) -> datetime:
    now = utcnow()
    rows = [
        {"channel": channel, "platform_id": str(FIRST_CHAT + n), "chat_id": str(FIRST_CHAT + n), "school_id": 1,
         "consented_at": now, "daily": True, "weekly": True, "role": "student", "blocked": False, "created_at": now}
        for n in range(members)
    ]
    with session_scope(engine) as session:
        session.execute(sa.insert(Member), rows)
    return now


def statuses(engine: sa.Engine) -> dict[int, str]:
    """Each member's delivery status, by chat id (channels that cross-post left out)."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(Member.platform_id, Delivery.status).join(Member, Member.id == Delivery.member_id).where(Member.role != "channel")
        ).all()
    return {int(chat): status for chat, status in rows}


def deliver_waiting(engine: sa.Engine) -> None:
    """The waiting pushes as the senders leave them: sent, each with its message id."""
    with session_scope(engine) as session:
        for channel in ("telegram", "zalo"):
            claimed = pushes.claim_window(session=session, channel=channel, owner="test", lease=timedelta(minutes=1))
            refs = {c.delivery_id: f"m{c.delivery_id}" for c in claimed}
            pushes.record_results(session=session, results={"sent": claimed}, channel=channel, refs=refs)


def message_ref_of(engine: sa.Engine, chat_id: str, post_id: int) -> str:
    """The message id of the push as it reached this chat."""
    with session_scope(engine) as session:
        return session.exec(
            select(Delivery.message_ref).join(Member, Member.id == Delivery.member_id)
            .where(Delivery.post_id == post_id, Member.chat_id == chat_id)
        ).one()
