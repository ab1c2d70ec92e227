"""The delivery engine: one `Sender` per channel sends waiting deliveries at the channel's push rate.

Crash safety: a window (≤ 32) is marked `sending` and committed before any message leaves; the
platform's answers are recorded after. A crash leaves `sending` rows, which the next start marks
`unknown` (`mark_interrupted`) and never sends again. Only what provably did not reach the
platform is retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import sqlalchemy as sa
from aiolimiter import AsyncLimiter

from bot.channels.base import Channel, ChannelError
from bot.pause import pause
from handlers.io import Outgoing
from handlers.publishing import post_message
from storage import pushes
from storage.db import session_scope
from storage.models import Post, School, Story

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 2.0, 5.0)  # 5xx and connection errors: then `failed`
MAX_FLOOD_WAITS = 10  # 429s for one message before it counts as failed
IDLE_POLL = 1.0  # seconds between looks for new posts (another process may create them)
# Requests in flight at once. More buys nothing on a loopback or a 30/s limit, and costs CPU:
# httpcore's pool scans every connection at each request (measured: 32 in flight halve the rate).
IN_FLIGHT = 8


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
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.limiter = AsyncLimiter(rate, 1)
        self.retry_delays = retry_delays
        self.idle_poll = idle_poll
        self._paused_until = 0.0
        self._stopping = asyncio.Event()
        self._posts: dict[int, tuple[Post, Story, School | None]] = {}
        self._in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def run(self) -> None:
        """Sends until stopped; sleeps briefly when nothing waits."""
        while not self._stopping.is_set():
            if not await self.send_window():
                await pause(self._stopping, self.idle_poll)

    def stop(self) -> None:
        self._stopping.set()

    async def send_window(self) -> int:
        """Claims, sends and records one window; returns how many deliveries it handled."""
        with session_scope(self.engine) as session:
            claimed = pushes.claim_window(session=session, channel=self.channel.name)
            messages = {c.delivery_id: self._message(session, c) for c in claimed if c.still_wanted}
        if not claimed:
            return 0
        outcomes = await asyncio.gather(*(self._deliver(messages.get(c.delivery_id)) for c in claimed))
        results: dict[str, list[pushes.Claimed]] = defaultdict(list)
        for claim, status in zip(claimed, outcomes):
            results[status].append(claim)
        with session_scope(self.engine) as session:
            pushes.record_results(session=session, results=results, channel=self.channel.name)
        return len(claimed)

    def _message(self, session, claim: pushes.Claimed) -> Outgoing:  # noqa: ANN001
        if claim.post_id not in self._posts:
            post = session.get(Post, claim.post_id)
            story = session.get(Story, post.story_id)
            school = session.get(School, story.school_id) if story.school_id else None
            self._posts[claim.post_id] = (post, story, school)
        post, story, school = self._posts[claim.post_id]
        return post_message(post=post, story=story, school=school, channel=self.channel.name, chat_id=claim.chat_id)

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
        if error.permanent or failures >= len(self.retry_delays):
            log.warning("%s: giving up on a delivery: %s", self.channel.name, error)
            return "failed"
        return "retry"

    async def _wait_out_flood(self) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(delay)


def recover(engine: sa.Engine) -> int:
    """At start: deliveries a crash left `sending` become `unknown` (never re-sent)."""
    with session_scope(engine) as session:
        count = pushes.mark_interrupted(session=session)
    if count:
        log.warning("%d deliveries were in flight when the bot stopped: marked unknown, not re-sent", count)
    return count
