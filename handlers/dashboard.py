"""What the dashboard shows a viewer: the /thongke table per school against the plan's targets,
the weekly trend of active members, pending stories per school, the current push's progress, and
the reports to download for a chosen period.

Usage: `dashboard(session=…, viewer=…, …)` builds the page's one context (HTML or JSON alike);
`report_file(…)` the XLSX or CSV download. Both show only the schools the viewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from content import report, texts, workbook
from handlers import publishing
from handlers.weblogin import Viewer
from storage import periods
from storage.indicators import TARGETS, SchoolIndicators, school_indicators, total, weekly
from storage.models import School, Story
from storage.periods import Period, all_time, local_day, month_of, week_of

PERIODS = {"tuan": week_of, "thang": month_of}
TREND_WEEKS = 8
# A delivery of a story taken down: held back before it went, or sent and then deleted (or not
# deletable) by `storage.retractions`.
TAKEN_DOWN = ("cancelled", "retracting", "deleting", "retracted", "retract_failed")


@dataclass(frozen=True)
class Clock:
    now: datetime
    zone: ZoneInfo

    @property
    def today(self) -> date:
        return local_day(self.now, self.zone)


def _visible(session: Session, viewer: Viewer, rows: list[SchoolIndicators]) -> list[SchoolIndicators]:
    if viewer.school_id is None:
        return rows
    school = session.get(School, viewer.school_id)
    return [row for row in rows if school is not None and row.code == school.code]


def _pending(session: Session) -> dict[int | None, int]:
    query = select(Story.school_id, sa.func.count()).where(Story.status == "pending").group_by(Story.school_id)
    return dict(session.exec(query).all())


def _school_row(row: SchoolIndicators, pending: int) -> dict:
    rate = row.active_rate
    return {
        "code": row.code,
        "name": row.name,
        "enrolment": row.enrolment,
        "members": row.members,
        "subscribed": row.subscribed,
        "active": row.active,
        "active_rate": rate,
        "active_rate_text": report.rate_text(rate),
        "bar_percent": round(min(rate, 1.0) * 100, 1) if rate is not None else 0,
        "published": row.published,
        "pending": pending,
    }


def _trend(session: Session, viewer: Viewer, clock: Clock) -> list[dict]:
    """Active members, all visible schools together, week by week over the last weeks."""
    period = Period(week_of(clock.today).first - timedelta(weeks=TREND_WEEKS - 1), clock.today)
    weeks = weekly(session=session, period=period, zone=clock.zone, now=clock.now)
    counts = [(week, sum(r.active for r in _visible(session, viewer, rows))) for week, rows in weeks]
    most = max((count for _, count in counts), default=0) or 1
    return [
        {"week": week.first.strftime("%d/%m"), "active": count, "bar_percent": round(count / most * 100, 1)}
        for week, count in counts
    ]


def _progress(session: Session, viewer: Viewer) -> dict | None:
    """The latest push the viewer may follow, as /tiendo shows it: a school's announcement is
    named by its school and has no story."""
    latest = publishing.latest_push(session=session, school_id=viewer.school_id)
    if latest is None:
        return None
    post, progress = latest.post, latest.progress
    counts = {status: progress.counts.get(status, 0) for status in ("sent", "failed", "blocked", "unknown", "skipped")}
    counts["taken_down"] = sum(progress.counts.get(status, 0) for status in TAKEN_DOWN)
    done = (progress.total - progress.waiting) / progress.total if progress.total else 1.0
    return {
        "kind": latest.kind,
        "school": latest.school.name if latest.school else None,
        "date": post.slot_date.strftime("%d/%m/%Y"),
        "story_id": post.story_id,
        "total": progress.total,
        "waiting": progress.waiting,
        "done_percent": round(done * 100, 1),  # for the bar's width
        "done_text": report.percent(min(done, 0.999) if progress.waiting else done),  # "100%" only when done
        **counts,
    }


def dashboard(*, session: Session, viewer: Viewer, word: str, clock: Clock) -> dict:
    """The page's context. `word` is the period: tuan, thang, or empty for since the start."""
    period = PERIODS[word](clock.today) if word in PERIODS else all_time(clock.today)
    rows = _visible(session, viewer, school_indicators(session=session, period=period, zone=clock.zone, now=clock.now))
    pending = _pending(session)
    codes = {school.code: school.id for school in session.exec(select(School)).all()}
    summed = total(rows, name=texts.TOTAL)
    return {
        "title": texts.DASHBOARD_TITLE,
        "viewer": viewer.member.display_name or "",
        "period": {"word": word if word in PERIODS else "", "label": report.period_label(period)},
        "targets": [{"year": year, "percent": round(share * 100)} for year, share in TARGETS],
        "schools": [_school_row(row, pending.get(codes.get(row.code), 0)) for row in rows],
        "total": _school_row(summed, sum(pending.get(codes.get(row.code), 0) for row in rows)),
        "trend": _trend(session, viewer, clock),
        "progress": _progress(session, viewer),
        "downloads": {
            "first": (clock.today.replace(day=1)).isoformat(),
            "last": clock.today.isoformat(),
        },
    }


def report_period(*, first: str | None, last: str | None, clock: Clock) -> Period | None:
    """'?tu=2026-11-01&den=2026-11-30' (either may be left out: since the start, until today), kept
    to the days that can have data; None when a day is malformed or the period is not one."""
    try:
        start = date.fromisoformat(first) if first else None
        end = date.fromisoformat(last) if last else None
    except ValueError:
        return None
    return periods.report_period(start, end, today=clock.today)


def report_file(*, session: Session, viewer: Viewer, fmt: str, period: Period, clock: Clock) -> bytes:
    """The report of `tintot report` for the viewer's schools: XLSX or CSV (UTF-8 with BOM)."""
    rows = _visible(session, viewer, school_indicators(session=session, period=period, zone=clock.zone, now=clock.now))
    if fmt == "csv":
        return report.csv_text(rows).encode("utf-8-sig")
    weeks = [
        (week, _visible(session, viewer, week_rows))
        for week, week_rows in weekly(session=session, period=period, zone=clock.zone, now=clock.now)
    ]
    return workbook.report_xlsx(rows, period, weeks)
