"""The campaign clock: slots at their time, catch-up the same day, nothing at night, and one
post per slot however many processes race for it."""

import asyncio
import functools
import multiprocessing
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.core import Core
from bot.database import open_database
from bot.election import Election
from bot.scheduler import Scheduler
from bot.threads import off_loop
from handlers.context import CoreConfig
from handlers.io import Incoming
from storage.db import session_scope
from storage import repo
from storage.models import Delivery, Member, Post, ProcessedUpdate, Story, utcnow
from tests.conftest import ADMIN, text_of

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def _prepare(engine, stories: int = 1, members: int = 20) -> None:
    with session_scope(engine) as session:
        session.add(Member(channel="telegram", platform_id=ADMIN[1], chat_id=ADMIN[1]))
        for number in range(members):
            session.add(Member(channel="zalo", platform_id=str(number), chat_id=str(number), school_id=1,
                               consented_at=utcnow(), daily=True, weekly=True))
        for number in range(stories):
            session.add(Story(text=f"Tin tốt số {number} cho lịch đăng.", status="approved", slot="daily", decided_at=utcnow()))


def _posts(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(p.kind, str(p.slot_date)) for p in session.exec(select(Post)).all()]


def _scheduler(engine, core, when: str) -> Scheduler:
    config = CoreConfig(admins=frozenset({ADMIN}))
    return Scheduler(engine=engine, config=config, send=core.send_all, clock=lambda: _at(when))


async def test_nothing_before_the_slot_then_exactly_one_post(engine, core):
    _prepare(engine, stories=2)
    await _scheduler(engine, core, "2026-11-30 06:59").check()
    assert _posts(engine) == []
    for _ in range(3):
        await _scheduler(engine, core, "2026-11-30 07:00").check()
    assert _posts(engine) == [("daily", "2026-11-30")]


async def test_catch_up_the_same_day_after_downtime(engine, core):
    _prepare(engine)
    await _scheduler(engine, core, "2026-11-30 15:20").check()
    assert _posts(engine) == [("daily", "2026-11-30")]


async def test_quiet_hours_skip_and_report_once(engine, core, channels):
    _prepare(engine)
    for _ in range(2):
        await _scheduler(engine, core, "2026-11-30 21:05").check()
    assert _posts(engine) == []
    reports = [m for m in channels["telegram"].sent if "bỏ qua để không làm phiền" in m.text]
    assert len(reports) == 1 and reports[0].chat_id == ADMIN[1]
    await _scheduler(engine, core, "2026-12-01 07:00").check()
    assert _posts(engine) == [("daily", "2026-12-01")]


async def test_weekly_only_on_its_day(engine, core):
    _prepare(engine, stories=1)
    await _scheduler(engine, core, "2026-12-02 20:00").check()  # Wednesday, after the daily slot
    assert ("weekly", "2026-12-06") not in _posts(engine)
    await _scheduler(engine, core, "2026-12-06 19:00").check()  # Sunday: the week's best daily item
    assert ("weekly", "2026-12-06") in _posts(engine)


def _race_one(database_url: str, role: str, start, when: str) -> None:
    engine = open_database(database_url)
    config = CoreConfig(admins=frozenset({ADMIN}), clock=lambda: _at(when))
    core = Core(engine=engine, config=config)
    start.wait()
    if role == "moderator":
        asyncio.run(core.handle(Incoming(channel="telegram", user_id=ADMIN[1], chat_id=ADMIN[1], text="/dang ngay")))
    else:
        asyncio.run(Scheduler(engine=engine, config=config, send=core.send_all, clock=config.clock).check())


def test_two_schedulers_and_a_moderator_race_for_one_slot(engine, database_url):
    _prepare(engine, stories=3, members=2000)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(3)
    racers = [
        context.Process(target=_race_one, args=(database_url, role, start, "2026-11-30 07:00"))
        for role in ("scheduler", "scheduler", "moderator")
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
        assert racer.exitcode == 0
    assert _posts(engine) == [("daily", "2026-11-30")]
    with session_scope(engine) as session:
        deliveries = session.exec(select(Delivery.member_id)).all()
        published = session.exec(select(Story).where(Story.status == "published")).all()
    assert len(deliveries) == len(set(deliveries)) == 2000
    assert len(published) == 1


async def test_dang_reports_a_slot_the_scheduler_already_sent(engine, core, admin, clock):
    _prepare(engine)
    clock.set_local("2026-11-30 07:30")
    await _scheduler(engine, core, "2026-11-30 07:00").check()
    assert "đã được đăng lúc 07:00 30/11/2026" in text_of(await admin.say("/dang ngay"))


async def test_processed_update_ids_are_forgotten_after_two_days(engine, core):
    with session_scope(engine) as session:
        session.add(ProcessedUpdate(channel="zalo", update_id="old", at=_at("2026-11-27 06:00")))
        session.add(ProcessedUpdate(channel="zalo", update_id="recent", at=_at("2026-11-29 08:00")))
    await _scheduler(engine, core, "2026-11-30 06:30").check()
    with session_scope(engine) as session:
        assert session.exec(select(ProcessedUpdate.update_id)).all() == ["recent"]
        assert repo.claim_update(session=session, channel="zalo", update_id="old")


async def test_three_processes_one_scheduler_then_another_takes_over(engine, database_url):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one process: it holds every role")
    _prepare(engine)
    ticks: list[Counter] = []
    elections, schedulers = [], []
    for _ in range(3):  # as three processes: an engine (its own connections) and an election each
        election = Election(open_database(database_url))
        counted = Counter()
        ticks.append(counted)

        async def send(notices, counted=counted) -> None:
            counted["checks"] += 1

        leads = functools.partial(off_loop, election.leads, "scheduler")
        config = CoreConfig(admins=frozenset({ADMIN}), clock=lambda: _at("2026-11-30 07:00"))
        schedulers.append(Scheduler(engine=election.engine, config=config, send=send, clock=config.clock, tick=0.05, leads=leads))
        elections.append(election)
    running = [asyncio.create_task(s.run()) for s in schedulers]
    await asyncio.sleep(0.5)
    leader = next(n for n, counted in enumerate(ticks) if counted["checks"])
    assert [bool(counted["checks"]) for counted in ticks].count(True) == 1
    schedulers[leader].stop()
    await running[leader]
    elections[leader].release_all()  # the leader stops: another one goes on within a tick
    before = [counted["checks"] for counted in ticks]
    await asyncio.sleep(0.5)
    for n, scheduler in enumerate(schedulers):
        scheduler.stop()
    await asyncio.gather(*running)
    for election in elections:
        election.release_all()
        election.engine.dispose()
    grown = [n for n in range(3) if ticks[n]["checks"] > before[n]]
    assert len(grown) == 1 and grown[0] != leader
    assert _posts(engine) == [("daily", "2026-11-30")]
