"""`tintot run` as real processes, for the tests that kill, race or multiply them."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def bot_environment(api, database_url: str, folder: Path, **settings: str) -> dict[str, str]:  # noqa: ANN001
    """The environment of a bot on the fake Bot API; `settings` are more variables."""
    tomorrow = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=1)
    return os.environ | {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BOT_API_URL": api.url,
        "TINTOT_TELEGRAM_RATE": "1000",
        "TINTOT_MEDIA_DIR": str(folder / "media"),
        "TINTOT_HTTP_PORT": "0",  # the web server on a free port: tests run side by side
        # Keep the scheduler from adding a weekly push of its own to what a test counts.
        "TINTOT_WEEKLY_AT": f"{WEEKDAYS[tomorrow.weekday()]} 19:00",
    } | settings


async def start_bot(env: dict[str, str], log_path: Path) -> asyncio.subprocess.Process:
    log = open(log_path, "ab")  # noqa: SIM115 (the child owns it)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log
    )


async def stop_bot(process: asyncio.subprocess.Process, timeout: float = 30) -> int:
    """SIGTERM, then the exit code (SIGKILL if it does not stop in time)."""
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
    return process.returncode


async def wait_until(condition, timeout: float, what: str, every: float = 0.05) -> float:  # noqa: ANN001
    """Polls `condition` until true; returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"timed out waiting for {what}"
        await asyncio.sleep(every)
    return time.monotonic() - started


async def until_healthy(port: int, timeout: float = 60) -> None:
    """Waits for the bot on `port` to answer /healthz (on connections of its own, which then
    close: left idle, they would outlive the server's keep-alive)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the bot on port {port} did not start"
            await asyncio.sleep(0.1)
