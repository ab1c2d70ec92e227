"""The media store: photos kept on disk so any channel can publish them later, and the
addresses the web app serves them at (`bot.web.media`).

A stored photo is named by a reference ``media:<name>``. A published story's photo is public at
``/media/<name>``; every other file (a story waiting or rejected, an announcement's photo, a
chart) only at a signed link ``/media/<expires>/<signature>/<name>`` that works for
`LINK_LIFETIME`. That is how Zalo, which only takes photos by URL, gets them.

Zalo fetches the picture when it is sent (`sendPhoto`): one send retries its call through up to
three flood pauses of at most a minute and four 10-second timeouts, under four minutes in all,
and every new attempt of the delivery engine builds a new link. Ten minutes covers that twice
over, with room for Zalo fetching a moment after it answers and for clocks that differ between
processes; a link forwarded or logged is dead soon after.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import time
from pathlib import Path

import sqlalchemy as sa

from bot.settings import Settings
from content.photos import NotAnImage, upright_without_metadata
from storage import keys
from storage.db import session_scope

PREFIX = "media:"
MAX_PHOTO_BYTES = 10 * 1024 * 1024
WEB_PREFIX = "/media/"
LINK_LIFETIME = 600  # seconds; why: above
# Expiry is rounded up to this step, so a push sending one photo to many chats gives one link
# per step rather than one a message: whatever Zalo caches by address, it can reuse.
LINK_STEP = 300

# Names come only from `save`; anything else (a path, a dot file) is refused when resolving.
_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|gif|webp)")
_SIGNATURES = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)


def link_key(engine: sa.Engine) -> bytes:
    """The key that signs photo links, shared by every process through the database."""
    with session_scope(engine) as session:
        return keys.shared_key(session=session, name=keys.MEDIA_LINKS)


class MediaStore:
    """`link_key` (from `link_key`) signs and checks links; without it there are none."""

    def __init__(self, directory: Path, public_url: str | None = None, *, link_key: bytes | None = None) -> None:
        self.directory = Path(directory)
        self._public_url = public_url.rstrip("/") if public_url else None
        self._link_key = link_key

    @classmethod
    def from_settings(cls, settings: Settings, *, link_key: bytes | None = None) -> MediaStore:
        return cls(Path(settings.tintot_media_dir), settings.tintot_public_url, link_key=link_key)

    def save(self, data: bytes) -> str:
        """Stores a picture under a fresh unguessable name and returns its reference."""
        name = secrets.token_hex(16) + _image_suffix(data)
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: the web app never serves half a file.
        partial = self.directory / f".{name}.part"
        partial.write_bytes(data)
        os.replace(partial, self.directory / name)
        return PREFIX + name

    def save_received(self, data: bytes) -> str:
        """Stores a photo someone sent as only its upright pixels (`content.photos`): its place,
        device and owner are never kept, so never published. Decoding takes a while: the
        channels call this off the event loop."""
        clean, _ = upright_without_metadata(data)
        return self.save(clean)

    def path(self, ref: str | None) -> Path | None:
        """The file behind a ``media:`` reference, or None (another kind of ref, or missing)."""
        name = _name(ref)
        if name is None:
            return None
        path = self.directory / name
        return path if path.is_file() else None

    def delete(self, ref: str) -> None:
        """Removes the file behind a ``media:`` reference, if there is one (erasure)."""
        path = self.path(ref)
        if path is not None:
            path.unlink(missing_ok=True)

    def public_path(self, ref: str | None) -> str | None:
        """A published photo's path on this server (`/media/…`), or None (another kind of ref, or
        missing). The web app serves it only while a published story shows the photo."""
        return f"{WEB_PREFIX}{_name(ref)}" if self.path(ref) is not None else None

    def signed_path(self, ref: str | None, *, now: float | None = None) -> str | None:
        """A path that serves the photo until `LINK_LIFETIME` from `now` (at least), or None
        (no key, another kind of ref, or missing)."""
        if self._link_key is None or self.path(ref) is None:
            return None
        expires = math.ceil(((now or time.time()) + LINK_LIFETIME) / LINK_STEP) * LINK_STEP
        name = _name(ref)
        return f"{WEB_PREFIX}{expires}/{keys.sign(self._link_key, _payload(expires, name))}/{name}"

    def link_opens(self, name: str, expires: int, signature: str, *, now: float | None = None) -> bool:
        """Whether a signed link is this store's, for this name, and not yet expired."""
        if self._link_key is None or not _NAME.fullmatch(name) or expires <= (now or time.time()):
            return False
        return keys.signed(self._link_key, _payload(expires, name), signature)

    def platform_url(self, ref: str | None, *, public: bool) -> str | None:
        """Where a platform fetches the photo: the public address for a published story's photo,
        a signed link for anything else; None without a public URL, a key or the file. Only a
        hint: the web app decides, so a photo taken down meanwhile is refused either way."""
        path = self.public_path(ref) if public else self.signed_path(ref)
        return f"{self._public_url}{path}" if self._public_url is not None and path is not None else None


def _payload(expires: int, name: str) -> str:
    return f"{expires}/{name}"


def _name(ref: str | None) -> str | None:
    if not ref or not ref.startswith(PREFIX):
        return None
    name = ref[len(PREFIX) :]
    return name if _NAME.fullmatch(name) else None


def _image_suffix(data: bytes) -> str:
    """The file suffix from the picture's own signature; a sender's content type may lie."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    for signature, suffix in _SIGNATURES:
        if data.startswith(signature):
            return suffix
    raise NotAnImage("not a JPEG, PNG, GIF or WebP picture")
