"""The content calendar and the pushes as people see them: publishing a slot, /dang, /lich,
/tiendo, and reactions to a push.

Usage: the scheduler calls `publish_slot` at the slot times; moderators call it with /dang.
Both are safe to race: the post is unique per (kind, slot_date).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from sqlmodel import Session

from content import render, texts
from handlers import bans
from handlers.context import CoreConfig, Ctx, message_to, number
from handlers.io import Button, Outgoing
from storage import crossposts, pushes, repo, retractions, roles, wall
from storage.models import Announcement, Delivery, Member, Post, School, Story

QUIET_FROM, QUIET_UNTIL = time(21, 0), time(6, 0)
REACTION_WINDOW = timedelta(hours=24)
TYPED_REACTIONS = {"1": "heart", "tim": "heart", "❤": "heart", "❤️": "heart", "2": "clap", "👏": "clap"}
KIND_WORDS = {"ngay": "daily", "daily": "daily", "tuan": "weekly", "weekly": "weekly"}
LOW_QUEUE_DAYS = 2


@dataclass
class Published:
    """What publishing a slot did: `status` is published, exists, empty or quiet."""

    status: str
    kind: str
    slot_date: date
    post: Post | None = None
    recipients: int = 0
    notices: list[Outgoing] = field(default_factory=list)


def is_quiet(moment: datetime, config: CoreConfig) -> bool:
    local = moment.astimezone(config.timezone).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def slot_date(kind: str, moment: datetime, config: CoreConfig) -> date:
    """Today for the daily push; this week's push day (weeks start on Monday) for the weekly one."""
    today = moment.astimezone(config.timezone).date()
    if kind == "daily":
        return today
    return today - timedelta(days=today.weekday()) + timedelta(days=config.weekly_at[0])


def slot_start(kind: str, day: date, config: CoreConfig) -> datetime:
    clock = config.daily_at if kind == "daily" else config.weekly_at[1]
    return datetime.combine(day, clock, tzinfo=config.timezone)


def publish_slot(*, session: Session, kind: str, now: datetime, config: CoreConfig) -> Published:
    """Creates this slot's post with its deliveries, unless it exists, there is nothing to send,
    or it is night. Warns moderators once per slot when the queue is empty or running low."""
    day = slot_date(kind, now, config)
    existing = pushes.post_for(session=session, kind=kind, slot_date=day)
    if existing is not None:
        return Published("exists", kind, day, existing)
    if is_quiet(now, config):
        return Published("quiet", kind, day)
    story = (
        pushes.next_daily_story(session=session)
        if kind == "daily"
        else pushes.next_weekly_story(session=session, week_start=day - timedelta(days=day.weekday()))
    )
    result = Published("empty", kind, day)
    if story is None:
        warning = texts.PUSH_QUEUE_EMPTY[kind].format(date=day.strftime("%d/%m/%Y"))
        _warn_once(session, config, result, f"queue_empty:{kind}:{day}", warning)
        return result
    lead = crossposts.targets_for(session=session, story=story, campaign_chat=config.telegram_channel)
    post = pushes.create_post(session=session, kind=kind, slot_date=day, story=story, now=now, lead=lead)
    if post is None:  # another process or a moderator published this slot a moment ago
        existing = pushes.post_for(session=session, kind=kind, slot_date=day)
        if existing is None:  # no: the story was taken down a moment ago; the next one goes
            return publish_slot(session=session, kind=kind, now=now, config=config)
        return Published("exists", kind, day, existing)
    result.status, result.post = "published", post
    result.recipients = pushes.progress(session=session, post=post).total
    repo.add_event(session=session, kind="published", member=None, story_id=story.id, post_id=post.id, school_id=story.school_id)
    author = session.get(Member, story.member_id) if story.member_id else None
    if author is not None and (notice := message_to(author, _published_notice(story, config))):
        result.notices.append(notice)
    remaining = len(pushes.queued_daily(session=session, limit=LOW_QUEUE_DAYS))
    if kind == "daily" and remaining < LOW_QUEUE_DAYS:
        _warn_once(session, config, result, f"queue_low:{day}", texts.QUEUE_LOW.format(count=remaining))
    return result


def _published_notice(story: Story, config: CoreConfig) -> str:
    """The author's good news, with the story's page to share where there is a public address."""
    text = texts.AUTHOR_PUBLISHED.format(id=story.id)
    if config.public_url:
        text += "\n" + texts.AUTHOR_SHARE_LINK.format(url=render.esc(story_url(config.public_url, story.id)))
    return text


def story_url(public_url: str, story_id: int) -> str:
    return f"{public_url.rstrip('/')}/cau-chuyen/{story_id}"


def skip_slot(*, session: Session, kind: str, day: date, config: CoreConfig) -> list[Outgoing]:
    """A slot missed until quiet hours: not sent at night, reported to moderators once."""
    result = Published("skipped", kind, day)
    if pushes.post_for(session=session, kind=kind, slot_date=day) is not None:
        return []
    text = texts.SLOT_SKIPPED.format(kind=texts.KIND_NAMES[kind], date=day.strftime("%d/%m/%Y"))
    _warn_once(session, config, result, f"slot_skipped:{kind}:{day}", text)
    return result.notices


def _warn_once(session: Session, config: CoreConfig, result: Published, key: str, text: str) -> None:
    if repo.audited(session=session, action=key):
        return
    repo.audit(session=session, actor=None, action=key)
    for moderator in roles.editors(session=session, admins=config.admins):
        if (notice := message_to(moderator, text)) is not None:
            result.notices.append(notice)


def _post_text(post: Post, story: Story, school: School | None, author_adult: bool, zone: tzinfo) -> str:
    """The push dated the day it went out, as /bai and the wall date the story: a weekly story
    published early (/dang tuan on a Friday) is not dated the Sunday of its slot."""
    author = wall.public_author(story, author_adult=author_adult)
    return "\n\n".join(
        (
            texts.POST_TITLES[post.kind].format(date=render.local_date(post.created_at, zone)),
            render.esc(story.text),
            render.byline(school_name=school.name if school else None, author_name=author),
        )
    )


def post_message(
    *, post: Post, story: Story, school: School | None, author_adult: bool, channel: str, chat_id: str, zone: tzinfo
) -> Outgoing:
    """A push as one member receives it, with its reaction buttons and the report button.
    `author_adult`: see `storage.wall.author_is_adult`; the author is named only as on the wall."""
    reactions = tuple(Button(emoji, f"react:{post.id}:{kind}") for kind, emoji in texts.REACTIONS.items())
    buttons = (reactions + (Button(texts.REPORT_BUTTON, f"report:{post.id}"),),)
    text = _post_text(post, story, school, author_adult, zone)
    return Outgoing(channel, chat_id, text, photo=story.photo, buttons=buttons, photo_public=True)


def channel_message(
    *, post: Post, story: Story, school: School | None, author_adult: bool, chat_id: str, public_url: str | None,
    zone: tzinfo,
) -> Outgoing:
    """A push as a Telegram channel carries it: no reaction buttons (a channel's readers are not
    members), and a link to the story's page to share, where there is a public address."""
    text = _post_text(post, story, school, author_adult, zone)
    if public_url:
        text += "\n\n" + texts.CROSSPOST_LINK.format(url=render.esc(story_url(public_url, story.id)))
    return Outgoing(crossposts.CHANNEL, chat_id, text, photo=story.photo, photo_public=True)


def publish_command(ctx: Ctx) -> None:
    """/dang ngay|tuan: publishes this slot now (once: a slot already sent is reported)."""
    kind = KIND_WORDS.get(ctx.args.strip().lower())
    if kind is None:
        ctx.reply(texts.USAGE.format(usage="/dang ngay hoặc /dang tuan"))
        return
    result = publish_slot(session=ctx.session, kind=kind, now=ctx.config.clock(), config=ctx.config)
    ctx.outbox.extend(result.notices)
    if result.status == "published":
        repo.audit(session=ctx.session, actor=ctx.member, action="publish", target=f"post:{result.post.id}")
    # An empty queue was just told to every moderator, this one included.
    if result.status != "empty" or not any(n.chat_id == ctx.incoming.chat_id for n in result.notices):
        ctx.reply(describe(result, ctx.config))


def describe(result: Published, config: CoreConfig) -> str:
    """What publishing a slot did, for whoever asked (a moderator, the command line)."""
    kind, day = texts.KIND_NAMES[result.kind], result.slot_date.strftime("%d/%m/%Y")
    if result.status == "quiet":
        return texts.QUIET_HOURS
    if result.status == "exists":
        when = render.local_time(result.post.created_at, config.timezone)
        return texts.ALREADY_PUBLISHED.format(kind=kind, date=day, when=when)
    if result.status == "published":
        return texts.PUBLISHED_NOW.format(kind=kind, date=day, id=result.post.story_id, count=result.recipients)
    return texts.PUSH_QUEUE_EMPTY[result.kind].format(date=day)


def calendar(ctx: Ctx) -> None:
    """/lich: what goes out on the next seven days, and a warning when the queue runs dry."""
    today = ctx.config.clock().astimezone(ctx.config.timezone).date()
    queued = list(pushes.queued_daily(session=ctx.session, limit=7))
    lines = [texts.CALENDAR_TITLE]
    for offset in range(7):
        day = today + timedelta(days=offset)
        post = pushes.post_for(session=ctx.session, kind="daily", slot_date=day)
        if post is not None:
            what = texts.CALENDAR_SENT.format(id=post.story_id)
        elif queued:
            story = queued.pop(0)
            what = texts.CALENDAR_QUEUED.format(id=story.id, preview=render.preview(story.text, 50))
        else:
            what = texts.CALENDAR_NOTHING
        lines.append(f"{day.strftime('%d/%m')} ☀️ {what}")
        if day.weekday() == ctx.config.weekly_at[0]:
            lines.append(f"{day.strftime('%d/%m')} 🌟 {_weekly_plan(ctx, day)}")
    queue_size = len(pushes.queued_daily(session=ctx.session, limit=1000))
    lines.append("\n" + texts.CALENDAR_QUEUE.format(count=queue_size))
    if queue_size < LOW_QUEUE_DAYS:
        lines.append(texts.QUEUE_LOW.format(count=queue_size))
    ctx.reply("\n".join(lines))


def _weekly_plan(ctx: Ctx, day: date) -> str:
    post = pushes.post_for(session=ctx.session, kind="weekly", slot_date=day)
    if post is not None:
        return texts.CALENDAR_SENT.format(id=post.story_id)
    story = pushes.approved_weekly(session=ctx.session)
    if story is not None:
        return texts.CALENDAR_QUEUED.format(id=story.id, preview=render.preview(story.text, 50))
    return texts.CALENDAR_WEEKLY_AUTO


@dataclass(frozen=True)
class LatestPush:
    """The latest push someone may follow, and what it was: a slot's story, or (with `school`)
    a school's announcement."""

    post: Post
    progress: pushes.Progress
    school: School | None = None

    @property
    def kind(self) -> str:
        return texts.KIND_NAMES.get(self.post.kind, "")


def latest_push(*, session: Session, school_id: int | None) -> LatestPush | None:
    """The latest push within a scope (None: every school; a school moderator's: their school's
    latest announcement), as /tiendo and the dashboard show it."""
    post = pushes.latest_post(session=session, school_id=school_id)
    if post is None:
        return None
    school = None
    if post.announcement_id is not None:
        school = session.get(School, session.get(Announcement, post.announcement_id).school_id)
    return LatestPush(post, pushes.progress(session=session, post=post), school)


def progress_command(ctx: Ctx) -> None:
    """/tiendo: the latest push (a school moderator's: their school's latest announcement):
    sent, failed, blocked, unknown, waiting, and an estimate."""
    latest = latest_push(session=ctx.session, school_id=ctx.school_scope)
    if latest is None:
        ctx.reply(texts.PROGRESS_NONE)
        return
    progress, post = latest.progress, latest.post
    counts = {status: render.number(progress.counts.get(status, 0)) for status in ("sent", "failed", "blocked", "unknown")}
    rate = sum(rate for _, rate in ctx.config.push_rates) or 1.0
    if progress.waiting:
        finish = ctx.config.clock() + timedelta(seconds=math.ceil(progress.waiting / rate))
        eta = texts.PROGRESS_ETA.format(rate=render.number(int(rate)), when=ctx.time(finish))
    else:
        eta = texts.PROGRESS_DONE
    if progress.counts.get("unknown"):
        eta += "\n" + texts.PROGRESS_UNKNOWN_NOTE
    numbers = dict(total=render.number(progress.total), waiting=render.number(progress.waiting), eta=eta, **counts)
    day = post.slot_date.strftime("%d/%m/%Y")
    if latest.school is not None:
        ctx.reply(texts.PROGRESS_ANNOUNCEMENT.format(school=render.esc(latest.school.name), date=day, **numbers))
    else:
        ctx.reply(texts.PROGRESS.format(kind=latest.kind, date=day, id=post.story_id, **numbers))


def react_button(ctx: Ctx, post_id: str, kind: str) -> None:
    """❤️ / 👏 under a push: counted once per member and post, only on the push they received."""
    post = number(post_id)
    if post is None or kind not in texts.REACTIONS or not received(ctx, post):
        ctx.acknowledge(texts.OPTION_EXPIRED)
        return
    _react(ctx, post, kind)


def received(ctx: Ctx, post_id: int) -> bool:
    """Whether the push reached this member, and a button pressed for it is on that very message."""
    delivery = retractions.delivery_of(session=ctx.session, post_id=post_id, member_id=ctx.member.id)
    if delivery is None or delivery.status not in ("sent", "unknown"):
        return False
    pressed_on = ctx.incoming.message_ref
    return ctx.incoming.kind != "callback" or not delivery.message_ref or pressed_on == delivery.message_ref


def typed_reaction(ctx: Ctx) -> bool:
    """A reply of 1 / tim / ❤ (or 2 / 👏) to a push of the last 24 hours, where there are no buttons.

    Only when no later message of the bot offered numbered options: those numbers win.
    """
    kind = TYPED_REACTIONS.get(ctx.incoming.text.strip().lower()) if ctx.incoming.kind == "text" else None
    delivery = recent_push(ctx) if kind is not None else None
    if delivery is None:
        return False
    _react(ctx, delivery.post_id, kind)
    return True


def recent_push(ctx: Ctx) -> Delivery | None:
    """The push of the last 24 hours a typed number answers, unless a later message of the bot
    offered numbered options (those numbers win)."""
    since = ctx.config.clock() - REACTION_WINDOW
    delivery = pushes.recent_delivery(session=ctx.session, member_id=ctx.member.id, since=since)
    if delivery is None or (ctx.member.options and ctx.member.options_at and ctx.member.options_at > delivery.updated_at):
        return None
    return delivery


def _react(ctx: Ctx, post_id: int, kind: str) -> None:
    if bans.refused(ctx, "react"):
        return
    emoji = texts.REACTIONS[kind]
    if pushes.react(session=ctx.session, post_id=post_id, member=ctx.member, kind=kind):
        ctx.acknowledge(texts.REACTED.format(emoji=emoji))
    else:
        ctx.acknowledge(texts.ALREADY_REACTED.format(emoji=emoji))
