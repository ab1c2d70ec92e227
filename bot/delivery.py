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
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from aiolimiter import AsyncLimiter

from bot.channels.base import Channel, ChannelError
from bot.election import process_identity
from bot.pause import pause
from bot.threads import off_loop
from content import texts
from handlers.io import Outgoing
from handlers.announcements import message as announcement_message
from handlers.publishing import channel_message, post_message
from storage import pushes, retractions
from storage.db import session_scope

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 2.0, 5.0)  # 5xx and connection errors: then `failed` (but see OUTAGE)
MAX_FLOOD_WAITS = 10  # 429s for one message before it counts as failed
IDLE_POLL = 1.0  # seconds between looks for new posts (another process may create them)
# Requests in flight at once. More buys nothing on a loopback or a 30/s limit, and costs CPU:
# httpcore's pool scans every connection at each request (docs/benchmarks.md, requests in flight).
IN_FLIGHT = 8
# A window in which nothing got through and every failure was the platform's or the network's
# (an outage, a revoked token) is not the members' fault: those deliveries wait again and the
# channel pauses, longer each time, instead of marking the whole list failed.
OUTAGE_PAUSES = (30.0, 60.0, 120.0, 300.0)
OUTAGE = "outage"  # an internal outcome: did not reach the platform, worth trying later
# A window in flight is held for LEASE and renewed four times as often: flood control can keep
# a window out for minutes. A dead sender's rows wait out the rest of its lease, then `unknown`.
LEASE = timedelta(seconds=10)
CAMPAIGN_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # TINTOT_TIMEZONE's default
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
        on_retracted: Callable[[str], Awaitable[None]] | None = None,
        public_url: str | None = None,
        leads: Callable[[], Awaitable[bool]] | None = None,
        owner: str | None = None,
        lease: timedelta = LEASE,
        timezone: ZoneInfo = CAMPAIGN_TIMEZONE,
    ) -> None:
        """`leads` says whether this process is the channel's sender now (None: always);
        `timezone` dates the posts (TINTOT_TIMEZONE)."""
        self.engine = engine
        self.channel = channel
        self.limiter = AsyncLimiter(rate, 1)
        self.retry_delays = retry_delays
        self.idle_poll = idle_poll
        self.outage_pauses = outage_pauses
        self.on_outage = on_outage  # also told when a Telegram channel refuses a cross-post
        self.on_retracted = on_retracted
        self.public_url = public_url  # story links in cross-posts
        self.leads = leads
        self.owner = owner or process_identity()
        self.lease = lease
        self.timezone = timezone
        self._swept_at = float("-inf")
        self._outages = 0  # windows in a row that reached nobody
        self._last_error = ""
        self._paused_until = 0.0
        self._stopping = asyncio.Event()
        self._in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def run(self) -> None:
        """Sends until stopped while elected; sleeps briefly when nothing waits or another
        process sends."""
        while not self._stopping.is_set():
            if self.leads is not None and not await self.leads():
                await pause(self._stopping, self.idle_poll)
                continue
            await self._sweep()
            if not await self.send_window() and not await self.retract_window():
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
        refs = {}
        for claim, (status, ref) in zip(claimed, outcomes):
            results[status].append(claim)
            if ref is not None:
                refs[claim.delivery_id] = ref
        await self._report_refused_channels(results)
        unreached = results.pop(OUTAGE, [])
        if unreached and not results.get("sent"):
            results["waiting"] = unreached
            await self._pause_for_outage()
        else:
            results["failed"] += unreached
            self._outages = 0
        await off_loop(self._record, results, refs)
        return len(claimed)

    def _claim(self) -> tuple[list[pushes.Claimed], dict[int, Outgoing]]:
        with session_scope(self.engine) as session:
            claimed = pushes.claim_window(session=session, channel=self.channel.name, owner=self.owner, lease=self.lease)
            wanted = [claim for claim in claimed if claim.still_wanted]
            # Read afresh each window: an author who erased their data since is no longer named.
            found = pushes.contents(session=session, post_ids={claim.post_id for claim in wanted}) if wanted else {}
        return claimed, self._messages(wanted, found)

    def _record(self, results: dict[str, list[pushes.Claimed]], refs: dict[int, str]) -> None:
        with session_scope(self.engine) as session:
            pushes.record_results(session=session, results=results, channel=self.channel.name, refs=refs)
            if refs and getattr(self.channel, "delete_message", None) is not None:
                retractions.retract_late(session=session, delivery_ids=list(refs))

    async def _keep_lease(self, delivery_ids: list[int]) -> None:
        """Renews the window's lease until cancelled (when the window is done)."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 4)
            await off_loop(self._renew, delivery_ids)

    def _renew(self, delivery_ids: list[int]) -> None:
        with session_scope(self.engine) as session:
            pushes.renew_leases(session=session, delivery_ids=delivery_ids, owner=self.owner, lease=self.lease)

    async def retract_window(self) -> int:
        """Deletes one window of a taken-down story's messages, on channels that can delete."""
        delete = getattr(self.channel, "delete_message", None)
        if delete is None:
            return 0
        claimed = await off_loop(self._claim_retractions)
        if not claimed:
            return 0
        keeping = asyncio.create_task(self._keep_lease([c.delivery_id for c in claimed]))
        try:
            outcomes = await asyncio.gather(*(self._delete(delete, claim) for claim in claimed))
        finally:
            keeping.cancel()
        done = await off_loop(self._record_retractions, claimed, outcomes)
        for story_id, deleted, failed in done:
            if self.on_retracted is not None:
                await self.on_retracted(texts.TAKEDOWN_DONE.format(id=story_id, deleted=deleted, failed=failed))
        return len(claimed)

    async def _delete(self, delete: Callable[[str, str], Awaitable[None]], claim: retractions.Claimed) -> bool:
        """One deletion at the channel's rate; flood control waits, anything else is reported."""
        floods = 0
        while claim.chat_id is not None:
            await self._wait_out_flood()
            await self.limiter.acquire()
            try:
                async with self._in_flight:
                    await delete(claim.chat_id, claim.message_ref)
                return True
            except ChannelError as error:
                if error.retry_after is None or floods >= MAX_FLOOD_WAITS:
                    log.info("%s: message %s not deleted: %s", self.channel.name, claim.message_ref, error)
                    return False
                floods += 1
                self._paused_until = max(self._paused_until, asyncio.get_running_loop().time() + error.retry_after)
        return False

    def _claim_retractions(self) -> list[retractions.Claimed]:
        with session_scope(self.engine) as session:
            return retractions.claim(session=session, channel=self.channel.name, owner=self.owner, lease=self.lease)

    def _record_retractions(self, claimed: list[retractions.Claimed], outcomes: list[bool]) -> list[tuple[int, int, int]]:
        with session_scope(self.engine) as session:
            retractions.record(
                session=session,
                deleted=[c.delivery_id for c, ok in zip(claimed, outcomes) if ok],
                failed=[c.delivery_id for c, ok in zip(claimed, outcomes) if not ok],
            )
            return list(retractions.finished(session=session, post_ids={c.post_id for c in claimed}))

    async def _report_refused_channels(self, results: dict[str, list[pushes.Claimed]]) -> None:
        """A channel that refuses (the bot is not its admin: `blocked`) is no member who blocked
        the bot: the delivery fails, the channel stays a target, and the editors are told at once.
        A cross-post that failed otherwise (a message the platform rejected) is only logged: the
        editors could do nothing about it, and "make the bot an admin" would mislead them."""
        for claim in [claim for claim in results.get("failed", []) if claim.to_channel]:
            log.warning("%s: a cross-post to the channel %s failed", self.channel.name, claim.chat_id)
        for claim in [claim for claim in results.get("blocked", []) if claim.to_channel]:
            results["blocked"].remove(claim)
            results["failed"].append(claim)
            log.warning("%s: the channel %s refused a cross-post", self.channel.name, claim.chat_id)
            if self.on_outage is not None:
                await self.on_outage(texts.CROSSPOST_REFUSED.format(channel=claim.chat_id))

    async def _pause_for_outage(self) -> None:
        seconds = self.outage_pauses[min(self._outages, len(self.outage_pauses) - 1)]
        self._outages += 1
        self._paused_until = max(self._paused_until, asyncio.get_running_loop().time() + seconds)
        log.warning("%s: nothing got through (%s); pausing the push for %.0f s", self.channel.name, self._last_error, seconds)
        if self._outages == 1 and self.on_outage is not None:
            await self.on_outage(texts.PUSH_OUTAGE.format(channel=self.channel.name, seconds=int(seconds)))

    def _messages(self, claimed: list[pushes.Claimed], found: dict[int, pushes.Contents]) -> dict[int, Outgoing]:
        """Each delivery's message, by delivery id; a post is rendered once per window, not once
        per member."""
        rendered: dict[int, Outgoing] = {}
        messages = {}
        for claim in claimed:
            contents = found[claim.post_id]
            if claim.to_channel:
                messages[claim.delivery_id] = self._channel_message(contents, claim.chat_id)
                continue
            if claim.post_id not in rendered:
                rendered[claim.post_id] = self._render(contents)
            messages[claim.delivery_id] = dataclasses.replace(rendered[claim.post_id], chat_id=claim.chat_id)
        return messages

    def _render(self, contents: pushes.Contents) -> Outgoing:
        if contents.announcement is not None:
            return announcement_message(
                announcement=contents.announcement, school=contents.school, channel=self.channel.name, chat_id="", post=contents.post
            )
        return post_message(
            post=contents.post, story=contents.story, school=contents.school, author_adult=contents.author_adult,
            channel=self.channel.name, chat_id="", zone=self.timezone,
        )

    def _channel_message(self, contents: pushes.Contents, chat_id: str) -> Outgoing:
        """The post as a Telegram channel carries it: no reaction buttons (its readers are not
        members); a story with the link to its page."""
        if contents.announcement is not None:
            return dataclasses.replace(self._render(contents), chat_id=chat_id, buttons=())
        return channel_message(
            post=contents.post, story=contents.story, school=contents.school, author_adult=contents.author_adult,
            chat_id=chat_id, public_url=self.public_url, zone=self.timezone,
        )

    async def _deliver(self, message: Outgoing | None) -> tuple[str, str | None]:
        """Sends one message; returns the delivery's final status and the platform's message id."""
        if message is None:
            return "skipped", None  # unsubscribed, blocked, banned or erased since the post was created
        failures = floods = 0
        while True:
            await self._wait_out_flood()
            await self.limiter.acquire()
            try:
                async with self._in_flight:
                    ref = await self.channel.send(message)
                return "sent", ref
            except ChannelError as error:
                failure = error
            except Exception:
                log.exception("%s: unexpected error sending to chat %s", self.channel.name, message.chat_id)
                return "failed", None
            outcome = self._judge(failure, failures, floods)
            if outcome != "retry":
                return outcome, None
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
    database) become `unknown` (never re-sent); its deletions are queued again. Returns how
    many became `unknown`."""
    with session_scope(engine) as session:
        retractions.requeue_interrupted(session=session, channel=channel, every_lease=alone)
        return pushes.mark_interrupted(session=session, channel=channel, every_lease=alone)


def recover(engine: sa.Engine, *, alone: bool = False) -> int:
    """At start: deliveries a crashed sender left `sending` become `unknown` once its lease ran
    out, or at once when this process is `alone` on the database (so no sender is alive);
    deletions a crash interrupted are queued again."""
    count = interrupted(engine, alone=alone)
    if count:
        log.warning("%d deliveries were in flight when a sender stopped: marked unknown, not re-sent", count)
    return count
