"""Report periods in campaign days: this week, this month, a date range, all time.

Days begin at midnight in the campaign's time zone and weeks run Monday to Sunday, so "this
week" means the same to a school officer in Cao Bằng whatever clock the server keeps. A period
that is still going on ends now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo


def midnight(day: date, zone: tzinfo) -> datetime:
    """The UTC moment a campaign day begins."""
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


@dataclass(frozen=True)
class Period:
    """Campaign days `first` to `last`, both included; `first` None means since the beginning."""

    first: date | None
    last: date

    def __post_init__(self) -> None:
        if self.first is not None and self.first > self.last:
            raise ValueError(f"{self.first} is after {self.last}")

    def start(self, zone: tzinfo) -> datetime | None:
        return midnight(self.first, zone) if self.first is not None else None

    def end(self, zone: tzinfo, now: datetime) -> datetime:
        """Where the period stops: the midnight after its last day, or now if that is earlier."""
        return min(midnight(self.last + timedelta(days=1), zone), now)

    def weeks(self, first: date) -> list[Period]:
        """The Monday-to-Sunday weeks of the period (from `first` when it has no first day), the
        first and last ones cut to the period so that the weeks add up to it."""
        day = self.first or first
        weeks = []
        while day <= self.last:
            sunday = day + timedelta(days=6 - day.weekday())
            weeks.append(Period(day, min(sunday, self.last)))
            day = sunday + timedelta(days=1)
        return weeks


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return Period(first, next_month - timedelta(days=1))


def all_time(today: date) -> Period:
    return Period(None, today)


# The plan (Kế hoạch 3361-KH/UBND) runs from 2025: no report reaches further back.
EARLIEST = date(2025, 1, 1)


def report_period(first: date | None, last: date | None, *, today: date) -> Period | None:
    """A report's period as asked (`first` None: since the start; `last` None: until today), kept
    to the days that can have data, EARLIEST to today, so that a far-off day cannot make a report
    walk centuries of weeks. None when it ends before EARLIEST or starts after it ends."""
    end = min(last or today, today)
    start = max(first, EARLIEST) if first is not None else None
    if end < EARLIEST or (start is not None and start > end):
        return None
    return Period(start, end)
