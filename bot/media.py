"""The media store: photos kept on disk so any channel can publish them later.

A stored photo is named by a reference ``media:<name>``; the web app serves it at
``/media/<name>``, which is how Zalo (which only takes photos by URL) gets it.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from bot.settings import Settings

PREFIX = "media:"
MAX_PHOTO_BYTES = 10 * 1024 * 1024

# Names come only from `save`; anything else (a path, a dot file) is refused when resolving.
_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|gif|webp)")
_SIGNATURES = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)


class NotAnImage(ValueError):
    """Bytes that are not a JPEG, PNG, GIF or WebP picture."""


class MediaStore:
    def __init__(self, directory: Path, public_url: str | None = None) -> None:
        self.directory = Path(directory)
        self._public_url = public_url.rstrip("/") if public_url else None

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaStore:
        return cls(Path(settings.tintot_media_dir), settings.tintot_public_url)

    def save(self, data: bytes) -> str:
        """Stores a picture under a fresh unguessable name and returns its reference."""
        name = secrets.token_hex(16) + _image_suffix(data)
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: the web app never serves half a file.
        partial = self.directory / f".{name}.part"
        partial.write_bytes(data)
        os.replace(partial, self.directory / name)
        return PREFIX + name

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
    def web_path(self, ref: str | None) -> str | None:
        """The photo's path on this server (`/media/…`), or None (another kind of ref, or missing)."""
        return f"/media/{_name(ref)}" if self.path(ref) is not None else None

    def public_url(self, ref: str | None) -> str | None:
        """Where the platforms can fetch the photo, or None without a public URL or file."""
        path = self.web_path(ref)
        return f"{self._public_url}{path}" if self._public_url is not None and path is not None else None


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
