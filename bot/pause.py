"""Waiting in the long-running loops (sender, scheduler) without delaying a stop."""

from __future__ import annotations

import asyncio


async def pause(stopping: asyncio.Event, seconds: float) -> None:
    """Sleeps `seconds`, or less if `stopping` is set meanwhile."""
    try:
        await asyncio.wait_for(stopping.wait(), seconds)
    except TimeoutError:
        pass
