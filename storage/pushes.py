"""Posts, deliveries and reactions: the queries behind the daily and weekly pushes.

Crash safety rests on three rules kept here: a post is unique per (kind, slot_date); deliveries
are created with their post in one transaction; a delivery is marked `sending` and committed
before its message leaves, so after a crash it is never sent twice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import wall
from storage.models import Announcement, Delivery, Event, Member, Post, Reaction, School, Story, StoryStatus, UTCDateTime, utcnow

WINDOW = 32
_DELIVERY = Delivery.__table__  # a push's hot statements are Core statements on the table


def post_for(*, session: Session, kind: str, slot_date: date) -> Post | None:
    return session.exec(select(Post).where(Post.kind == kind, Post.slot_date == slot_date)).first()


def next_daily_story(*, session: Session) -> Story | None:
    """The oldest approved daily item not yet published."""
    return session.exec(
        select(Story).where(Story.status == StoryStatus.APPROVED, Story.slot == "daily").order_by(Story.decided_at, Story.id)
    ).first()


def queued_daily(*, session: Session, limit: int) -> Sequence[Story]:
    return session.exec(
        select(Story).where(Story.status == StoryStatus.APPROVED, Story.slot == "daily").order_by(Story.decided_at, Story.id).limit(limit)
    ).all()


def approved_weekly(*, session: Session) -> Story | None:
    """The oldest story a moderator approved as a weekly story and not yet published."""
    return session.exec(
        select(Story).where(Story.status == StoryStatus.APPROVED, Story.slot == "weekly").order_by(Story.decided_at, Story.id)
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
        .where(Story.status == StoryStatus.PUBLISHED)  # not one taken down since
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
        .where(Story.id == story.id, col(Story.status).in_((StoryStatus.APPROVED, StoryStatus.PUBLISHED)))
        .values(status=StoryStatus.PUBLISHED, published_at=sa.func.coalesce(Story.published_at, now))
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


def first_in_line(*, channel: str | sa.BindParameter, status: str, size: int) -> sa.ScalarSelect:
    """The ids of a channel's first `size` deliveries in `status`, for a conditional UPDATE; on
    PostgreSQL it skips rows another sender has locked. `channel` may be a bound parameter."""
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
    PostgreSQL the inner select skips rows another sender has locked. A second statement reads
    what the sender needs of each row's member and post. Both are Core statements built once:
    the session holds no deliveries to keep in step, and building statements and the ORM's
    bookkeeping cost more than the SQL (docs/benchmarks.md).
    """
    now = utcnow()
    connection = session.connection()  # Core, past the ORM: the session holds no deliveries
    claiming = {"of_channel": channel, "now": now, "owner": owner, "until": now + lease}
    ids = connection.execute(_claim_statement(size), claiming).scalars().all()
    if not ids:
        return []
    rows = connection.execute(_CLAIMED, {"ids": ids})
    return [_claimed(row) for row in rows]


@functools.cache
def _claim_statement(size: int) -> sa.Update:
    when = _DELIVERY.c.updated_at.type
    return (
        sa.update(_DELIVERY)
        .where(_DELIVERY.c.id.in_(first_in_line(channel=sa.bindparam("of_channel"), status="waiting", size=size)))
        .values(
            status="sending", attempts=_DELIVERY.c.attempts + 1, updated_at=sa.bindparam("now", type_=when),
            lease_owner=sa.bindparam("owner"), lease_until=sa.bindparam("until", type_=when),
        )
        .returning(_DELIVERY.c.id)
    )


_CLAIMED = (
    select(
        Delivery.id, Delivery.post_id, Delivery.member_id, Member.chat_id, Member.school_id, Member.daily, Member.weekly,
        Member.school_news, Member.blocked, Member.role, Member.banned_at, Post.kind,
    )
    .join(Member, Member.id == Delivery.member_id)
    .join(Post, Post.id == Delivery.post_id)
    .where(col(Delivery.id).in_(sa.bindparam("ids", expanding=True)))
    .order_by(Delivery.id)
)


def _claimed(row: sa.Row) -> Claimed:
    """A claimed row as the sender needs it: still wanted unless the member unsubscribed from
    this kind of post, blocked the bot, was banned or erased since the post was created."""
    to_channel = row.role == "channel"
    wanted = to_channel or wants(row.kind, daily=row.daily, weekly=row.weekly, school_news=row.school_news)
    wanted = wanted and not row.blocked and row.banned_at is None and row.chat_id is not None
    return Claimed(row.id, row.post_id, row.member_id, row.chat_id, row.school_id, wanted, to_channel)


def record_results(
    *, session: Session, results: dict[str, list[Claimed]], channel: str, refs: dict[int, str] | None = None
) -> None:
    """Writes what the platform answered: each row's status with the platform's message id
    (`refs`, by delivery id, so a takedown can delete it) in one statement run for every row,
    and events for the sent and blocked.

    Rows are matched by id whatever their status, so a result still lands on a row that a
    restarting process had meanwhile marked `unknown`.
    """
    now = utcnow()
    refs = refs or {}
    rows = [
        {"delivery_id": r.delivery_id, "new_status": status, "ref": refs.get(r.delivery_id), "now": now}
        for status, claimed in results.items()
        for r in claimed
    ]
    connection = session.connection()  # Core, past the ORM: the session holds no deliveries
    if rows:
        connection.execute(_RECORD, rows)
    events = [
        {"kind": "delivered", "member_id": r.member_id, "school_id": r.school_id, "channel": channel, "post_id": r.post_id, "at": now}
        for r in results.get("sent", [])
    ]
    blocked = results.get("blocked", [])
    if blocked:
        connection.execute(
            sa.update(Member.__table__)
            .where(Member.__table__.c.id.in_([r.member_id for r in blocked]))
            .values(blocked=True, daily=False, weekly=False)
        )
        events += [
            {"kind": "blocked", "member_id": r.member_id, "school_id": r.school_id, "channel": channel, "post_id": r.post_id, "at": now}
            for r in blocked
        ]
    if events:
        connection.execute(sa.insert(Event.__table__), events)


_RECORD = (
    sa.update(_DELIVERY)
    .where(_DELIVERY.c.id == sa.bindparam("delivery_id"))
    .values(
        status=sa.bindparam("new_status"),
        updated_at=sa.bindparam("now", type_=_DELIVERY.c.updated_at.type),
        lease_until=None,
        message_ref=sa.func.coalesce(sa.bindparam("ref", type_=sa.String), _DELIVERY.c.message_ref),
    )
)


@dataclass(frozen=True)
class Contents:
    """What a pushed post shows, as it stands now: its story (with the school and whether the
    author may be named, `storage.wall`) or its announcement (with the school that sends it)."""

    post: Post
    story: Story | None
    announcement: Announcement | None
    school: School | None
    author_adult: bool


def contents(*, session: Session, post_ids: Iterable[int]) -> dict[int, Contents]:
    """The posts' contents by post id, in one statement."""
    rows = session.execute(
        select(Post, Story, Announcement, School, Member)
        .join(Story, col(Story.id) == Post.story_id, isouter=True)
        .join(Announcement, col(Announcement.id) == Post.announcement_id, isouter=True)
        .join(School, School.id == sa.func.coalesce(Announcement.school_id, Story.school_id), isouter=True)
        .join(Member, col(Member.id) == Story.member_id, isouter=True)
        .where(col(Post.id).in_(list(post_ids)))
    )
    return {post.id: Contents(post, story, announcement, school, wall.adult_author(author)) for post, story, announcement, school, author in rows}


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
