"""The event loop never waits for the database: a reply to /start stays within 25 times an idle
one's time while a moderator's /thongke counts a million events (its first rollup included) in
the same process, and, on PostgreSQL, while another connection holds a long transaction with row
locks. A ratio to the idle reply measured in the same test, not a clock budget: a busy machine
slows both alike (measured here: idle 5 ms, busy at most 36 ms; a blocked loop takes seconds)."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Iterable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from storage.models import utcnow
from tests.conftest import Person

EVENTS = 1_000_000
DAYS = 45
SLOWDOWN = 25  # how many idle replies' time a reply may take meanwhile
IDLE_SAMPLES = 7

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


async def _start_times(core, channels, users: Iterable[int], busy: asyncio.Task | None = None) -> list[float]:  # noqa: ANN001
    """New members send /start one after another (until `busy` is done, if given); each reply's time."""
    times = []
    for user in users:
        if busy is not None and busy.done():
            return times
        person = Person(core, channels["telegram"], str(user), f"Học sinh {user}")
        asked = time.perf_counter()
        replies = await person.say("/start")
        times.append(time.perf_counter() - asked)
        assert "Tin Tốt" in replies[0].text
        await asyncio.sleep(0.02)
    return times


def _idle_start_times(core, channels):  # noqa: ANN001, ANN202
    """The same replies with nothing else running: what a reply costs on this machine now."""
    return _start_times(core, channels, range(6000, 6000 + IDLE_SAMPLES))


async def test_start_is_answered_at_once_while_thongke_counts_a_million_events(engine, core, channels, moderator):
    idle = await _idle_start_times(core, channels)
    _million_events(engine)
    report = asyncio.create_task(moderator.say("/thongke"))
    await asyncio.sleep(0.05)
    times = await _start_times(core, channels, itertools.count(7000), report)
    assert "Thống kê theo trường" in (await report)[0].text
    assert len(times) >= 3, "the report ended before it could slow anyone down: nothing was tested"
    _assert_not_held_up(times, idle)


async def test_start_is_answered_at_once_while_another_connection_holds_row_locks(engine, core, channels, moderator):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: its one writer at a time is the test above's subject")
    idle = await _idle_start_times(core, channels)
    other = engine.connect()
    other.execute(sa.text("SELECT id FROM member FOR UPDATE"))  # every existing member
    other.execute(sa.text("UPDATE school SET enrolment = 1000"))  # every school row, uncommitted
    slow = asyncio.create_task(asyncio.sleep(1.0))  # the transaction stays open meanwhile
    try:
        times = await _start_times(core, channels, itertools.count(7000), slow)
    finally:
        other.rollback()
        other.close()
    assert len(times) >= 3
    _assert_not_held_up(times, idle)


def _assert_not_held_up(times: list[float], idle: list[float]) -> None:
    usual = statistics.median(idle)
    assert max(times) < SLOWDOWN * usual, f"idle {usual * 1000:.0f} ms; meanwhile {[f'{t * 1000:.0f} ms' for t in times]}"
