"""Database work off the event loop: a slow query delays only itself, never other replies.

Every database call of the running bot (an update's transaction, a push window's claim and
results, the scheduler's check, the elections) runs in one of these threads while the loop goes
on answering. Eight threads keep a slow report from starving the rest and stay well within the
engine's pool (`storage.db.POOL_SIZE`); on SQLite, writers among them take turns on a lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

DB_THREADS = 8

T = TypeVar("T")

_pool = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="tintot-db")


async def off_loop(work: Callable[..., T], /, *args: object) -> T:
    """`work(*args)` in a database thread; the loop waits for it without blocking."""
    return await asyncio.get_running_loop().run_in_executor(_pool, work, *args)
