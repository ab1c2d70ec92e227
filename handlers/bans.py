"""Bans: /chan KÊNH:ID LÝ_DO, /bochan KÊNH:ID (or #N: the author of story N), and /chan alone
(or /bbt) to list them.

Usage: editors ban anyone; a school moderator only members of their own school
(`Ctx.may_moderate`). A banned member cannot submit (told once, with the reason) and gets no
pushes; the ban lives on the member row, so every process sees it. Every ban is audited.
"""

from __future__ import annotations

import logging

from content import render, texts
from handlers import scope
from handlers.context import Ctx
from storage import repo, roles
from storage.models import Member, utcnow

log = logging.getLogger(__name__)


def ban(ctx: Ctx) -> None:
    """/chan KÊNH:ID LÝ_DO; /chan alone lists the current bans."""
    if not ctx.args:
        list_bans(ctx)
        return
    ref, _, reason = ctx.args.partition(" ")
    reason = reason.strip()
    target = _target(ctx, ref, texts.BAN_USAGE)
    if target is None or scope.reason_too_short(ctx, reason, texts.BAN_USAGE):
        return
    name = _name(target)
    if roles.may(target, ctx.config.admins, roles.Access.MODERATOR):
        ctx.reply(texts.CANNOT_BAN_MODERATOR.format(name=name))
        return
    if target.banned_at is not None:
        ctx.reply(texts.ALREADY_BANNED.format(name=name, reason=render.esc(target.ban_reason)))
        return
    target.banned_at, target.ban_reason, target.ban_told_for = utcnow(), reason[:500], None
    target.state = target.state_data = None
    repo.audit(session=ctx.session, actor=ctx.member, action="ban", target=f"member:{target.id}", detail=reason)
    ctx.reply(texts.BANNED.format(name=name, reason=render.esc(reason)))


def unban(ctx: Ctx) -> None:
    """/bochan KÊNH:ID."""
    target = _target(ctx, ctx.args.strip(), texts.UNBAN_USAGE)
    if target is None:
        return
    if target.banned_at is None:
        ctx.reply(texts.NOT_BANNED.format(name=_name(target)))
        return
    target.banned_at = target.ban_reason = target.ban_told_for = None
    repo.audit(session=ctx.session, actor=ctx.member, action="unban", target=f"member:{target.id}")
    ctx.reply(texts.UNBANNED.format(name=_name(target)))
    ctx.notify(target, texts.YOU_ARE_UNBANNED)


def refused(ctx: Ctx, doing: str) -> bool:
    """True for a banned member, whose story, reaction or report does not count: told the ban
    with its reason once per kind of action (`doing`); after that ignored (answering every
    attempt would feed a spammer)."""
    member = ctx.member
    if member.banned_at is None:
        return False
    member.state = member.state_data = member.draft = None
    told = (member.ban_told_for or "").split()
    if doing not in told:
        member.ban_told_for = " ".join(told + [doing])
        ctx.reply(texts.YOU_ARE_BANNED.format(reason=render.esc(member.ban_reason)))
    else:
        log.info("banned member %s tried to %s again: ignored", member.id, doing)
    return True


def list_bans(ctx: Ctx) -> None:
    """Who is banned now, within this moderator's scope."""
    ctx.reply("\n".join(ban_lines(ctx)) or texts.BANS_NONE)


def ban_lines(ctx: Ctx) -> list[str]:
    """The current bans within this moderator's scope, under a title; empty without any (/bbt too)."""
    banned = repo.banned_members(session=ctx.session, school_id=ctx.school_scope)
    return [texts.BANS_TITLE] + [
        texts.BANS_ITEM.format(
            ref=f"{member.channel}:{member.platform_id}", name=_name(member),
            when=ctx.time(member.banned_at), reason=render.esc(member.ban_reason),
        )
        for member in banned
    ] if banned else []


def _target(ctx: Ctx, ref: str, usage: str) -> Member | None:
    """The member named KÊNH:ID, if this moderator may act on them; otherwise says why not."""
    target = scope.member_named(ctx, ref, usage)
    if target is None:
        return None
    return target if scope.allowed(ctx, target.school_id, texts.NOT_YOUR_MEMBER) else None


def _name(member: Member) -> str:
    return render.esc(member.display_name) if member.display_name else texts.MEMBER_UNNAMED
