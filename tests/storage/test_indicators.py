"""The indicators on a hand-made campaign whose answers are known.

Campaign clock Asia/Ho_Chi_Minh (UTC+7); "now" is Saturday 28/11/2026 17:00 local, so this week
is Monday 23/11 to Sunday 29/11 and the last 7 days start at 21/11 17:00 local.
"""

import threading
import time
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from storage import repo
from storage.db import session_scope
from storage.indicators import school_indicators, total, weekly
from storage.models import DailyCount, Event, Member
from storage.periods import Period, all_time, month_of, week_of
from storage.rollup import roll_up, up_to_date

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)


def utc(day: int, hour: int = 3, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def campaign(engine):
    """CDCB (enrolment 4): Lan, Minh, and Hà who later erased her data; HOAAN (no enrolment): Tú."""
    with session_scope(engine) as session:
        cdcb = repo.school_by_code(session=session, code="CDCB")
        hoaan = repo.school_by_code(session=session, code="HOAAN")
        cdcb.enrolment = 4
        lan = Member(channel="telegram", platform_id="1", school_id=cdcb.id, created_at=utc(2))
        minh = Member(channel="zalo", platform_id="2", school_id=cdcb.id, created_at=utc(10))
        ha = Member(channel="telegram", platform_id=None, school_id=cdcb.id, created_at=utc(3), erased_at=utc(27))
        tu = Member(channel="zalo", platform_id="4", school_id=hoaan.id, created_at=utc(20))
        stranger = Member(channel="telegram", platform_id="5", created_at=utc(27))  # never chose a school
        session.add_all([lan, minh, ha, tu, stranger])
        session.flush()

        def act(kind: str, who: Member | None, at: datetime, school=cdcb, post_id=None) -> None:  # noqa: ANN001
            session.add(Event(kind=kind, member_id=who.id if who else None, school_id=school.id, at=at, post_id=post_id))

        for who, day, school in ((lan, 2, cdcb), (minh, 10, cdcb), (ha, 3, cdcb), (tu, 20, hoaan)):
            act("subscribed", who, utc(day, 4), school)
        act("unsubscribed", minh, utc(25))
        act("deleted", ha, utc(27))
        act("blocked", tu, utc(26), hoaan)
        for day in (16, 23, 24):  # one daily push to the three CDCB subscribers of the time
            for who in (lan, minh, ha):
                act("delivered", who, utc(day, 0, 5), post_id=day)
        act("delivered", tu, utc(23, 0, 5), hoaan, post_id=23)
        act("delivered", tu, utc(28, 1), hoaan, post_id=28)  # today, 08:00 local
        act("reacted", lan, utc(27), post_id=24)
        act("reacted", lan, utc(22, 17, 30), post_id=23)  # Monday 23/11 00:30 local: this week
        act("reacted", minh, utc(10), post_id=9)
        act("submitted", minh, utc(21, 9))  # an hour too early to make Minh active now
        act("reacted", tu, utc(22, 16, 30), hoaan, post_id=22)  # Sunday 22/11 23:30 local: last week
        act("submitted", ha, utc(24))  # before erasing: still counts, anonymously
        act("approved", None, utc(25))
        act("published", None, utc(26))
    return engine


def rows_by_code(engine, period: Period, now: datetime = NOW) -> dict:
    with session_scope(engine) as session:
        return {row.code: row for row in school_indicators(session=session, period=period, zone=ZONE, now=now)}


def test_this_week(campaign):
    rows = rows_by_code(campaign, week_of(date(2026, 11, 28)))
    cdcb, hoaan = rows["CDCB"], rows["HOAAN"]
    assert (cdcb.members, cdcb.subscribed, cdcb.active) == (3, 1, 2)  # Hà erased: a member, active, not subscribed
    assert (cdcb.delivered, cdcb.reactions, cdcb.submitted, cdcb.approved, cdcb.published) == (6, 2, 1, 1, 1)
    assert cdcb.reach == 0.75 and cdcb.active_rate == 0.5
    assert (hoaan.members, hoaan.subscribed, hoaan.active, hoaan.delivered, hoaan.reactions) == (1, 0, 1, 2, 0)
    assert hoaan.enrolment is None and hoaan.reach is None and hoaan.active_rate is None


def test_all_time_and_month_count_every_event(campaign):
    for period in (all_time(date(2026, 11, 28)), month_of(date(2026, 11, 28))):
        cdcb = rows_by_code(campaign, period)["CDCB"]
        assert (cdcb.delivered, cdcb.reactions) == (9, 3)


def test_a_past_range_is_measured_at_its_own_end(campaign):
    """Up to Sunday 22/11: Minh and Hà still subscribed, Tú not blocked yet; active that week."""
    rows = rows_by_code(campaign, Period(date(2026, 11, 16), date(2026, 11, 22)))
    assert (rows["CDCB"].subscribed, rows["CDCB"].active, rows["CDCB"].delivered) == (3, 1, 3)
    assert (rows["HOAAN"].members, rows["HOAAN"].subscribed, rows["HOAAN"].active) == (1, 1, 1)


def test_members_not_yet_joined_at_the_end_are_not_counted(campaign):
    assert rows_by_code(campaign, Period(date(2026, 11, 1), date(2026, 11, 5)))["CDCB"].members == 2


def test_finished_days_are_rolled_up_once_and_give_the_same_answers(campaign):
    week = week_of(date(2026, 11, 28))
    first = rows_by_code(campaign, week)  # counting only reads: from the events, as nothing is rolled up
    with session_scope(campaign) as session:
        assert session.exec(select(DailyCount)).all() == [] and not up_to_date(session=session, zone=ZONE, now=NOW)
        roll_up(session=session, zone=ZONE, now=NOW)
        assert up_to_date(session=session, zone=ZONE, now=NOW)
    with session_scope(campaign) as session:
        cdcb = repo.school_by_code(session=session, code="CDCB").id
        rolled = {(r.day, r.school_id, r.kind): r.count for r in session.exec(select(DailyCount)).all()}
    assert rolled[date(2026, 11, 23), cdcb, "delivered"] == 3 and rolled[date(2026, 11, 23), cdcb, "reacted"] == 1
    assert max(day for day, _, _ in rolled) == date(2026, 11, 27)  # today is not over
    assert rows_by_code(campaign, week) == first
    later = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
    assert rows_by_code(campaign, week, now=later)["CDCB"].delivered == first["CDCB"].delivered


def test_total_needs_every_enrolment(campaign):
    rows = list(rows_by_code(campaign, week_of(date(2026, 11, 28))).values())
    summed = total(rows, name="Tổng")
    assert (summed.members, summed.delivered, summed.enrolment, summed.reach) == (4, 8, None, None)
    both = total([r for r in rows if r.code == "CDCB"], name="Tổng")
    assert both.enrolment == 4 and both.active_rate == 0.5


def test_weeks_add_up_to_the_month(campaign):
    with session_scope(campaign) as session:
        weeks = weekly(session=session, period=month_of(date(2026, 11, 28)), zone=ZONE, now=NOW)
    assert [(w.first, w.last) for w, _ in weeks][:2] == [(date(2026, 11, 1), date(2026, 11, 1)), (date(2026, 11, 2), date(2026, 11, 8))]
    assert weeks[-1][0] == Period(date(2026, 11, 30), date(2026, 11, 30))
    delivered = [next(r.delivered for r in rows if r.code == "CDCB") for _, rows in weeks]
    assert delivered == [0, 0, 0, 3, 6, 0]


def test_all_time_weeks_start_with_the_first_member(campaign):
    with session_scope(campaign) as session:
        weeks = weekly(session=session, period=all_time(date(2026, 11, 28)), zone=ZONE, now=NOW)
    assert weeks[0][0] == Period(date(2026, 11, 2), date(2026, 11, 8)) and len(weeks) == 4


def test_two_processes_rolling_up_at_once_count_each_day_once(campaign, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: there is no race to lose")
    first, second = Session(campaign), Session(campaign)
    roll_up(session=first, zone=ZONE, now=NOW)  # its rows are written, not yet committed
    outcome = []

    def race() -> None:
        try:
            outcome.append(roll_up(session=second, zone=ZONE, now=NOW))
            second.commit()
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            outcome.append(error)

    racing = threading.Thread(target=race)
    racing.start()
    time.sleep(0.3)  # the second now waits on the first's rows for the same days
    first.commit()
    racing.join(timeout=10)
    first.close(), second.close()
    assert outcome == [date(2026, 11, 27)]
    with session_scope(campaign) as session:
        cdcb = repo.school_by_code(session=session, code="CDCB").id
        day = session.get(DailyCount, (date(2026, 11, 23), cdcb, "delivered"))
        assert day.count == 3
    assert rows_by_code(campaign, week_of(date(2026, 11, 28)))["CDCB"].delivered == 6
