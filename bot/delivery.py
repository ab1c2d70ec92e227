"""The delivery engine: one `Sender` per channel sends waiting deliveries at the channel's push rate.

Crash safety: a window (≤ 32) is marked `sending` under this sender's lease and committed before
any message leaves; the platform's answers are recorded after. The lease is renewed while the
window is in flight; when a sender dies its lease runs out and its rows become `unknown`
(`mark_interrupted`), never sent again; a live sender's rows are never touched. Only what
provably did not reach the platform is retried; when a whole window reaches nobody, the channel
pauses and tells the moderators instead of marking every member failed.

With several processes, only the one elected for the channel sends (`leads`); the others wait
and take over when it is gone. Every database call runs in a database thread (`off_loop`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta

import sqlalchemy as sa
from aiolimiter import AsyncLimiter

from bot.channels.base import Channel, ChannelError
from bot.election import process_identity
from bot.pause import pause
from bot.threads import off_loop
from content import texts
from handlers.io import Outgoing
from handlers.announcements import message as announcement_message
from handlers.publishing import post_message
from storage import pushes
from storage.db import session_scope
from storage.models import Announcement, Post, School, Story

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 2.0, 5.0)  # 5xx and connection errors: then `failed` (but see OUTAGE)
MAX_FLOOD_WAITS = 10  # 429s for one message before it counts as failed
IDLE_POLL = 1.0  # seconds between looks for new posts (another process may create them)
# Requests in flight at once. More buys nothing on a loopback or a 30/s limit, and costs CPU:
# httpcore's pool scans every connection at each request (measured: 32 in flight halve the rate).
IN_FLIGHT = 8
# A window in which nothing got through and every failure was the platform's or the network's
# (an outage, a revoked token) is not the members' fault: those deliveries wait again and the
# channel pauses, longer each time, instead of marking the whole list failed.
OUTAGE_PAUSES = (30.0, 60.0, 120.0, 300.0)
OUTAGE = "outage"  # an internal outcome: did not reach the platform, worth trying later
# A window in flight is held for LEASE and renewed four times as often: flood control can keep
# a window out for minutes. A dead sender's rows wait out the rest of its lease, then `unknown`.
LEASE = timedelta(seconds=10)
SWEEP = 5.0  # seconds between looks for rows whose sender is gone


class Sender:
    """One channel's push in flight; `stop()` is safe to call twice."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        channel: Channel,
        rate: float,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        idle_poll: float = IDLE_POLL,
        outage_pauses: tuple[float, ...] = OUTAGE_PAUSES,
        on_outage: Callable[[str], Awaitable[None]] | None = None,
        leads: Callable[[], Awaitable[bool]] | None = None,
        owner: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        """`leads` says whether this process is the channel's sender now (None: always)."""
        self.engine = engine
        self.channel = channel
        self.limiter = AsyncLimiter(rate, 1)
        self.retry_delays = retry_delays
        self.idle_poll = idle_poll
        self.outage_pauses = outage_pauses
        self.on_outage = on_outage
        self.leads = leads
        self.owner = owner or process_identity()
        self.lease = lease
        self._swept_at = float("-inf")
        self._outages = 0  # windows in a row that reached nobody
        self._last_error = ""
        self._paused_until = 0.0
        self._stopping = asyncio.Event()
        self._posts: dict[int, Outgoing] = {}
        self._in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def run(self) -> None:
        """Sends until stopped while elected; sleeps briefly when nothing waits or another
        process sends."""
        while not self._stopping.is_set():
            if self.leads is not None and not await self.leads():
                await pause(self._stopping, self.idle_poll)
                continue
            await self._sweep()
            if not await self.send_window():
                await pause(self._stopping, self.idle_poll)

    async def _sweep(self) -> None:
        """Rows of a sender that is gone (its lease ran out) become `unknown`, now and then."""
        now = asyncio.get_running_loop().time()
        if now - self._swept_at < SWEEP:
            return
        self._swept_at = now
        count = await off_loop(interrupted, self.engine, self.channel.name)
        if count:
            log.warning("%s: %d deliveries were in flight in a sender that is gone: marked unknown, not re-sent", self.channel.name, count)

    def stop(self) -> None:
        self._stopping.set()

    async def send_window(self) -> int:
        """Claims, sends and records one window; returns how many deliveries it handled."""
        claimed, messages = await off_loop(self._claim)
        if not claimed:
            return 0
        keeping = asyncio.create_task(self._keep_lease([c.delivery_id for c in claimed]))
        try:
            outcomes = await asyncio.gather(*(self._deliver(messages.get(c.delivery_id)) for c in claimed))
        finally:
            keeping.cancel()
        results: dict[str, list[pushes.Claimed]] = defaultdict(list)
        for claim, status in zip(claimed, outcomes):
            results[status].append(claim)
        unreached = results.pop(OUTAGE, [])
        if unreached and not results.get("sent"):
            results["waiting"] = unreached
            await self._pause_for_outage()
        else:
            results["failed"] += unreached
            self._outages = 0
        await off_loop(self._record, results)
        return len(claimed)

    def _claim(self) -> tuple[list[pushes.Claimed], dict[int, Outgoing]]:
        with session_scope(self.engine) as session:
            claimed = pushes.claim_window(session=session, channel=self.channel.name, owner=self.owner, lease=self.lease)
            return claimed, {c.delivery_id: self._message(session, c) for c in claimed if c.still_wanted}

    def _record(self, results: dict[str, list[pushes.Claimed]]) -> None:
        with session_scope(self.engine) as session:
            pushes.record_results(session=session, results=results, channel=self.channel.name)

    async def _keep_lease(self, delivery_ids: list[int]) -> None:
        """Renews the window's lease until cancelled (when the window is done)."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 4)
            await off_loop(self._renew, delivery_ids)

    def _renew(self, delivery_ids: list[int]) -> None:
        with session_scope(self.engine) as session:
            pushes.renew_leases(session=session, delivery_ids=delivery_ids, owner=self.owner, lease=self.lease)

    async def _pause_for_outage(self) -> None:
        seconds = self.outage_pauses[min(self._outages, len(self.outage_pauses) - 1)]
        self._outages += 1
        self._paused_until = max(self._paused_until, asyncio.get_running_loop().time() + seconds)
        log.warning("%s: nothing got through (%s); pausing the push for %.0f s", self.channel.name, self._last_error, seconds)
        if self._outages == 1 and self.on_outage is not None:
            await self.on_outage(texts.PUSH_OUTAGE.format(channel=self.channel.name, seconds=int(seconds)))

    def _message(self, session, claim: pushes.Claimed) -> Outgoing:  # noqa: ANN001
        """The post as this member gets it; rendered once per post, not once per member."""
        if claim.post_id not in self._posts:
            post = session.get(Post, claim.post_id)
            if post.announcement_id is not None:
                announcement = session.get(Announcement, post.announcement_id)
                school = session.get(School, announcement.school_id)
                rendered = announcement_message(announcement=announcement, school=school, channel=self.channel.name, chat_id="", post=post)
            else:
                story = session.get(Story, post.story_id)
                school = session.get(School, story.school_id) if story.school_id else None
                rendered = post_message(post=post, story=story, school=school, channel=self.channel.name, chat_id="")
            self._posts[claim.post_id] = rendered
        return dataclasses.replace(self._posts[claim.post_id], chat_id=claim.chat_id)

    async def _deliver(self, message: Outgoing | None) -> str:
        """Sends one message; returns the delivery's final status."""
        if message is None:
            return "skipped"  # unsubscribed, blocked or erased since the post was created
        failures = floods = 0
        while True:
            await self._wait_out_flood()
            await self.limiter.acquire()
            try:
                async with self._in_flight:
                    await self.channel.send(message)
                return "sent"
            except ChannelError as error:
                failure = error
            except Exception:
                log.exception("%s: unexpected error sending to chat %s", self.channel.name, message.chat_id)
                return "failed"
            outcome = self._judge(failure, failures, floods)
            if outcome != "retry":
                return outcome
            if failure.retry_after is not None:
                floods += 1
            else:
                await asyncio.sleep(self.retry_delays[failures])
                failures += 1

    def _judge(self, error: ChannelError, failures: int, floods: int) -> str:
        if error.blocked:
            return "blocked"
        if error.maybe_delivered:
            return "unknown"
        if error.retry_after is not None:
            # Flood control is per bot, not per message: the whole channel waits.
            self._paused_until = max(self._paused_until, asyncio.get_running_loop().time() + error.retry_after)
            return "retry" if floods < MAX_FLOOD_WAITS else "failed"
        if error.permanent:
            log.warning("%s: a delivery refused: %s", self.channel.name, error)
            return "failed"
        if failures >= len(self.retry_delays):
            self._last_error = str(error)
            return OUTAGE
        return "retry"

    async def _wait_out_flood(self) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(delay)


def interrupted(engine: sa.Engine, channel: str | None = None, *, alone: bool = False) -> int:
    """Deliveries whose sender is gone (lease expired; any, when this process is `alone` on the
    database) become `unknown` (never re-sent)."""
    with session_scope(engine) as session:
        return pushes.mark_interrupted(session=session, channel=channel, every_lease=alone)


def recover(engine: sa.Engine, *, alone: bool = False) -> int:
    """At start: deliveries a crashed sender left `sending` become `unknown` once its lease ran
    out, or at once when this process is `alone` on the database (so no sender is alive)."""
    count = interrupted(engine, alone=alone)
    if count:
        log.warning("%d deliveries were in flight when a sender stopped: marked unknown, not re-sent", count)
    return count
