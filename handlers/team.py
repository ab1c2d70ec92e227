"""The team: admins grant and remove the editor and school moderator roles; /bbt shows who is who.

Usage: /mod KÊNH:ID → editor (every school); /mod KÊNH:ID MÃ_TRƯỜNG → that school's moderator;
/bomod KÊNH:ID → back to student. Every change is audited and changes the member's command menu.
"""

from __future__ import annotations

from content import render, texts
from handlers.bans import ban_lines
from handlers.context import Ctx
from handlers.scope import member_named, school_named
from storage import repo, roles
from storage.models import Member, School


def grant(ctx: Ctx) -> None:
    """/mod KÊNH:ID [MÃ_TRƯỜNG] (admins)."""
    parts = ctx.args.split()
    if not 1 <= len(parts) <= 2:
        ctx.reply(texts.USAGE.format(usage=texts.MOD_USAGE))
        return
    school = None
    if len(parts) == 2 and (school := school_named(ctx, parts[1])) is None:
        return
    target = _target(ctx, parts[0], texts.MOD_USAGE)
    if target is None:
        return
    role = roles.SCHOOL_MODERATOR if school else roles.EDITOR
    name = _name(target)
    if target.banned_at is not None:  # a role would not lift the ban: the admin lifts it first
        ref = f"{target.channel}:{target.platform_id}"
        ctx.reply(texts.MOD_TARGET_BANNED.format(name=name, reason=render.esc(target.ban_reason), ref=ref))
        return
    if not _change(ctx, target, role, school.id if school else None):
        ctx.reply(texts.MOD_ALREADY_AS.format(name=name, role=_role_name(ctx, target)))
        return
    ctx.reply(texts.MOD_GRANTED_AS.format(name=name, role=_role_name(ctx, target)))
    ctx.notify(target, texts.YOU_ARE_NOW.format(role=_role_name(ctx, target)))


def revoke(ctx: Ctx) -> None:
    """/bomod KÊNH:ID (admins): an editor or a school moderator back to student."""
    parts = ctx.args.split()
    if len(parts) != 1:
        ctx.reply(texts.USAGE.format(usage=texts.BOMOD_USAGE))
        return
    target = _target(ctx, parts[0], texts.BOMOD_USAGE)
    if target is None:
        return
    if not roles.may(target, ctx.config.admins, roles.Access.MODERATOR):
        ctx.reply(texts.MOD_NOT.format(name=_name(target)))
        return
    role_name = _role_name(ctx, target)
    _change(ctx, target, roles.STUDENT)
    ctx.reply(texts.MOD_REMOVED_AS.format(name=_name(target), role=role_name))
    ctx.notify(target, texts.YOU_ARE_NO_LONGER_MODERATOR)


def show_team(ctx: Ctx) -> None:
    """/bbt (admins, editors): admins, editors, then each school's moderators."""
    people: dict[str, list[str]] = {}
    for member in roles.team(session=ctx.session, admins=ctx.config.admins):
        role = roles.role_of(member, ctx.config.admins)
        key = f"school:{member.role_school_id}" if role.scoped else role.name
        people.setdefault(key, []).append(_who(member))
    lines = [
        texts.TEAM_TITLE,
        texts.TEAM_ADMINS.format(names=_names(people.get(roles.ADMIN.name))),
        texts.TEAM_EDITORS.format(names=_names(people.get(roles.EDITOR.name))),
    ]
    for school in repo.schools(session=ctx.session):
        names = _names(people.get(f"school:{school.id}"))
        lines.append(texts.TEAM_SCHOOL.format(school=render.esc(school.name), code=school.code, names=names))
    banned = ban_lines(ctx)
    ctx.reply("\n".join(lines + ([""] + banned if banned else [])))


def lose_role(ctx: Ctx, member: Member) -> None:
    """A member who erases their data (/xoa) gives up their role, audited like a removal."""
    _change(ctx, member, roles.STUDENT, note="erased")


def _target(ctx: Ctx, ref: str, usage: str) -> Member | None:
    target = member_named(ctx, ref, usage)
    if target is None:
        return None
    if roles.may(target, ctx.config.admins, roles.Access.ADMIN):
        ctx.reply(texts.MOD_IS_ADMIN.format(name=_name(target)))
        return None
    return target


def _change(ctx: Ctx, target: Member, role: roles.Role, school_id: int | None = None, note: str | None = None) -> bool:
    """The role changes (audited, with this member as actor), and so does the target's command
    menu; False when the target already had that very role."""
    changed = roles.change_role(session=ctx.session, member=target, role=role, school_id=school_id, actor=ctx.member, note=note)
    if changed and target.chat_id is not None:
        ctx.menu_changes.append((target.channel, target.chat_id, roles.role_of(target, ctx.config.admins).name))
    return changed


def _role_name(ctx: Ctx, member: Member) -> str:
    if roles.role_of(member, ctx.config.admins).scoped:
        school = ctx.session.get(School, member.role_school_id)
        return texts.ROLE_SCHOOL_MODERATOR.format(school=render.esc(school.name))
    return texts.ROLE_EDITOR


def _name(member: Member) -> str:
    return render.esc(member.display_name or f"{member.channel}:{member.platform_id}")


def _who(member: Member) -> str:
    return f"{_name(member)} ({member.channel}:{render.esc(member.platform_id or '')})"


def _names(names: list[str] | None) -> str:
    return ", ".join(names) if names else texts.TEAM_NOBODY
