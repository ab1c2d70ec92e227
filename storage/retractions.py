"""Taking a pushed story back: which deliveries can still be deleted, and their progress.

A retraction follows the push's own crash rules: rows are marked `deleting` under the sender's
lease and committed before the platform is asked, and the answer is recorded after (`retracted`
or `retract_failed`). Rows whose sender is gone (its lease ran out) are asked again: deleting
twice only fails the second time. A live sender's rows are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Delivery, Member, Post, Story, StoryStatus, utcnow
from storage.pushes import first_in_line

WINDOW = 32
RETRACTING = ("retracting", "deleting")


def delivery_of(*, session: Session, post_id: int, member_id: int) -> Delivery | None:
    return session.exec(select(Delivery).where(Delivery.post_id == post_id, Delivery.member_id == member_id)).first()


@dataclass(frozen=True)
class Kept:
    """Why reached members' messages stay: counts by cause, for the moderator's answer."""

    no_delete: dict[str, int] = field(default_factory=dict)  # by channel where the bot cannot delete
    too_old: int = 0  # past the platform's window for deleting
    unknown: int = 0  # not known whether they arrived (a crash mid-send)

    @property
    def total(self) -> int:
        return sum(self.no_delete.values()) + self.too_old + self.unknown


def retract(*, session: Session, story_id: int, windows: dict[str, datetime]) -> tuple[int, Kept]:
    """Cancels the story's unsent deliveries and queues the deletable ones for deletion.

    `windows` names the channels that can delete and since when a message is still deletable.
    Returns (queued for deletion, reached members whose message stays, by cause).
    """
    posts = select(Post.id).where(Post.story_id == story_id)
    ours = col(Delivery.post_id).in_(posts)
    session.execute(sa.update(Delivery).where(ours, Delivery.status == "waiting").values(status="cancelled", updated_at=utcnow()))
    queued = 0
    for channel, since in windows.items():
        queued += session.execute(
            sa.update(Delivery)
            .where(ours, Delivery.channel == channel, Delivery.status == "sent", col(Delivery.message_ref).is_not(None),
                   Delivery.updated_at >= since)
            .values(status="retracting", updated_at=utcnow())
        ).rowcount
    kept = session.exec(
        select(Delivery.channel, Delivery.status, sa.func.count())
        .where(ours, col(Delivery.status).in_(("sent", "unknown", "sending")))
        .group_by(Delivery.channel, Delivery.status)
    ).all()
    no_delete: dict[str, int] = {}
    too_old = unknown = 0
    for channel, status, rows in kept:
        if status != "sent":
            unknown += rows
        elif channel in windows:
            too_old += rows
        else:
            no_delete[channel] = no_delete.get(channel, 0) + rows
    return queued, Kept(no_delete, too_old, unknown)


def retract_late(*, session: Session, delivery_ids: list[int]) -> int:
    """Messages just sent whose story was taken down while their window was in flight (the
    takedown saw them `sending`): queued for deletion like the rest. Returns how many."""
    return session.connection().execute(_RETRACT_LATE, {"ids": delivery_ids, "now": utcnow()}).rowcount


# Built once, a Core statement: it runs after every window of a channel that can delete.
_DELIVERY = Delivery.__table__
_RETRACT_LATE = (
    sa.update(_DELIVERY)
    .where(
        _DELIVERY.c.id.in_(sa.bindparam("ids", expanding=True)),
        _DELIVERY.c.status == "sent",
        _DELIVERY.c.post_id.in_(select(Post.id).join(Story, Story.id == Post.story_id).where(Story.status == StoryStatus.RETRACTED)),
    )
    .values(status="retracting", updated_at=sa.bindparam("now", type_=_DELIVERY.c.updated_at.type))
)


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    post_id: int
    chat_id: str | None
    message_ref: str


def claim(*, session: Session, channel: str, owner: str, lease: timedelta, size: int = WINDOW) -> list[Claimed]:
    """Marks up to `size` deliveries waiting for deletion `deleting` under `owner`'s lease
    (committed by the caller)."""
    now = utcnow()
    rows = session.execute(
        sa.update(Delivery)
        .where(col(Delivery.id).in_(first_in_line(channel=channel, status="retracting", size=size)))
        .values(status="deleting", updated_at=now, lease_owner=owner, lease_until=now + lease)
        .returning(Delivery.id, Delivery.post_id, Delivery.member_id, Delivery.message_ref)
    ).all()
    chats = dict(session.execute(select(Member.id, Member.chat_id).where(col(Member.id).in_([r[2] for r in rows]))).all())
    return [Claimed(delivery_id, post_id, chats.get(member_id), ref) for delivery_id, post_id, member_id, ref in sorted(rows)]


def record(*, session: Session, deleted: list[int], failed: list[int]) -> None:
    for status, ids in (("retracted", deleted), ("retract_failed", failed)):
        if ids:
            session.execute(
                sa.update(Delivery).where(col(Delivery.id).in_(ids)).values(status=status, updated_at=utcnow(), lease_until=None)
            )


def finished(*, session: Session, post_ids: set[int]) -> list[tuple[int, int, int]]:
    """(story id, deleted, not deleted) of each of these posts whose retraction is over."""
    done = []
    for post_id in sorted(post_ids):
        counts = dict(session.execute(
            select(Delivery.status, sa.func.count()).where(Delivery.post_id == post_id).group_by(Delivery.status)
        ).all())
        if not any(counts.get(status) for status in RETRACTING):
            done.append((session.get(Post, post_id).story_id, counts.get("retracted", 0), counts.get("retract_failed", 0)))
    return done


def requeue_interrupted(*, session: Session, channel: str | None = None, every_lease: bool = False) -> int:
    """Deletions whose sender is gone (lease ran out; any, for a process alone on the database)
    are asked again."""
    query = sa.update(Delivery).where(Delivery.status == "deleting")
    if not every_lease:
        query = query.where(sa.or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) < utcnow()))
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    return session.execute(query.values(status="retracting", lease_until=None)).rowcount
