"""A campaign in numbers for push tests and benchmarks: many subscribers and today's post."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from handlers.context import CoreConfig
from handlers.publishing import publish_slot
from storage.db import session_scope
from storage.models import Delivery, Member, Story, utcnow

FIRST_CHAT = 10_000


def publish_to(engine: sa.Engine, members: int, channel: str = "telegram", config: CoreConfig = CoreConfig()) -> None:
    """`members` subscribers (chat ids from FIRST_CHAT) of the first school, and today's daily
    post to them (a story of that school)."""
    now = utcnow()
    rows = [
        {"channel": channel, "platform_id": str(FIRST_CHAT + n), "chat_id": str(FIRST_CHAT + n), "school_id": 1,
         "consented_at": now, "daily": True, "weekly": True, "role": "student", "blocked": False, "created_at": now}
        for n in range(members)
    ]
    with session_scope(engine) as session:
        session.execute(sa.insert(Member), rows)
        session.add(Story(text="Tin tốt: cả trường cùng trồng 500 cây xanh.", school_id=1, status="approved", slot="daily", decided_at=now))
    morning = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(hour=9)
    with session_scope(engine) as session:
        assert publish_slot(session=session, kind="daily", now=morning, config=config).status == "published"


def statuses(engine: sa.Engine) -> dict[int, str]:
    """Each member's delivery status, by chat id (channels that cross-post left out)."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(Member.platform_id, Delivery.status).join(Member, Member.id == Delivery.member_id).where(Member.role != "channel")
        ).all()
    return {int(chat): status for chat, status in rows}
