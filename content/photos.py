"""Photos people send, made safe to keep and publish: turned upright by their EXIF orientation,
then encoded again with no metadata at all (EXIF with its GPS position, device and owner; XMP;
comments). Pure computation on bytes, run off the event loop by the caller.

Usage: `upright_without_metadata(data)` → (the clean bytes, their file suffix).
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

# The formats chat platforms deliver, and the suffix a stored file gets.
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
# A 48-megapixel phone photo fits; a small file that would decode to gigabytes does not.
MAX_PIXELS = 64_000_000
JPEG_QUALITY = 90  # encoded once more: close to what phones and Telegram send, no visible loss
# What `info` may keep: how to draw the pixels, never who, where or with what they were taken.
DRAWING = ("transparency", "background", "duration", "loop", "disposal")


class NotAnImage(ValueError):
    """Bytes that are not a JPEG, PNG, GIF or WebP picture (or one too large to decode)."""


def upright_without_metadata(data: bytes) -> tuple[bytes, str]:
    """The picture as it is meant to be seen, with nothing but its pixels (and its colour
    profile, which says how to show them), and the suffix of its format."""
    try:
        with Image.open(io.BytesIO(data), formats=list(SUFFIXES)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise NotAnImage(f"{image.width}×{image.height} pixels is too large")
            kind = image.format or ""
            return _encode(image, kind), SUFFIXES[kind]
    # Pillow reports a damaged file as any of these, depending on where decoding stopped.
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, KeyError) as error:
        raise NotAnImage(f"not a picture that can be kept: {error}") from error


def _encode(image: Image.Image, kind: str) -> bytes:
    """Only pixels and the options named here are written: Pillow writes EXIF, XMP or comments
    when they are passed or left in `info`, and `info` keeps only what draws the picture."""
    colours = image.info.get("icc_profile")
    animated = getattr(image, "n_frames", 1) > 1
    clean = image if animated else ImageOps.exif_transpose(image)  # an animation's frames stay as sent
    clean.info = {key: value for key, value in image.info.items() if key in DRAWING}
    options: dict[str, object] = {"icc_profile": colours} if colours else {}
    if kind == "JPEG":
        options["quality"] = JPEG_QUALITY
    if animated:
        options["save_all"] = True
    out = io.BytesIO()
    clean.save(out, kind, **options)
    return out.getvalue()
