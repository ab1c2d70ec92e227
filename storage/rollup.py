"""Event counts per school and kind over a period, from the daily rollup and the raw events.

Events are written with the moment they happen, so a campaign day that is over never changes:
it is counted once into `DailyCount` and reports sum those few rows. Only the days after the
rollup (today, mostly) are counted from the events themselves, so a report's cost does not grow
with the campaign's history. Rolling up writes; counting only reads: whoever reports rolls up
first, in a short write transaction of its own, then counts (a day not rolled up yet is counted
from its events, so a report is right either way, only slower). `roll_up_in_steps` does it
one day per transaction.

A day is rolled up only once SETTLE has passed since its end: a transaction that began just
before midnight may commit an event for that day a little after it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, tzinfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import session_scope
from storage.models import DailyCount, Event
from storage.periods import Period, local_day, midnight

COUNTED = ("delivered", "reacted", "submitted", "approved", "published", "announced")
SETTLE = timedelta(hours=1)

Counts = Counter[tuple[int, str]]


def period_counts(*, session: Session, period: Period, zone: tzinfo, now: datetime) -> Counts:
    """Events of the COUNTED kinds per (school id, kind) in the period: the days the rollup holds
    from it, the others from the events. Only reads (a web page may call it without the write
    lock): bring the rollup up to date first (`roll_up_in_steps`), in write transactions of its own."""
    through = session.exec(select(sa.func.max(DailyCount.day))).one()
    counts: Counts = Counter()
    raw_from = period.start(zone)
    if through is not None and (period.first is None or period.first <= through):
        last = min(period.last, through)
        query = select(DailyCount.school_id, DailyCount.kind, sa.func.sum(DailyCount.count)).where(DailyCount.day <= last)
        if period.first is not None:
            query = query.where(DailyCount.day >= period.first)
        for school_id, kind, count in session.exec(query.group_by(DailyCount.school_id, DailyCount.kind)):
            counts[school_id, kind] += count
        raw_from = midnight(last + timedelta(days=1), zone)
    end = period.end(zone, now)
    if raw_from is None or raw_from < end:
        counts.update(_raw_counts(session=session, start=raw_from, end=end))
    return counts


def roll_up(*, session: Session, zone: tzinfo, now: datetime) -> date:
    """Counts every settled day not yet in the rollup; returns the last day it now covers (days
    with no events have no rows and count as zero).

    Safe to run from several processes at once: a day another one counted first is skipped.
    """
    final = settled_through(zone=zone, now=now)
    day = None
    while (day := roll_up_next(session=session, after=day, zone=zone, final=final)) is not None:
        pass
    return final


def roll_up_in_steps(*, engine: sa.Engine, zone: tzinfo, now: datetime) -> None:
    """The same, one day per transaction: the first report of a long campaign then holds the
    (SQLite) write lock for one day's counting at a time, not for all of them."""
    final = settled_through(zone=zone, now=now)
    day = None
    while True:
        with session_scope(engine) as session:
            day = roll_up_next(session=session, after=day, zone=zone, final=final)
        if day is None:
            return


def settled_through(*, zone: tzinfo, now: datetime) -> date:
    """The last day that can no longer change (see SETTLE)."""
    return local_day(now - SETTLE, zone) - timedelta(days=1)


def roll_up_next(*, session: Session, after: date | None, zone: tzinfo, final: date) -> date | None:
    """Counts the first day with events after `after` (None: after the rollup's last day), if it
    is settled by `final`; returns that day, or None when nothing is left to count."""
    if after is None:
        after = session.exec(select(sa.func.max(DailyCount.day))).one()
    since = after + timedelta(days=1) if after is not None else None
    day = _next_event_day(session=session, since=since, zone=zone)
    if day is None or day > final:
        return None
    rows = _raw_counts(session=session, start=midnight(day, zone), end=midnight(day + timedelta(days=1), zone))
    try:
        with session.begin_nested():
            session.add_all(DailyCount(day=day, school_id=s, kind=k, count=n) for (s, k), n in rows.items())
    except IntegrityError:
        pass
    return day


def up_to_date(*, session: Session, zone: tzinfo, now: datetime) -> bool:
    """Whether the rollup has nothing to count (a reader checks, and takes no write lock when so)."""
    done = session.exec(select(sa.func.max(DailyCount.day))).one()
    day = _next_event_day(session=session, since=done + timedelta(days=1) if done is not None else None, zone=zone)
    return day is None or day > settled_through(zone=zone, now=now)


def _next_event_day(*, session: Session, since: date | None, zone: tzinfo) -> date | None:
    """The first day from `since` with a counted event; one index lookup per kind, so empty
    stretches of the calendar cost nothing."""
    firsts = []
    for kind in COUNTED:
        query = select(sa.func.min(Event.at)).where(Event.kind == kind)
        if since is not None:
            query = query.where(Event.at >= midnight(since, zone))
        if (first := session.exec(query).one()) is not None:
            firsts.append(first)
    return local_day(min(firsts), zone) if firsts else None


def _raw_counts(*, session: Session, start: datetime | None, end: datetime) -> Counts:
    query = (
        select(Event.school_id, Event.kind, sa.func.count())
        .where(col(Event.kind).in_(COUNTED), Event.at < end, col(Event.school_id).is_not(None))
        .group_by(Event.school_id, Event.kind)
    )
    if start is not None:
        query = query.where(Event.at >= start)
    return Counter({(school_id, kind): count for school_id, kind, count in session.exec(query)})
