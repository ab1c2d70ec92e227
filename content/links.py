"""Join links for posters: each school's Telegram deep link and its QR code.

A Telegram link `https://t.me/<bot>?start=CODE` opens the bot with /start CODE, which
preselects the school. Zalo has one link for the bot; the poster tells students to send
"start CODE" there.
"""

from __future__ import annotations

import io
import re

import segno

# Telegram usernames: 5–32 letters, digits and underscores, starting with a letter.
BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
QR_SCALE = 10  # pixels per module: about 4 cm wide at 300 dpi, scannable from a poster


def telegram_username(name: str) -> str:
    """'@TinTotBot' or 'https://t.me/TinTotBot' -> 'TinTotBot'; ValueError if not a username."""
    username = name.strip().removeprefix("https://t.me/").removeprefix("@")
    if not BOT_USERNAME.fullmatch(username):
        raise ValueError(f"{name!r} is not a Telegram bot username")
    return username


def telegram_channel(name: str) -> str:
    """'@tintot_caobang', 'https://t.me/tintot_caobang' or '-1001234567890' -> the chat id the Bot
    API takes ('@tintot_caobang' / '-1001234567890'); ValueError for anything else."""
    text = name.strip().removeprefix("https://t.me/")
    if re.fullmatch(r"-100\d{5,15}", text):
        return text
    username = text.removeprefix("@")
    if not BOT_USERNAME.fullmatch(username):
        raise ValueError(f"{name!r} is not a Telegram channel")
    return "@" + username


def telegram_link(username: str, code: str) -> str:
    return f"https://t.me/{username}?start={code}"


def qr_png(url: str) -> bytes:
    """A QR code as PNG (segno writes it without an imaging library)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=QR_SCALE, border=4)
    return buffer.getvalue()


def qr_svg(url: str) -> bytes:
    """A QR code as SVG, for a web page: sharp at any size, a few kilobytes."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=QR_SCALE, border=4, xmldecl=False, title=url)
    return buffer.getvalue()
