"""The console channel: try the bot in a terminal, no token needed.

Usage: `tintot console --as Lan` (add `--moderator` to act as the campaign's editor). Each line
typed is one message; options are numbered and answered with the number or the command.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import TextIO

from bot.channels.base import UpdateHandler, render_plain
from handlers.io import Incoming, Outgoing


class ConsoleChannel:
    name = "console"

    def __init__(self, *, user: str, on_update: UpdateHandler, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
                 greeting: str | None = None) -> None:
        self.user = user
        self.on_update = on_update
        self.stdin = stdin
        self.stdout = stdout
        self.greeting = greeting
        self._lines: asyncio.Queue[str] = asyncio.Queue()  # "" is the end of input
        self._reading: asyncio.Task | None = None

    async def start(self) -> None:
        """Starts reading lines, one message each; `closed()` waits for the end of input."""
        if self.greeting:
            self._print(self.greeting)
        self._reading = asyncio.create_task(self._read(), name="console")

    async def closed(self) -> None:
        """Returns at the end of input (Ctrl-D) or `stop()`; an error in a reply is raised here."""
        if self._reading is not None:
            await self._reading

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        # A daemon thread: a read waiting at the terminal must not keep the process from
        # exiting once the bot stops for another reason (a signal).
        threading.Thread(target=self._read_lines, args=(loop,), name="console-input", daemon=True).start()
        while line := await self._lines.get():
            line = line.rstrip("\n")
            if line.strip():
                self._print(f"> {line}")
                await self.on_update(self._incoming(line))

    def _read_lines(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            for line in iter(self.stdin.readline, ""):
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
            loop.call_soon_threadsafe(self._lines.put_nowait, "")
        except RuntimeError:  # the loop is closed: the bot has stopped
            pass

    async def stop(self) -> None:
        self._lines.put_nowait("")

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
