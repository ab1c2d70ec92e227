"""The console channel: try the bot in a terminal, no token needed.

Usage: `tintot console --as Lan` (add `--moderator` to act as the campaign's editor). Each line
typed is one message; options are numbered and answered with the number or the command.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.channels.base import UpdateHandler, render_plain
from handlers.io import Incoming, Outgoing


class ConsoleChannel:
    name = "console"

    def __init__(self, *, user: str, on_update: UpdateHandler, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        self.user = user
        self.on_update = on_update
        self.stdin = stdin
        self.stdout = stdout
        self._stopped = asyncio.Event()

    async def start(self) -> None:
        """Reads lines until end of input (Ctrl-D) or `stop()`."""
        loop = asyncio.get_running_loop()
        while not self._stopped.is_set():
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                break
            line = line.rstrip("\n")
            if line.strip():
                self._print(f"> {line}")
                await self.on_update(self._incoming(line))

    async def stop(self) -> None:
        self._stopped.set()

    async def send(self, message: Outgoing) -> str | None:
        text = render_plain(message)
        if message.photo:
            text = f"[ảnh: {message.photo}]\n{text}"
        if message.chat_id != self.user:
            text = f"(gửi tới {message.chat_id})\n{text}"
        self._print(text)
        return None

    def _incoming(self, line: str) -> Incoming:
        return Incoming(channel=self.name, user_id=self.user, chat_id=self.user, display_name=self.user, text=line)

    def _print(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)
        print(file=self.stdout, flush=True)
