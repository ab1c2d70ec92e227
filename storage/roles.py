"""Who may do what: the roles, the commands each may use, and the schools each works for.

Checked here and nowhere else. An admin comes from TINTOT_ADMINS; the other roles are stored on
the member (`Member.role`, and `Member.role_school_id` for a school moderator):

- admin: everything, in every school; grants and removes the roles below.
- editor: the province-wide moderator: every school's stories, the daily and weekly campaign.
- school moderator: a moderator within one school: its stories, its announcements, its numbers.
- student: everyone else.

A route names the access level it needs (`Access`, a closed set: a level that does not exist
fails at import, never opens a door); `may(member, admins, access, school_id)` is the one answer to
"may this member do this, on this school". A role changes through `change_role`, audited the
same way whether an admin gave it (/mod) or `tintot console --moderator`.
Usage: `may(...)`, `role_of(member, admins)`, `school_scope(member, admins)` (None = every school).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage import repo
from storage.models import Member, School

Admins = frozenset[tuple[str, str]]


class Access(StrEnum):
    """What a route needs. The first four are where a member stands (joining, and 16+); the last three
    are granted by a role."""

    ANYONE = "anyone"
    CONSENTED = "consented"  # gave consent (may erase their data even before choosing a school)
    MEMBER = "member"  # consented and chose a school
    ADULT = "adult"  # a member of 16 or more (who alone may have their name shown)
    MODERATOR = "moderator"  # a school moderator within their school, an editor, an admin
    EDITOR = "editor"  # the province-wide campaign
    ADMIN = "admin"  # granting and removing roles


ROLE_ACCESSES = frozenset({Access.MODERATOR, Access.EDITOR, Access.ADMIN})


class _Scope(Enum):
    OWN = "own"


# `may(..., school_id=OWN_SCOPE)`: the question a route asks before it knows which school the act
# touches (a school moderator passes; the handler then checks the school with `may`).
OWN_SCOPE = _Scope.OWN


@dataclass(frozen=True)
class Role:
    name: str
    grants: frozenset[Access]  # the role accesses this role passes beyond a student's
    scoped: bool  # works for one school (Member.role_school_id) rather than every school

    @property
    def is_moderator(self) -> bool:
        return Access.MODERATOR in self.grants


STUDENT = Role("student", frozenset(), scoped=False)
SCHOOL_MODERATOR = Role("school_moderator", frozenset({Access.MODERATOR}), scoped=True)
EDITOR = Role("editor", frozenset({Access.MODERATOR, Access.EDITOR}), scoped=False)
ADMIN = Role("admin", ROLE_ACCESSES, scoped=False)
STORED = {role.name: role for role in (STUDENT, SCHOOL_MODERATOR, EDITOR)}  # kept on the member row
MENUS = (STUDENT, SCHOOL_MODERATOR, EDITOR, ADMIN)


def role_of(member: Member, admins: Admins) -> Role:
    if member.platform_id is not None and (member.channel, member.platform_id) in admins:
        return ADMIN
    role = STORED.get(member.role, STUDENT)
    # A school moderator without a school (it was deleted) moderates nothing.
    return STUDENT if role.scoped and member.role_school_id is None else role


def school_scope(member: Member, admins: Admins) -> int | None:
    """The one school a school moderator works for; None for admins and editors (every school),
    and for students (who moderate nothing: check `may(..., Access.MODERATOR)` first)."""
    return member.role_school_id if role_of(member, admins).scoped else None


def may(member: Member, admins: Admins, access: Access, school_id: int | None | _Scope = OWN_SCOPE) -> bool:
    """Whether `member` may do what needs `access`, on something belonging to `school_id` (None:
    no school's). Anything not named here is refused: the check fails closed."""
    if access == Access.ANYONE:
        return True
    if access == Access.CONSENTED:
        return member.consented_at is not None
    if access == Access.MEMBER:
        return member.joined
    if access == Access.ADULT:
        return member.joined and member.adult is True
    role = role_of(member, admins)
    if access not in ROLE_ACCESSES or access not in role.grants:
        return False
    return not role.scoped or school_id is OWN_SCOPE or member.role_school_id == school_id


def set_role(member: Member, role: Role, school_id: int | None = None) -> None:
    if role.name not in STORED:
        raise ValueError(f"{role.name} is not kept on a member")
    member.role = role.name
    member.role_school_id = school_id if role.scoped else None


def change_role(
    *, session: Session, member: Member, role: Role, school_id: int | None = None, actor: Member | None,
    note: str | None = None,
) -> bool:
    """Gives the member a role, audited the same way whoever gave it: "student -> editor", with
    the admin as actor, or no actor and a note saying where it came from ("tintot console").
    False, and nothing audited, when the member already had exactly that role."""
    before = describe(session=session, member=member)
    set_role(member, role, school_id)
    after = describe(session=session, member=member)
    if after == before:
        return False
    repo.audit(session=session, actor=actor, action=f"role:{member.role}", target=f"member:{member.id}",
               detail=f"{before} -> {after}" + (f" ({note})" if note else ""))
    return True


def describe(*, session: Session, member: Member) -> str:
    """A stored role for the audit log: "editor", "school_moderator:CDCB", "student"."""
    school = session.get(School, member.role_school_id) if member.role_school_id else None
    return member.role + (f":{school.code}" if school else "")


def _reachable():  # noqa: ANN202
    return col(Member.platform_id).is_not(None)


def _admins_clause(admins: Admins):  # noqa: ANN202
    return sa.tuple_(Member.channel, Member.platform_id).in_(list(admins)) if admins else sa.false()


def editors(*, session: Session, admins: Admins) -> Sequence[Member]:
    """Province-wide moderators: editors, and the admins who have a chat with the bot."""
    query = select(Member).where(sa.or_(Member.role == EDITOR.name, _admins_clause(admins)), _reachable())
    return session.exec(query.order_by(Member.id)).all()


def school_moderators(*, session: Session, school_id: int) -> Sequence[Member]:
    query = select(Member).where(
        Member.role == SCHOOL_MODERATOR.name, Member.role_school_id == school_id, _reachable()
    )
    return session.exec(query.order_by(Member.id)).all()


def team(*, session: Session, admins: Admins) -> Sequence[Member]:
    """Everyone with a moderator's role, admins included."""
    moderating = [role.name for role in STORED.values() if role.is_moderator]
    query = select(Member).where(sa.or_(col(Member.role).in_(moderating), _admins_clause(admins)), _reachable())
    return session.exec(query.order_by(Member.id)).all()


def story_watchers(*, session: Session, admins: Admins, school_id: int | None) -> Sequence[Member]:
    """Who hears of a new story: its school's moderators; the editors when the school has none."""
    if school_id is not None and (own := school_moderators(session=session, school_id=school_id)):
        return own
    return editors(session=session, admins=admins)


def schools_with_moderator(*, session: Session) -> set[int]:
    query = select(Member.role_school_id).where(Member.role == SCHOOL_MODERATOR.name, _reachable()).distinct()
    return {school_id for school_id in session.exec(query) if school_id is not None}
