"""/thongke over 1,000,000 events and 20 schools (goal: under a second).

The campaign it builds: 20 schools of 1,000 students, 45 days of a daily push to every
subscriber, a sixth of them reacting each day, stories submitted, approved and published, some
members pausing or blocking the bot. The events are written straight into the database (SQLite,
then PostgreSQL where it is installed); the command then goes through the real route (role
check, queries, chart) as a moderator's message.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from bot.database import open_database
from handlers.context import CoreConfig
from handlers.io import Incoming
from handlers.routes import handle_update
from storage import repo
from storage.db import session_scope
from storage.indicators import school_indicators, weekly
from storage.models import Event, Member
from storage.periods import all_time, local_day
from tests.postgres import PostgresServer

EVENTS = 1_000_000
SCHOOLS = 20
STUDENTS = 1_000
DAYS = 45
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
CONFIG = CoreConfig(clock=lambda: NOW)


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _bench("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}")
    server = PostgresServer.start()
    if server is None:
        print("stats: PostgreSQL is not installed here: measured on SQLite only")
        return
    try:
        _bench("PostgreSQL", server.new_database())
    finally:
        server.stop()


def _bench(database: str, url: str) -> None:
    engine = open_database(url)
    started = time.perf_counter()
    _campaign(engine)
    print(f"stats [{database}]: built {EVENTS:,} events, {SCHOOLS} schools in {time.perf_counter() - started:.1f} s")
    _measure(database, "/thongke, first ever (rolls up 45 days)", lambda: _thongke(engine, ""), repeat=1)
    for word in ("", "tuan", "thang"):
        _measure(database, f"/thongke {word}".rstrip(), lambda w=word: _thongke(engine, w), repeat=5)
    _measure(database, "tintot report --format xlsx weeks (all time)", lambda: _weeks(engine), repeat=1)
    _check_against_raw_counts(database, engine)
    engine.dispose()


def _measure(database: str, name: str, action: Callable[[], None], repeat: int) -> None:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    verdict = "" if "first" in name or "report" in name else ("  (goal < 1 s: met)" if min(times) < 1 else "  (goal < 1 s: MISSED)")
    print(f"stats [{database}]: {name}: best {min(times) * 1000:.0f} ms of {repeat}{verdict}")


def _thongke(engine: sa.Engine, word: str) -> None:
    incoming = Incoming(channel="telegram", user_id="moderator", chat_id="moderator", text=f"/thongke {word}".strip())
    with session_scope(engine) as session:
        handled = handle_update(session=session, incoming=incoming, config=CONFIG)
    # The table is made after the update's commit, as the core does it.
    replies = [message for job in handled.later for message in job(engine)]
    assert "Thống kê theo trường" in replies[0].text, replies


def _check_against_raw_counts(database: str, engine: sa.Engine) -> None:
    """The rolled-up figures must be the events' own: a fast wrong answer is no answer."""
    with session_scope(engine) as session:
        rows = school_indicators(session=session, period=all_time(local_day(NOW, CONFIG.timezone)), zone=CONFIG.timezone, now=NOW)
        raw = dict(session.execute(sa.select(Event.kind, sa.func.count()).group_by(Event.kind)).all())
    assert sum(r.delivered for r in rows) == raw["delivered"] and sum(r.reactions for r in rows) == raw["reacted"]
    print(f"stats [{database}]: totals match the raw events ({raw['delivered']:,} delivered, {raw['reacted']:,} reactions)")


def _weeks(engine: sa.Engine) -> None:
    with session_scope(engine) as session:
        weekly(session=session, period=all_time(local_day(NOW, CONFIG.timezone)), zone=CONFIG.timezone, now=NOW)


def _campaign(engine: sa.Engine) -> None:
    rng = random.Random(3361)
    start = NOW - timedelta(days=DAYS)
    with session_scope(engine) as session:
        repo.import_schools(session=session, rows=[(f"S{n:02}", f"Trường số {n}", STUDENTS + 100) for n in range(SCHOOLS)], replace=True)
        schools = [school.id for school in repo.schools(session=session)]
        session.add(Member(channel="telegram", platform_id="moderator", chat_id="moderator", role="editor", consented_at=start))
        members = [
            {"channel": "zalo", "platform_id": f"{school}-{n}", "school_id": school, "daily": True, "weekly": True, "created_at": start}
            for school in schools
            for n in range(STUDENTS)
        ]
        session.execute(sa.insert(Member), members)
        ids = session.execute(sa.select(Member.id, Member.school_id).where(Member.school_id.is_not(None))).all()
    events = _events(rng, ids, start)
    with engine.begin() as connection:
        for chunk in range(0, len(events), 50_000):
            connection.execute(sa.insert(Event), events[chunk : chunk + 50_000])


def _events(rng: random.Random, members: list[tuple[int, int]], start: datetime) -> list[dict]:
    events = [_event("subscribed", m, s, start) for m, s in members]
    leaving = rng.sample(members, 1_500)
    for m, s in leaving:
        events.append(_event(rng.choice(("unsubscribed", "blocked")), m, s, start + timedelta(days=rng.uniform(1, DAYS))))
    per_day = (EVENTS - len(events)) // DAYS
    for day in range(DAYS):
        morning = start + timedelta(days=day, hours=0, minutes=5)
        for m, s in rng.sample(members, per_day * 5 // 6 - 60):
            events.append(_event("delivered", m, s, morning + timedelta(seconds=rng.uniform(0, 1200))))
        for m, s in rng.sample(members, per_day // 6):
            events.append(_event("reacted", m, s, morning + timedelta(hours=rng.uniform(0, 14))))
        for kind in ("submitted",) * 40 + ("approved",) * 19 + ("published",):
            m, s = rng.choice(members)
            events.append(_event(kind, m if kind == "submitted" else None, s, morning + timedelta(hours=rng.uniform(1, 13))))
    events += [_event("delivered", m, s, NOW - timedelta(minutes=5)) for m, s in members[: EVENTS - len(events)]]
    return events


def _event(kind: str, member_id: int | None, school_id: int, at: datetime) -> dict:
    return {"kind": kind, "member_id": member_id, "school_id": school_id, "channel": "zalo", "at": at}


if __name__ == "__main__":
    run()
