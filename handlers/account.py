"""A member's own settings: pausing pushes, erasing their data."""

from __future__ import annotations

from content import texts
from handlers.context import Ctx, one_row
from handlers.io import Button
from storage import repo


def pause(ctx: Ctx) -> None:
    """/tat: no more pushes until /bat."""
    member = ctx.member
    if not (member.daily or member.weekly):
        ctx.reply(texts.ALREADY_PAUSED)
        return
    member.daily = member.weekly = False
    repo.add_event(session=ctx.session, kind="unsubscribed", member=member)
    ctx.reply(texts.PAUSED)


def resume(ctx: Ctx) -> None:
    """/bat: daily and weekly pushes again (also after the member had blocked and come back)."""
    member = ctx.member
    if member.daily and member.weekly and not member.blocked:
        ctx.reply(texts.ALREADY_RESUMED)
        return
    member.daily = member.weekly = True
    member.blocked = False
    repo.add_event(session=ctx.session, kind="subscribed", member=member)
    ctx.reply(texts.RESUMED)


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
    ctx.edit_or_reply(texts.ERASED)
    # Replies go to the chat of the update, which the row is about to forget.
    erased = repo.erase_member(session=ctx.session, member=member)
    if ctx.config.delete_photo is not None:
        for photo in erased.photos:
            ctx.config.delete_photo(photo)
    if erased.published:
        ids = ", ".join(f"#{story_id}" for story_id in erased.published)
        ctx.reply(texts.ERASED_PUBLISHED.format(ids=ids))
