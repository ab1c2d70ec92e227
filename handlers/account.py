"""A member's own settings: pausing pushes, erasing their data."""

from __future__ import annotations

from content import texts
from handlers.context import Ctx, one_row
from handlers.io import Button
from handlers.team import lose_role
from storage import repo


SCHOOL_WORDS = ("truong", "trường", "school")


def pause(ctx: Ctx) -> None:
    """/tat: no more pushes until /bat; /tat truong: no more school announcements only."""
    if ctx.args:
        _school_news(ctx, on=False, usage=texts.PAUSE_USAGE)
        return
    member = ctx.member
    if not (member.daily or member.weekly):
        ctx.reply(texts.ALREADY_PAUSED)
        return
    member.daily = member.weekly = False
    repo.add_event(session=ctx.session, kind="unsubscribed", member=member)
    ctx.reply(texts.PAUSED)


def resume(ctx: Ctx) -> None:
    """/bat: daily and weekly pushes again (also after the member had blocked and come back);
    /bat truong: school announcements again."""
    if ctx.args:
        _school_news(ctx, on=True, usage=texts.RESUME_USAGE)
        return
    member = ctx.member
    if member.daily and member.weekly and not member.blocked:
        ctx.reply(texts.ALREADY_RESUMED)
        return
    member.daily = member.weekly = True
    member.blocked = False
    repo.add_event(session=ctx.session, kind="subscribed", member=member)
    ctx.reply(texts.RESUMED)


def _school_news(ctx: Ctx, *, on: bool, usage: str) -> None:
    """Mutes or unmutes the school's announcements; the daily campaign is left as it is."""
    if ctx.args.lower() not in SCHOOL_WORDS:
        ctx.reply(texts.USAGE.format(usage=usage))
        return
    if ctx.member.school_news == on:
        ctx.reply(texts.SCHOOL_NEWS_ALREADY_ON if on else texts.SCHOOL_NEWS_ALREADY_OFF)
        return
    ctx.member.school_news = on
    ctx.reply(texts.SCHOOL_NEWS_ON if on else texts.SCHOOL_NEWS_OFF)


def ask_erase(ctx: Ctx) -> None:
    """/xoa: asks to confirm; nothing is erased by a stray message."""
    ctx.member.state = "erase"
    ctx.reply(texts.CONFIRM_ERASE, one_row(Button(texts.ERASE_YES, "erase:yes"), Button(texts.ERASE_NO, "erase:no")))


def erase(ctx: Ctx, answer: str) -> None:
    """Erases identity at once on yes; anonymous counts stay."""
    member = ctx.member
    member.state = None
    if answer != "yes":
        ctx.edit_or_reply(texts.ERASE_CANCELLED)
        return
    repo.add_event(session=ctx.session, kind="deleted", member=member)
    lose_role(ctx, member)
    ctx.edit_or_reply(texts.ERASED)
    # Replies go to the chat of the update, which the row is about to forget.
    erased = repo.erase_member(session=ctx.session, member=member)
    ctx.delete_photos(erased.photos)
    if erased.published:
        ids = ", ".join(f"#{story_id}" for story_id in erased.published)
        ctx.reply(texts.ERASED_PUBLISHED.format(ids=ids))
