"""A school named in a command, and whether this moderator may work on it: the answers a
moderator gets for an unknown code or another school's business, worded once."""

from __future__ import annotations

from content import render, texts
from handlers.context import Ctx, number
from storage import repo
from storage.models import Member, School, Story


def school_named(ctx: Ctx, code: str) -> School | None:
    """The active school with this code; otherwise None, and the moderator is given the codes."""
    school = repo.school_by_code(session=ctx.session, code=code)
    if school is None or not school.active:
        codes = ", ".join(s.code for s in repo.schools(session=ctx.session))
        ctx.reply(texts.UNKNOWN_SCHOOL_CODES.format(code=render.esc(code), codes=codes))
        return None
    return school


def member_named(ctx: Ctx, ref: str, usage: str) -> Member | None:
    """The member a command names as KÊNH:ID, or as #N (the author of story N, so a moderator
    can act on an author without ever seeing a platform id); otherwise None, and the moderator
    is told why."""
    if ref.startswith("#"):
        return _author_named(ctx, ref, usage)
    channel, _, platform_id = ref.partition(":")
    if not channel or not platform_id or " " in ref:
        ctx.reply(texts.USAGE.format(usage=usage))
        return None
    target = repo.get_member(session=ctx.session, channel=channel.lower(), platform_id=platform_id)
    if target is None:
        ctx.reply(texts.MEMBER_NOT_FOUND.format(ref=render.esc(ref)))
    return target


def _author_named(ctx: Ctx, ref: str, usage: str) -> Member | None:
    story_id = number(ref)
    story = ctx.session.get(Story, story_id) if story_id is not None else None
    if story is None:
        ctx.reply(texts.STORY_NOT_FOUND.format(id=story_id) if story_id is not None else texts.USAGE.format(usage=usage))
        return None
    author = ctx.session.get(Member, story.member_id) if story.member_id is not None else None
    if author is None or author.platform_id is None:
        ctx.reply(texts.AUTHOR_GONE.format(id=story_id))
        return None
    return author


MIN_REASON = 5  # a moderator's reason (reject, take down, ban): short ones explain nothing


def reason_too_short(ctx: Ctx, reason: str, usage: str) -> bool:
    """True, after saying what is wrong, when a moderator's reason is missing (the command's
    usage) or too short to explain anything (the minimum)."""
    if len(reason.strip()) >= MIN_REASON:
        return False
    ctx.reply(texts.REASON_TOO_SHORT.format(min=MIN_REASON) if reason.strip() else texts.USAGE.format(usage=usage))
    return True


def allowed(ctx: Ctx, school_id: int | None, what: str) -> bool:
    """Whether this moderator may act on `what` of that school; if not, says whose it is."""
    if ctx.may_moderate(school_id):
        return True
    school = ctx.session.get(School, school_id) if school_id is not None else None
    own = ctx.session.get(School, ctx.school_scope) if ctx.school_scope is not None else None
    ctx.reply(
        texts.NOT_YOUR_SCHOOL.format(
            own=render.esc(own.name if own else "—"),
            what=what,
            school=render.esc(school.name) if school else texts.NO_SCHOOL,
        )
    )
    return False


def own_school(ctx: Ctx) -> School | None:
    """A school moderator's school; None for editors and admins."""
    return ctx.session.get(School, ctx.school_scope) if ctx.school_scope is not None else None
