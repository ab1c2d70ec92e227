"""The CPU cost of one update's transaction, by the most common kinds of update.

New members join (/start, consent, age band, school), then each writes a text: every step is one
update through `Core._handle_in_transaction`, the transaction the runtime runs in a database
thread, here in one thread with nothing else running. It prints the process's CPU time per update
(`time.process_time`), the best of several rounds: other jobs on the machine move it far less than
wall-clock rates, and the best round least. On PostgreSQL the server's own CPU is not counted,
only the bot's.
`python -m tests.benchmarks.bench_core sqlite` measures SQLite only.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from bot.core import Core
from bot.database import open_database
from handlers.context import CoreConfig
from handlers.io import Incoming
from storage.db import session_scope
from storage.models import Event, Member, School
from tests.postgres import PostgresServer

WARM_UP = 200
MEMBERS = 2_000
ROUND = 400  # members a round; the best round counts (other jobs on the machine slow some)


def run(*, sqlite_only: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _bench("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}")
    if sqlite_only:
        return
    server = PostgresServer.start()
    if server is None:
        print("core: PostgreSQL is not installed here: measured on SQLite only")
        return
    try:
        _bench("PostgreSQL", server.new_database())
    finally:
        server.stop()


def _steps(school_code: str) -> list[tuple[str, Callable[[str], Incoming]]]:
    """(name, the update member `n` sends), in the order a newcomer sends them."""

    def update(kind: str, text: str = "", data: str | None = None) -> Callable[[str], Incoming]:
        def of(n: str) -> Incoming:
            return Incoming(
                "telegram", n, n, "Học sinh", kind, text, callback_data=data, update_id=f"{n}:{kind}:{text}{data}"
            )

        return of

    return [
        ("/start from a new member", update("text", "/start")),
        ("button consent:yes", update("callback", data="consent:yes")),
        ("button age:adult", update("callback", data="age:adult")),
        (f"button school:{school_code}", update("callback", data=f"school:{school_code}")),
        ("text from a joined member", update("text", "Chào bạn, hôm nay có tin gì mới?")),
    ]


def _bench(database: str, url: str) -> None:
    engine = open_database(url)
    core = Core(engine=engine, config=CoreConfig())
    with session_scope(engine) as session:
        school_code = session.exec(select(School.code).order_by(School.id)).first()
    steps = _steps(school_code)
    for _, make in steps:
        for n in range(WARM_UP):
            core._handle_in_transaction(make(str(n)))
    times: dict[str, list[float]] = {name: [] for name, _ in steps}
    for first in range(WARM_UP, WARM_UP + MEMBERS, ROUND):
        members = [str(n) for n in range(first, first + ROUND)]
        for name, make in steps:
            updates = [make(n) for n in members]
            started = time.process_time()
            for incoming in updates:
                core._handle_in_transaction(incoming)
            times[name].append((time.process_time() - started) / len(updates))
    for name, per_round in times.items():
        best = min(per_round)
        print(f"core [{database}]: {name}: {best * 1e6:,.0f} µs CPU per update (best of {len(per_round)} rounds of {ROUND})")
    _check(database, engine, WARM_UP + MEMBERS)
    engine.dispose()


def _check(database: str, engine: sa.Engine, members: int) -> None:
    """Every member joined, and each step left the events the reports count."""
    with session_scope(engine) as session:
        joined = session.exec(select(sa.func.count()).select_from(Member).where(Member.school_id.is_not(None))).one()
        kinds = dict(session.exec(select(Event.kind, sa.func.count()).group_by(Event.kind)).all())
    expected = {"joined": members, "consented": members, "subscribed": members, "replied": members}
    if joined != members or kinds != expected:
        raise SystemExit(f"core [{database}]: wrong outcome: {joined} members joined, events {kinds}")


if __name__ == "__main__":
    run(sqlite_only=sys.argv[1:] == ["sqlite"])
