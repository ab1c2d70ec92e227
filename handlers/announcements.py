"""School announcements: /thongbao, its preview and confirmation, and the morning release.

Usage: a school moderator writes /thongbao NỘI_DUNG (or sends a photo with that caption); an
editor or admin names the school: /thongbao MÃ_TRƯỜNG NỘI_DUNG. The bot shows the push as members
will get it, with the number of recipients, and asks to confirm. Confirmed between 21:00 and
06:00 it is held until 06:00 (the scheduler releases it); at most
`CoreConfig.announcements_per_day` per school and campaign day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from content import render, texts
from handlers import scope
from handlers.context import CoreConfig, Ctx, message_to, number, one_row
from handlers.io import Button, Outgoing
from handlers.publishing import QUIET_UNTIL, is_quiet
from handlers.submission import MAX_CAPTION, MAX_STORY
from storage import announcements, crossposts, pushes, repo
from storage.models import Announcement, Member, Post, School

# A preview shows a recipient count of that moment; pressed later, "send" would go out to a
# different list than the one the moderator approved.
PREVIEW_VALID = timedelta(hours=1)
# What the moderator is told after "Hủy", by what the announcement was.
CANCELLED = {"draft": texts.ANNOUNCE_CANCELLED, "held": texts.ANNOUNCE_HELD_CANCELLED}


def announce(ctx: Ctx) -> None:
    """/thongbao [MÃ_TRƯỜNG] NỘI_DUNG: a draft, its preview, and the question."""
    found = _school_and_text(ctx)
    if found is None:
        return
    school, text = found
    if _limit_reached(ctx, school):
        return
    photo = ctx.incoming.photo if ctx.incoming.kind == "photo" else None
    limit = MAX_CAPTION if photo else MAX_STORY
    if len(text) > limit:
        ctx.reply(texts.ANNOUNCE_TOO_LONG.format(length=render.number(len(text)), max=render.number(limit)))
        return
    draft = Announcement(school_id=school.id, author_id=ctx.member.id, text=text, photo=photo, created_at=ctx.config.clock())
    ctx.session.add(draft)
    ctx.session.flush()
    preview = message(announcement=draft, school=school, channel=ctx.incoming.channel, chat_id=ctx.incoming.chat_id)
    ctx.outbox.append(preview)
    count = announcements.count_recipients(session=ctx.session, school_id=school.id)
    question = texts.ANNOUNCE_PREVIEW.format(count=render.number(count), school=render.esc(school.name))
    if is_quiet(ctx.config.clock(), ctx.config):
        question += "\n" + texts.ANNOUNCE_PREVIEW_QUIET
    buttons = one_row(
        Button(texts.BUTTON_ANNOUNCE_SEND, f"announce:{draft.id}:send"),
        Button(texts.BUTTON_ANNOUNCE_CANCEL, f"announce:{draft.id}:cancel"),
    )
    ctx.reply(question, buttons)


def _limit_reached(ctx: Ctx, school: School) -> bool:
    """Says so before a preview when the school's day is full: a moderator should not write,
    read and confirm an announcement only to be refused. Confirming checks again (a race)."""
    day = _send_at(ctx).astimezone(ctx.config.timezone).date()
    limit = ctx.config.announcements_per_day
    if announcements.numbers_taken(session=ctx.session, school_id=school.id, day=day) < limit:
        return False
    ctx.reply(texts.ANNOUNCE_LIMIT.format(school=render.esc(school.name), limit=limit, date=day.strftime("%d/%m/%Y")))
    return True


def _send_at(ctx: Ctx) -> datetime:
    """When an announcement confirmed now goes out: now, or 06:00 after the quiet hours."""
    now = ctx.config.clock()
    return next_morning(now, ctx.config) if is_quiet(now, ctx.config) else now


def _school_and_text(ctx: Ctx) -> tuple[School, str] | None:
    """The school the announcement is for and its text; None once the moderator was told why not."""
    first, _, rest = ctx.args.partition(" ")
    own = scope.own_school(ctx)
    if own is None:  # an editor or admin names the school
        if not first:
            ctx.reply(texts.USAGE.format(usage=texts.ANNOUNCE_USAGE_EDITOR))
            return None
        school = scope.school_named(ctx, first)
        text = rest.strip()
    else:
        named = repo.school_by_code(session=ctx.session, code=first) if first and first == first.upper() else None
        if named is not None and not scope.allowed(ctx, named.id, texts.NOT_YOUR_SCHOOL_ANNOUNCEMENT):
            return None
        school, text = own, (rest.strip() if named is not None else ctx.args)
    if school is None:
        return None
    if not text:
        ctx.reply(texts.USAGE.format(usage=texts.ANNOUNCE_USAGE_EDITOR if own is None else texts.ANNOUNCE_USAGE))
        return None
    return school, text


def confirm_button(ctx: Ctx, announcement_id: str, answer: str) -> None:
    """The preview's buttons: send (now, or at 06:00 in quiet hours) or cancel."""
    draft = ctx.session.get(Announcement, number(announcement_id)) if number(announcement_id) is not None else None
    if draft is None or answer not in ("send", "cancel") or draft.author_id != ctx.member.id:
        ctx.reply(texts.OPTION_EXPIRED)  # the preview's buttons were offered to its author alone
        return
    if not scope.allowed(ctx, draft.school_id, texts.NOT_YOUR_SCHOOL_ANNOUNCEMENT):
        return
    if answer == "cancel":
        was = announcements.cancel(session=ctx.session, announcement_id=draft.id)
        ctx.edit_or_reply(CANCELLED.get(was, texts.ANNOUNCE_DONE_ALREADY))
        return
    if draft.status == "draft" and ctx.config.clock() - draft.created_at > PREVIEW_VALID:
        announcements.cancel(session=ctx.session, announcement_id=draft.id, stages=("draft",))
        ctx.edit_or_reply(texts.ANNOUNCE_PREVIEW_EXPIRED)
        return
    _confirm(ctx, draft)


def _confirm(ctx: Ctx, draft: Announcement) -> None:
    now = ctx.config.clock()
    send_at = _send_at(ctx)
    day = send_at.astimezone(ctx.config.timezone).date()
    school = ctx.session.get(School, draft.school_id)
    outcome = announcements.take_number(
        session=ctx.session, announcement_id=draft.id, day=day, limit=ctx.config.announcements_per_day,
        status="held", send_at=send_at,
    )
    if outcome == "done":
        ctx.edit_or_reply(texts.ANNOUNCE_DONE_ALREADY)
        return
    if outcome == "limit":
        limit = ctx.config.announcements_per_day
        ctx.edit_or_reply(texts.ANNOUNCE_LIMIT.format(school=render.esc(school.name), limit=limit, date=day.strftime("%d/%m/%Y")))
        return
    repo.audit(session=ctx.session, actor=ctx.member, action="announce", target=f"announcement:{draft.id}", detail=school.code)
    if send_at > now:
        cancel = one_row(Button(texts.BUTTON_ANNOUNCE_CANCEL, f"announce:{draft.id}:cancel"))  # until the morning
        ctx.edit_or_reply(texts.ANNOUNCE_HELD.format(school=render.esc(school.name), when=ctx.time(send_at)), cancel)
        return
    _, count = _publish(ctx.session, ctx.session.get(Announcement, draft.id), now)
    ctx.edit_or_reply(texts.ANNOUNCE_SENT.format(school=render.esc(school.name), count=render.number(count)))


def next_morning(moment: datetime, config: CoreConfig) -> datetime:
    """The end of the quiet hours `moment` falls in: 06:00 of the same or the next day."""
    local = moment.astimezone(config.timezone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=config.timezone)


def release_due(*, session: Session, now: datetime, config: CoreConfig) -> list[Outgoing]:
    """The scheduler's part: held announcements go out once their morning has come (never at
    night, even after a long stop); their authors are told."""
    if is_quiet(now, config):
        return []
    notices = []
    for held in announcements.due(session=session, now=now):
        post, count = _publish(session, held, now)
        author = session.get(Member, held.author_id) if held.author_id else None
        school = session.get(School, held.school_id)
        text = texts.ANNOUNCE_RELEASED.format(school=render.esc(school.name), count=render.number(count))
        if post is not None and author is not None and (notice := message_to(author, text)):
            notices.append(notice)
    return notices


def _publish(session: Session, announcement: Announcement, now: datetime) -> tuple[Post | None, int]:
    lead = crossposts.school_channels(session=session, school_id=announcement.school_id)
    post = announcements.publish(session=session, announcement=announcement, now=now, lead=lead)
    if post is None:
        return None, 0
    count = pushes.progress(session=session, post=post).total - len(lead)
    repo.add_event(session=session, kind="announced", member=None, post_id=post.id, school_id=announcement.school_id)
    return post, count


def message(*, announcement: Announcement, school: School, channel: str, chat_id: str, post: Post | None = None) -> Outgoing:
    """An announcement as a member receives it: the school that sends it, the text, the photo,
    and reaction buttons once it is a post."""
    title = texts.ANNOUNCE_TITLE.format(school=render.esc(school.name))
    text = f"{title}\n\n{render.esc(announcement.text)}"
    buttons = ((tuple(Button(emoji, f"react:{post.id}:{kind}") for kind, emoji in texts.REACTIONS.items())),) if post else ()
    return Outgoing(channel, chat_id, text, photo=announcement.photo, buttons=buttons)
