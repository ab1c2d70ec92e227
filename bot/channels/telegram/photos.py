"""Photos between Telegram and the media store, so a story photo can be published anywhere."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from telegram import InputFile
from telegram.error import TelegramError

from bot.channels.base import ChannelError
from bot.channels.telegram.updates import largest_file_id
from bot.threads import off_loop

log = logging.getLogger(__name__)

# One Bot API call: method name and parameters in, the raw result out.
Call = Callable[..., Awaitable[Any]]
# The content of a file, from the `file_path` getFile gave.
Download = Callable[[str], Awaitable[bytes]]


class PhotoStore(Protocol):
    """What the channel needs of the media store."""

    def save_received(self, data: bytes) -> str: ...

    def path(self, ref: str | None) -> Path | None: ...


class Photos:
    """Photos users send are copied into the store (`keep`), and photo references sent (`send`).

    `telegram:<file_id>` goes by id. `media:<name>` goes by the file_id Telegram knows it by: the
    one it came with, or the one the first upload got (kept in memory, so after a restart it is
    uploaded once more); a push to many chats waits for that one upload instead of uploading in
    parallel.
    """

    def __init__(self, store: PhotoStore) -> None:
        self.store = store
        self._file_ids: dict[str, str] = {}
        self._uploads: dict[str, asyncio.Lock] = {}
        self._kept: dict[str, str] = {}  # file_id → media reference, for photos users sent

    async def send(self, call: Call, ref: str, **params: Any) -> Any:
        """sendPhoto with this photo; the rest of the parameters as given."""
        scheme, _, value = ref.partition(":")
        if scheme == "telegram" and value:
            return await call("sendPhoto", photo=value, **params)
        if ref not in self._file_ids:
            async with self._uploads.setdefault(ref, asyncio.Lock()):
                if ref not in self._file_ids:
                    return await self._upload(call, ref, params)
        return await call("sendPhoto", photo=self._file_ids[ref], **params)

    async def _upload(self, call: Call, ref: str, params: dict[str, Any]) -> Any:
        path = self.store.path(ref)
        if path is None:
            raise ChannelError(f"Telegram: không gửi được ảnh {ref!r}", permanent=True)
        result = await call("sendPhoto", photo=InputFile(path.read_bytes(), filename=path.name),
                            **params)
        file_id = largest_file_id(result.get("photo")) if isinstance(result, dict) else None
        if file_id:
            self._file_ids[ref] = file_id
        return result

    async def keep(self, call: Call, download: Download, file_id: str) -> str | None:
        """Copy a photo a user sent into the store; its `media:` reference, or None when that
        fails (an emulator without getFile, say): the file_id then stays the reference.

        A photo seen before (an update delivered again) is not copied twice, unless its copy was
        deleted since (its sender erased their data).
        """
        kept = self._kept.get(file_id)
        if kept is not None and self.store.path(kept) is not None:
            return kept
        try:
            found = await call("getFile", file_id=file_id)
            ref = await off_loop(self.store.save_received, await download(found["file_path"]))
        except (TelegramError, KeyError, TypeError, ValueError, OSError) as error:
            log.warning("Telegram: photo kept by file_id only, not copied: %s", error)
            return None
        self._file_ids[ref] = file_id
        self._kept[file_id] = ref
        return ref
