"""The campaign's indicators per school and period, defined here once (the README explains the
same words for the people who read the reports).

- members: people who chose the school after consenting, by the end of the period, counted under
  their current school. A member who erased their data stays an anonymous number and still counts.
- subscribed: members whose last subscription act before the end of the period (subscribed,
  unsubscribed, blocked the bot, erased their data) was subscribing.
- reach: members ÷ enrolment.
- active: distinct members who reacted to a push or submitted a story in the last 7 days of the
  period (on Zalo a reply of "1"/"tim" is a reaction) — the plan's "tương tác thường xuyên".
  active rate = active ÷ enrolment, measured against TARGETS (Kế hoạch 3361-KH/UBND).
- delivered, reactions, submitted, approved, published, taken_down: events of that kind in the
  period, counted for the school the member was in when it happened (a takedown: the story's);
  announced: the school's announcements that went out in the period.
- active channels: a school has an active channel in a period when it has at least one school
  moderator (now: roles are not kept as history) and sent at least one announcement or had at
  least one story published in the period; the province's share of schools with one is measured
  against CHANNEL_TARGETS (the plan: 80% of vocational schools by 2025, 100% by 2030).

A rate is None when the school has no enrolment: the reports say "chưa có sĩ số".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage import repo, roles
from storage.models import Event, Member
from storage.periods import Period, local_day
from storage.rollup import period_counts

TARGETS = ((2025, 0.70), (2030, 0.90))
CHANNEL_TARGETS = ((2025, 0.80), (2030, 1.00))
ACTIVE_KINDS = ("reacted", "submitted", "replied")
ACTIVE_WINDOW = timedelta(days=7)
SUBSCRIPTION_KINDS = ("subscribed", "unsubscribed", "blocked", "deleted")
# Indicator → the event kind it counts.
EVENT_COUNTS = {
    "delivered": "delivered",
    "reactions": "reacted",
    "submitted": "submitted",
    "approved": "approved",
    "published": "published",
    "taken_down": "taken_down",
    "announced": "announced",
}
# Summed into the total; `active_channels` is 1 or 0 for a school, `schools` 1.
COUNTS = ("members", "subscribed", "active", *EVENT_COUNTS, "active_channels", "schools")
# Every indicator in the order reports show them; the rates are properties of SchoolIndicators.
COLUMNS = ("members", "subscribed", "reach", "active", "active_rate", *EVENT_COUNTS, "active_channels")
RATES = frozenset({"reach", "active_rate"})


@dataclass(frozen=True)
class SchoolIndicators:
    code: str
    name: str
    enrolment: int | None
    members: int = 0
    subscribed: int = 0
    active: int = 0
    delivered: int = 0
    reactions: int = 0
    submitted: int = 0
    approved: int = 0
    published: int = 0
    taken_down: int = 0
    announced: int = 0
    active_channels: int = 0
    schools: int = 1

    @property
    def channel_rate(self) -> float | None:
        """The share of schools with an active channel (for the total row)."""
        return _rate(self.active_channels, self.schools)

    @property
    def reach(self) -> float | None:
        return _rate(self.members, self.enrolment)

    @property
    def active_rate(self) -> float | None:
        return _rate(self.active, self.enrolment)

    def value(self, column: str) -> int | float | None:
        return getattr(self, column)


def _rate(count: int, enrolment: int | None) -> float | None:
    return count / enrolment if enrolment else None


def school_indicators(*, session: Session, period: Period, zone: tzinfo, now: datetime) -> list[SchoolIndicators]:
    """One row per active school, in the schools' order."""
    end = period.end(zone, now)
    members = _members(session=session, end=end)
    subscribed = _subscribed(session=session, end=end)
    active = _active(session=session, end=end)
    events = period_counts(session=session, period=period, zone=zone, now=now)
    moderated = roles.schools_with_moderator(session=session)
    return [
        SchoolIndicators(
            code=school.code,
            name=school.name,
            enrolment=school.enrolment,
            members=members[school.id],
            subscribed=subscribed[school.id],
            active=active[school.id],
            **{name: events[school.id, kind] for name, kind in EVENT_COUNTS.items()},
            active_channels=int(school.id in moderated and events[school.id, "announced"] + events[school.id, "published"] > 0),
        )
        for school in repo.schools(session=session)
    ]


def total(rows: list[SchoolIndicators], *, name: str) -> SchoolIndicators:
    """The sum of the schools; its enrolment is known only when every school's is."""
    known = [row.enrolment for row in rows if row.enrolment is not None]
    enrolment = sum(known) if rows and len(known) == len(rows) else None
    counts = {column: sum(row.value(column) for row in rows) for column in COUNTS}
    return SchoolIndicators(code="", name=name, enrolment=enrolment, **counts)


def weekly(*, session: Session, period: Period, zone: tzinfo, now: datetime) -> list[tuple[Period, list[SchoolIndicators]]]:
    """The indicators week by week over the period (from the first member, for all time)."""
    first_member = session.exec(
        select(sa.func.min(Member.created_at)).where(col(Member.school_id).is_not(None))
    ).one()
    first = local_day(first_member, zone) if first_member else period.last
    return [(week, school_indicators(session=session, period=week, zone=zone, now=now)) for week in period.weeks(first)]


def _members(*, session: Session, end: datetime) -> Counter[int]:
    query = (
        select(Member.school_id, sa.func.count())
        .where(col(Member.school_id).is_not(None), Member.created_at < end)
        .group_by(Member.school_id)
    )
    return Counter(dict(session.exec(query).all()))


def _subscribed(*, session: Session, end: datetime) -> Counter[int]:
    """Members whose latest subscription act before `end` was subscribing, per current school."""
    latest = (
        select(
            Event.member_id,
            Event.kind,
            sa.func.row_number()
            .over(partition_by=Event.member_id, order_by=(col(Event.at).desc(), col(Event.id).desc()))
            .label("rank"),
        )
        .where(col(Event.kind).in_(SUBSCRIPTION_KINDS), Event.at < end, col(Event.member_id).is_not(None))
        .subquery()
    )
    query = (
        select(Member.school_id, sa.func.count())
        .join(latest, latest.c.member_id == Member.id)
        .where(latest.c.rank == 1, latest.c.kind == "subscribed", col(Member.school_id).is_not(None))
        .group_by(Member.school_id)
    )
    return Counter(dict(session.exec(query).all()))


def _active(*, session: Session, end: datetime) -> Counter[int]:
    query = (
        select(Event.school_id, sa.func.count(sa.distinct(Event.member_id)))
        .where(
            col(Event.kind).in_(ACTIVE_KINDS),
            Event.at >= end - ACTIVE_WINDOW,
            Event.at < end,
            col(Event.school_id).is_not(None),
        )
        .group_by(Event.school_id)
    )
    return Counter(dict(session.exec(query).all()))
