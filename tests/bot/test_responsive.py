"""The event loop never waits for the database: a reply to /start stays under 200 ms while a
moderator's /thongke counts a million events (its first rollup included) in the same process,
and, on PostgreSQL, while another connection holds a long transaction with row locks."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta

import sqlalchemy as sa

from storage.models import utcnow
from tests.conftest import Person

EVENTS = 1_000_000
DAYS = 45
BUDGET = 0.2  # seconds for a reply to /start

_EVENT_ROWS = {
    # (position n) → a delivery or, one in six, a reaction, spread over 45 days and the schools.
    "sqlite": """
        WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :count - 1)
        INSERT INTO event (kind, school_id, channel, at)
        SELECT CASE WHEN n % 6 = 0 THEN 'reacted' ELSE 'delivered' END, :first + n % :schools, 'zalo',
               datetime(:start, '+' || (n % :days) || ' days', '+' || (n % 43200) || ' seconds') || '.000000'
        FROM seq""",
    "postgresql": """
        INSERT INTO event (kind, school_id, channel, at)
        SELECT CASE WHEN n % 6 = 0 THEN 'reacted' ELSE 'delivered' END, :first + n % :schools, 'zalo',
               CAST(:start AS timestamptz) + (n % :days) * interval '1 day' + (n % 43200) * interval '1 second'
        FROM generate_series(0, :count - 1) AS n""",
}


def _million_events(engine: sa.Engine) -> None:
    start = (utcnow() - timedelta(days=DAYS + 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    with engine.begin() as connection:
        first, last = connection.execute(sa.text("SELECT min(id), max(id) FROM school")).one()
        connection.execute(
            sa.text(_EVENT_ROWS[engine.dialect.name]),
            {"count": EVENTS, "first": first, "schools": last - first + 1, "days": DAYS,
             "start": start.strftime("%Y-%m-%d %H:%M:%S")},
        )


async def _start_times_while(busy: asyncio.Task, core, channels) -> list[float]:  # noqa: ANN001
    """New members send /start one after another until `busy` is done; each reply's time."""
    times = []
    for user in itertools.count(7000):
        if busy.done():
            return times
        person = Person(core, channels["telegram"], str(user), f"Học sinh {user}")
        asked = time.perf_counter()
        replies = await person.say("/start")
        times.append(time.perf_counter() - asked)
        assert "Tin Tốt" in replies[0].text
        await asyncio.sleep(0.02)
    return times


async def test_start_is_answered_at_once_while_thongke_counts_a_million_events(engine, core, channels, moderator):
    _million_events(engine)
    report = asyncio.create_task(moderator.say("/thongke"))
    await asyncio.sleep(0.05)
    times = await _start_times_while(report, core, channels)
    assert "Thống kê theo trường" in (await report)[0].text
    assert len(times) >= 3, "the report ended before it could slow anyone down: nothing was tested"
    assert max(times) < BUDGET, [f"{t * 1000:.0f} ms" for t in times]


async def test_start_is_answered_at_once_while_another_connection_holds_row_locks(engine, core, channels, moderator):
    if engine.dialect.name != "postgresql":
        return  # SQLite has no row locks: its one writer at a time is the test above's subject
    other = engine.connect()
    other.execute(sa.text("SELECT id FROM member FOR UPDATE"))  # every existing member
    other.execute(sa.text("UPDATE school SET enrolment = 1000"))  # every school row, uncommitted
    slow = asyncio.create_task(asyncio.sleep(1.0))  # the transaction stays open meanwhile
    try:
        times = await _start_times_while(slow, core, channels)
    finally:
        other.rollback()
        other.close()
    assert len(times) >= 3 and max(times) < BUDGET, [f"{t * 1000:.0f} ms" for t in times]
