"""The delivery engine's rules, with a channel whose answers each test scripts."""

import asyncio
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.channels.base import ChannelError
from bot.delivery import Sender, recover
from handlers.context import CoreConfig
from handlers.publishing import publish_slot
from storage import pushes, retractions
from storage.db import session_scope
from storage.models import Delivery, Event, Member, Story, utcnow


class ScriptedChannel:
    """Answers each chat's sends from a script of errors; records every attempt."""

    name = "telegram"

    def __init__(self, script: dict[str, list[ChannelError]] | None = None) -> None:
        self.script = script or {}
        self.attempts: list[str] = []
        self.delivered: list[str] = []

    async def send(self, message):
        self.attempts.append(message.chat_id)
        errors = self.script.get(message.chat_id)
        if errors:
            raise errors.pop(0)
        self.delivered.append(message.chat_id)
        return None


def _push_to(engine, count: int) -> None:
    with session_scope(engine) as session:
        for number in range(count):
            session.add(Member(channel="telegram", platform_id=str(number), chat_id=str(number), school_id=1,
                               consented_at=utcnow(), daily=True, weekly=True))
        session.add(Story(text="Tin tốt để thử gửi hàng loạt.", status="approved", slot="daily", decided_at=utcnow()))
    with session_scope(engine) as session:
        now = utcnow().replace(hour=2)  # 09:00 in Viet Nam
        assert publish_slot(session=session, kind="daily", now=now, config=CoreConfig()).status == "published"


def _statuses(engine) -> dict[str, str]:
    with session_scope(engine) as session:
        rows = session.exec(select(Member.chat_id, Delivery.status).join(Member, Member.id == Delivery.member_id)).all()
    return dict(rows)


async def _drain(sender: Sender) -> None:
    while await sender.send_window():
        pass


async def test_everyone_gets_the_post_once_with_a_delivered_event(engine):
    _push_to(engine, 70)
    channel = ScriptedChannel()
    await _drain(Sender(engine=engine, channel=channel, rate=1000))
    assert sorted(channel.delivered, key=int) == [str(n) for n in range(70)]
    assert set(_statuses(engine).values()) == {"sent"}
    with session_scope(engine) as session:
        assert len(session.exec(select(Event).where(Event.kind == "delivered")).all()) == 70


async def test_blocked_member_is_unsubscribed(engine):
    _push_to(engine, 3)
    channel = ScriptedChannel({"1": [ChannelError("Forbidden", blocked=True)]})
    await _drain(Sender(engine=engine, channel=channel, rate=1000))
    assert _statuses(engine) == {"0": "sent", "1": "blocked", "2": "sent"}
    with session_scope(engine) as session:
        member = session.exec(select(Member).where(Member.chat_id == "1")).one()
        assert member.blocked and not member.daily
        assert session.exec(select(Event).where(Event.kind == "blocked")).one().member_id == member.id


async def test_flood_control_pauses_the_whole_channel_then_finishes(engine):
    _push_to(engine, 5)
    channel = ScriptedChannel({"0": [ChannelError("Too Many Requests", retry_after=0.3)]})
    started = time.monotonic()
    await _drain(Sender(engine=engine, channel=channel, rate=1000))
    assert time.monotonic() - started >= 0.3
    assert set(_statuses(engine).values()) == {"sent"} and channel.attempts.count("0") == 2


async def test_read_timeout_is_unknown_and_never_resent(engine):
    _push_to(engine, 2)
    channel = ScriptedChannel({"1": [ChannelError("timed out", maybe_delivered=True)]})
    await _drain(Sender(engine=engine, channel=channel, rate=1000))
    assert _statuses(engine) == {"0": "sent", "1": "unknown"} and channel.attempts.count("1") == 1


async def test_server_errors_are_retried_then_failed(engine):
    _push_to(engine, 2)
    channel = ScriptedChannel({"0": [ChannelError("502")] * 2, "1": [ChannelError("503")] * 5})
    await _drain(Sender(engine=engine, channel=channel, rate=1000, retry_delays=(0.01, 0.01, 0.01)))
    assert _statuses(engine) == {"0": "sent", "1": "failed"}
    assert channel.attempts.count("0") == 3 and channel.attempts.count("1") == 4


async def test_member_who_paused_since_the_post_was_created_is_skipped(engine):
    _push_to(engine, 2)
    with session_scope(engine) as session:
        session.exec(select(Member).where(Member.chat_id == "0")).one().daily = False
    channel = ScriptedChannel()
    await _drain(Sender(engine=engine, channel=channel, rate=1000))
    assert _statuses(engine) == {"0": "skipped", "1": "sent"} and channel.attempts == ["1"]


async def test_after_a_crash_in_flight_rows_are_unknown_and_the_rest_resumes(engine):
    _push_to(engine, 40)
    with session_scope(engine) as session:  # then the process dies, and its lease runs out
        in_flight = pushes.claim_window(session=session, channel="telegram", owner="dead", lease=timedelta(0))
    assert recover(engine) == len(in_flight) == 32
    channel = ScriptedChannel()
    await _drain(Sender(engine=engine, channel=channel, rate=1000))
    assert len(channel.delivered) == 8
    statuses = list(_statuses(engine).values())
    assert statuses.count("unknown") == 32 and statuses.count("sent") == 8


async def test_the_rate_is_kept(engine):
    _push_to(engine, 30)
    channel = ScriptedChannel()
    sender = Sender(engine=engine, channel=channel, rate=20)
    started = time.monotonic()
    await _drain(sender)
    # aiolimiter lets one second's worth through at once, then 20 a second: the last 10 take
    # 0.5 s, less what the first 20 took. Only a lower bound: how fast a push goes on a busy
    # machine is `make bench`'s question (tests/benchmarks/bench_push.py).
    assert time.monotonic() - started >= 0.3
    assert len(channel.delivered) == 30


async def test_run_stops_when_asked(engine):
    sender = Sender(engine=engine, channel=ScriptedChannel(), rate=10, idle_poll=0.05)
    task = asyncio.create_task(sender.run())
    await asyncio.sleep(0.1)
    sender.stop()
    sender.stop()
    await asyncio.wait_for(task, 1)


async def test_an_outage_puts_the_window_back_pauses_and_tells_once(engine):
    _push_to(engine, 4)
    down = ChannelError("502 Bad Gateway")
    channel = ScriptedChannel({str(n): [down] * 6 for n in range(4)})  # two windows' worth of tries
    notices: list[str] = []

    async def tell(text: str) -> None:
        notices.append(text)

    sender = Sender(engine=engine, channel=channel, rate=1000, retry_delays=(0.01, 0.01),
                    outage_pauses=(0.05, 0.1), on_outage=tell)
    await sender.send_window()
    assert set(_statuses(engine).values()) == {"waiting"}  # nobody was reached: nothing is lost
    started = time.monotonic()
    await _drain(sender)
    assert time.monotonic() - started >= 0.05
    assert set(_statuses(engine).values()) == {"sent"} and sorted(channel.delivered) == ["0", "1", "2", "3"]
    assert len(notices) == 1 and "telegram" in notices[0]


async def test_a_refused_message_fails_at_once_and_does_not_look_like_an_outage(engine):
    _push_to(engine, 2)
    channel = ScriptedChannel({"0": [ChannelError("Bad Request: chat not found", permanent=True)]})
    await _drain(Sender(engine=engine, channel=channel, rate=1000))
    assert _statuses(engine) == {"0": "failed", "1": "sent"} and channel.attempts.count("0") == 1


async def test_a_live_senders_rows_are_never_marked_unknown_and_its_lease_is_renewed(engine):
    _push_to(engine, 40)
    with session_scope(engine) as session:  # another process's window, in flight
        in_flight = pushes.claim_window(session=session, channel="telegram", owner="other", lease=timedelta(minutes=1))
    assert recover(engine) == 0
    slow = ChannelError("Too Many Requests", retry_after=0.3)
    channel = ScriptedChannel({"32": [slow]})
    sender = Sender(engine=engine, channel=channel, rate=1000, owner="me", lease=timedelta(seconds=0.2))
    swept = []

    async def sweep_meanwhile() -> None:  # as a process starting elsewhere would
        while True:
            swept.append(recover(engine))
            await asyncio.sleep(0.03)

    sweeping = asyncio.create_task(sweep_meanwhile())
    await _drain(sender)  # the flood wait outlasts the lease: renewals keep the window ours
    sweeping.cancel()
    assert len(swept) > 5 and sum(swept) == 0
    statuses = _statuses(engine)
    assert [statuses[str(n)] for n in range(32)] == ["sending"] * 32 and len(in_flight) == 32
    assert {statuses[str(n)] for n in range(32, 40)} == {"sent"}
    with session_scope(engine) as session:
        owners = set(session.exec(select(Delivery.lease_owner).where(Delivery.status == "sending")).all())
    assert owners == {"other"}


async def test_deletions_in_flight_are_asked_again_only_when_their_sender_is_gone(engine):
    _push_to(engine, 4)
    with session_scope(engine) as session:  # sent, then taken back: waiting for deletion
        session.execute(sa.update(Delivery).values(status="retracting", message_ref="m1"))
    with session_scope(engine) as session:
        dead = retractions.claim(session=session, channel="telegram", owner="dead", lease=timedelta(0), size=2)
        live = retractions.claim(session=session, channel="telegram", owner="live", lease=timedelta(minutes=1), size=2)
    recover(engine)
    with session_scope(engine) as session:
        status = dict(session.exec(select(Delivery.id, Delivery.status)).all())
    assert {status[c.delivery_id] for c in dead} == {"retracting"}
    assert {status[c.delivery_id] for c in live} == {"deleting"}


async def test_a_push_in_progress_stops_naming_an_author_who_erased_their_data(engine):
    _push_to(engine, pushes.WINDOW + 2)
    with session_scope(engine) as session:
        story = session.exec(select(Story)).one()
        author = Member(channel="telegram", platform_id="lan", adult=True, school_id=story.school_id)  # 16+: may be named
        session.add(author)
        session.flush()
        story.member_id, story.show_name, story.author_name = author.id, True, "Nông Thị Lan"
    texts: list[str] = []
    channel = ScriptedChannel()
    send = channel.send

    async def recording(message):
        texts.append(message.text)
        return await send(message)

    channel.send = recording
    sender = Sender(engine=engine, channel=channel, rate=1000)
    await sender.send_window()
    with session_scope(engine) as session:  # what /xoa does to the story between two windows
        session.exec(select(Story)).one().author_name = None
    await _drain(sender)
    assert len(texts) == pushes.WINDOW + 2 and "Nông Thị Lan" in texts[0]
    assert not [text for text in texts[pushes.WINDOW:] if "Nông Thị Lan" in text]
