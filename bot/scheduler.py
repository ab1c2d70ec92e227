"""The campaign clock: publishes each slot at its time, catches up a missed slot the same day
before quiet hours, and reports a slot missed until night instead of sending it then; releases
the school announcements held through the night at 06:00 (once: each is a conditional update).

With several processes only the elected one ticks (`leads`); a slot is unique in the database
anyway, so even a race would create it once. The database work runs in a database thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.pause import pause
from bot.threads import off_loop
from handlers.context import CoreConfig
from handlers.announcements import release_due
from handlers.io import Outgoing
from handlers.publishing import is_quiet, publish_slot, skip_slot, slot_date, slot_start
from storage import repo
from storage.db import session_scope
from storage.models import utcnow

log = logging.getLogger(__name__)

TICK = 30.0  # seconds; a slot goes out within one tick of its time
UPDATE_MEMORY = timedelta(days=2)  # how long processed update ids are kept against redelivery


class Scheduler:
    def __init__(
        self,
        *,
        engine: sa.Engine,
        config: CoreConfig,
        send: Callable[[list[Outgoing]], Awaitable[None]],
        clock: Callable[[], datetime] = utcnow,
        tick: float = TICK,
        leads: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.send = send
        self.clock = clock
        self.tick = tick
        self.leads = leads
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.leads is None or await self.leads():
                    await self.check()
            except Exception:
                log.exception("scheduler check failed; trying again in %.0f s", self.tick)
            await pause(self._stopping, self.tick)

    def stop(self) -> None:
        self._stopping.set()

    async def check(self) -> None:
        """Publishes every slot of today whose time has come; after 21:00 reports it instead."""
        await self.send(await off_loop(self._due_slots, self.clock()))

    def _due_slots(self, now: datetime) -> list[Outgoing]:
        with session_scope(self.engine) as session:
            repo.forget_updates(session=session, before=now - UPDATE_MEMORY)
            notices = list(release_due(session=session, now=now, config=self.config))
        today = now.astimezone(self.config.timezone).date()
        for kind in ("daily", "weekly"):
            day = slot_date(kind, now, self.config)
            if day != today or now < slot_start(kind, day, self.config):
                continue
            with session_scope(self.engine) as session:
                if is_quiet(now, self.config):
                    notices += skip_slot(session=session, kind=kind, day=day, config=self.config)
                else:
                    result = publish_slot(session=session, kind=kind, now=now, config=self.config)
                    notices += result.notices
                    if result.status == "published":
                        log.info("published the %s post of %s to %d members", kind, day, result.recipients)
        return notices
