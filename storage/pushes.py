"""Posts, deliveries and reactions: the queries behind the daily and weekly pushes.

Crash safety rests on three rules kept here: a post is unique per (kind, slot_date); deliveries
are created with their post in one transaction; a delivery is marked `sending` and committed
before its message leaves, so after a crash it is never sent twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Announcement, Delivery, Event, Member, Post, Reaction, Story, UTCDateTime, utcnow

WINDOW = 32


def post_for(*, session: Session, kind: str, slot_date: date) -> Post | None:
    return session.exec(select(Post).where(Post.kind == kind, Post.slot_date == slot_date)).first()


def next_daily_story(*, session: Session) -> Story | None:
    """The oldest approved daily item not yet published."""
    return session.exec(
        select(Story).where(Story.status == "approved", Story.slot == "daily").order_by(Story.decided_at, Story.id)
    ).first()


def queued_daily(*, session: Session, limit: int) -> Sequence[Story]:
    return session.exec(
        select(Story).where(Story.status == "approved", Story.slot == "daily").order_by(Story.decided_at, Story.id).limit(limit)
    ).all()


def approved_weekly(*, session: Session) -> Story | None:
    """The oldest story a moderator approved as a weekly story and not yet published."""
    return session.exec(
        select(Story).where(Story.status == "approved", Story.slot == "weekly").order_by(Story.decided_at, Story.id)
    ).first()


def next_weekly_story(*, session: Session, week_start: date) -> Story | None:
    """The story approved for the week, else the daily item of the week with the most hearts
    (among those still published)."""
    chosen = approved_weekly(session=session)
    if chosen is not None:
        return chosen
    hearts = sa.func.count(Reaction.id)
    best = session.exec(
        select(Post.story_id, hearts)
        .join(Reaction, sa.and_(Reaction.post_id == Post.id, Reaction.kind == "heart"), isouter=True)
        .join(Story, Story.id == Post.story_id)
        .where(Post.kind == "daily", Post.slot_date >= week_start, Post.slot_date < week_start + timedelta(days=7))
        .where(Story.status == "published")  # not one taken down since
        .group_by(Post.story_id)
        .order_by(hearts.desc(), Post.story_id)
    ).first()
    return session.get(Story, best[0]) if best else None


def create_post(
    *, session: Session, kind: str, slot_date: date, story: Story, now: datetime, lead: Sequence[Member] = ()
) -> Post | None:
    """Creates the slot's post and one waiting delivery per member subscribed now; `lead` (the
    channels that cross-post it) get theirs first, so a channel's readers are not kept waiting.

    Returns None when the slot already has a post (another process or a moderator was first), or
    when the story was taken down since it was chosen; the caller's transaction is then still usable.
    """
    try:
        with session.begin_nested():
            if not _mark_published(session, story, now):
                return None
            post = Post(kind=kind, slot_date=slot_date, story_id=story.id, created_at=now)
            session.add(post)
            session.flush()
    except IntegrityError:
        return None
    add_lead(session=session, post=post, lead=lead, now=now)
    wants = Member.daily if kind == "daily" else Member.weekly
    add_deliveries(session=session, post=post, now=now, recipients=wants == True)  # noqa: E712
    return post


def _mark_published(session: Session, story: Story, now: datetime) -> bool:
    """The story becomes published, unless it was taken down since it was chosen. A conditional
    UPDATE, first: a takedown running at the same moment either went first (nothing is created)
    or waits for this transaction on the story's row (and then cancels the deliveries made here)."""
    marked = session.execute(
        sa.update(Story)
        .where(Story.id == story.id, col(Story.status).in_(("approved", "published")))
        .values(status="published", published_at=sa.func.coalesce(Story.published_at, now))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(story)
    return marked == 1


def add_lead(*, session: Session, post: Post, lead: Sequence[Member], now: datetime) -> None:
    """Deliveries for the channels that cross-post `post`, made before its members' so that the
    sender (which goes by id) gives them theirs first."""
    session.add_all(Delivery(post_id=post.id, member_id=m.id, channel=m.channel, updated_at=now) for m in lead)
    session.flush()


def add_deliveries(*, session: Session, post: Post, now: datetime, recipients: sa.ColumnElement[bool]) -> None:
    """One waiting delivery per member who matches `recipients` and can be reached now.

    In SQL, not in Python: a push to 100,000 members never loads them into memory."""
    subscribers = select(
        sa.literal(post.id), Member.id, Member.channel, sa.literal("waiting"), sa.literal(0), sa.literal(now, UTCDateTime())
    ).where(
        recipients,
        Member.blocked == False,  # noqa: E712
        col(Member.chat_id).is_not(None),
        col(Member.banned_at).is_(None),
    )
    columns = ["post_id", "member_id", "channel", "status", "attempts", "updated_at"]
    session.execute(sa.insert(Delivery).from_select(columns, subscribers))


def wants(kind: str, *, daily: bool, weekly: bool, school_news: bool) -> bool:
    """Whether a member with these settings still wants a post of this kind."""
    if kind == "daily":
        return daily
    if kind == "weekly":
        return weekly
    return (daily or weekly) and school_news


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    post_id: int
    member_id: int
    chat_id: str | None
    school_id: int | None
    still_wanted: bool
    to_channel: bool = False  # a Telegram channel that cross-posts (see storage.crossposts)


def first_in_line(*, channel: str, status: str, size: int) -> sa.ScalarSelect:
    """The ids of a channel's first `size` deliveries in `status`, for a conditional UPDATE; on
    PostgreSQL it skips rows another sender has locked."""
    return (
        select(Delivery.id)
        .where(Delivery.channel == channel, Delivery.status == status)
        .order_by(Delivery.id)
        .limit(size)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )


def claim_window(*, session: Session, channel: str, owner: str, lease: timedelta, size: int = WINDOW) -> list[Claimed]:
    """Marks up to `size` waiting deliveries `sending` under `owner`'s lease (committed by the
    caller before sending).

    One UPDATE … WHERE id IN (…) statement, so two senders cannot claim the same rows; on
    PostgreSQL the inner select skips rows another sender has locked.
    """
    now = utcnow()
    claimed = session.execute(
        sa.update(Delivery)
        .where(col(Delivery.id).in_(first_in_line(channel=channel, status="waiting", size=size)))
        .values(status="sending", attempts=Delivery.attempts + 1, updated_at=now, lease_owner=owner, lease_until=now + lease)
        .returning(Delivery.id, Delivery.post_id, Delivery.member_id)
    ).all()
    if not claimed:
        return []
    members = {
        row.id: row
        for row in session.execute(
            select(
                Member.id, Member.chat_id, Member.school_id, Member.daily, Member.weekly, Member.school_news, Member.blocked,
                Member.role, Member.banned_at,
            ).where(
                col(Member.id).in_([member_id for _, _, member_id in claimed])
            )
        )
    }
    kinds = dict(session.execute(select(Post.id, Post.kind).where(col(Post.id).in_({post_id for _, post_id, _ in claimed}))).all())
    result = []
    for delivery_id, post_id, member_id in sorted(claimed):
        member = members[member_id]
        to_channel = member.role == "channel"
        wanted = to_channel or wants(kinds[post_id], daily=member.daily, weekly=member.weekly, school_news=member.school_news)
        wanted = wanted and not member.blocked and member.banned_at is None and member.chat_id is not None
        result.append(Claimed(delivery_id, post_id, member_id, member.chat_id, member.school_id, wanted, to_channel))
    return result


def record_results(
    *, session: Session, results: dict[str, list[Claimed]], channel: str, refs: dict[int, str] | None = None
) -> None:
    """Writes what the platform answered: one UPDATE per status, events for the sent and blocked,
    and the platform's message ids (`refs`, by delivery id) so a takedown can delete them.

    Rows are matched by id whatever their status, so a result still lands on a row that a
    restarting process had meanwhile marked `unknown`.
    """
    now = utcnow()
    for status, rows in results.items():
        if not rows:
            continue
        session.execute(
            sa.update(Delivery)
            .where(col(Delivery.id).in_([r.delivery_id for r in rows]))
            .values(status=status, updated_at=now, lease_until=None)
        )
    if refs:
        session.execute(
            sa.update(Delivery.__table__).where(Delivery.__table__.c.id == sa.bindparam("delivery_id")).values(message_ref=sa.bindparam("ref")),
            [{"delivery_id": delivery_id, "ref": ref} for delivery_id, ref in refs.items()],
        )
    events = [
        {"kind": "delivered", "member_id": r.member_id, "school_id": r.school_id, "channel": channel, "post_id": r.post_id, "at": now}
        for r in results.get("sent", [])
    ]
    blocked = results.get("blocked", [])
    if blocked:
        session.execute(
            sa.update(Member).where(col(Member.id).in_([r.member_id for r in blocked])).values(blocked=True, daily=False, weekly=False)
        )
        events += [
            {"kind": "blocked", "member_id": r.member_id, "school_id": r.school_id, "channel": channel, "post_id": r.post_id, "at": now}
            for r in blocked
        ]
    if events:
        session.execute(sa.insert(Event), events)


def renew_leases(*, session: Session, delivery_ids: list[int], owner: str, lease: timedelta) -> int:
    """Extends `owner`'s lease on its rows still in flight (`sending`, or `deleting` for a
    retraction): a window slowed by flood control."""
    return session.execute(
        sa.update(Delivery)
        .where(col(Delivery.id).in_(delivery_ids), col(Delivery.status).in_(("sending", "deleting")), Delivery.lease_owner == owner)
        .values(lease_until=utcnow() + lease)
    ).rowcount


def mark_interrupted(*, session: Session, channel: str | None = None, every_lease: bool = False) -> int:
    """Deliveries whose sender is gone (their lease ran out; rows from before leases have none)
    may or may not have arrived: `unknown`. A live sender's rows are never touched; only a process
    that knows it is alone on the database (SQLite) passes `every_lease`."""
    now = utcnow()
    query = sa.update(Delivery).where(Delivery.status == "sending")
    if not every_lease:
        query = query.where(sa.or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) < now))
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    return session.execute(query.values(status="unknown", updated_at=now, lease_until=None)).rowcount


@dataclass(frozen=True)
class Progress:
    post: Post
    counts: dict[str, int]

    @property
    def waiting(self) -> int:
        return self.counts.get("waiting", 0) + self.counts.get("sending", 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def progress(*, session: Session, post: Post) -> Progress:
    counts = dict(
        session.execute(select(Delivery.status, sa.func.count()).where(Delivery.post_id == post.id).group_by(Delivery.status)).all()
    )
    return Progress(post, counts)


def latest_post(*, session: Session, school_id: int | None = None) -> Post | None:
    """The latest push; with `school_id`, the latest announcement of that school."""
    query = select(Post)
    if school_id is not None:
        query = query.join(Announcement, Announcement.id == Post.announcement_id).where(Announcement.school_id == school_id)
    return session.exec(query.order_by(col(Post.id).desc())).first()


def react(*, session: Session, post_id: int, member: Member, kind: str) -> bool:
    """One reaction of a kind per member and post; False if it was there already."""
    try:
        with session.begin_nested():
            session.add(Reaction(post_id=post_id, member_id=member.id, kind=kind))
            session.flush()
    except IntegrityError:
        return False
    session.add(Event(kind="reacted", member_id=member.id, school_id=member.school_id, channel=member.channel, post_id=post_id))
    return True


def recent_delivery(*, session: Session, member_id: int, since: datetime) -> Delivery | None:
    """The member's latest push that reached them after `since` (for replies such as "1" on Zalo)."""
    return session.exec(
        select(Delivery)
        .where(Delivery.member_id == member_id, Delivery.status == "sent", Delivery.updated_at >= since)
        .order_by(col(Delivery.id).desc())
    ).first()
