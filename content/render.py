"""How stories, dates and numbers read. User text is escaped here before it meets HTML."""

from __future__ import annotations

import html
import re
from datetime import datetime, tzinfo


# What XML 1.0 forbids (control characters but tab and line breaks, lone surrogates, U+FFFE/FFFF).
# Word pastes \x0b as its line break; one such story, stored, makes every feed invalid.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def printable(text: str) -> str:
    """`text` without the characters XML forbids (and no page or feed can carry)."""
    return _NOT_XML.sub("", text)


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def local_time(moment: datetime, zone: tzinfo) -> str:
    """'07:05 28/11/2026' in the campaign's time zone."""
    return moment.astimezone(zone).strftime("%H:%M %d/%m/%Y")


def local_date(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y")


def number(value: int) -> str:
    """Vietnamese digit grouping: 10.000."""
    return f"{value:,}".replace(",", ".")


def preview(text: str, limit: int = 600) -> str:
    """The start of a story for a moderator's queue, escaped, cut at a word."""
    return esc(cut(text, limit))


def cut(text: str, limit: int) -> str:
    """`text` if short enough, else its start cut at a word, with an ellipsis."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def byline(*, school_name: str | None, author_name: str | None) -> str:
    """Who a published story is from, escaped for a chat message."""
    return esc(plain_byline(school_name=school_name, author_name=author_name))


def plain_byline(*, school_name: str | None, author_name: str | None) -> str:
    """Who a published story is from: the school, and the author only when they chose so."""
    school = school_name or "Tin Tốt"
    return f"— {author_name}, {school}" if author_name else f"— {school}"


def headline(text: str, limit: int = 90) -> str:
    """A story's title on the web: its first line, cut at a word (plain text: pages escape)."""
    return cut(text.strip().split("\n", 1)[0].strip(), limit)


def summary(text: str, limit: int = 200) -> str:
    """A story's description for link previews and feeds (plain text, one line)."""
    return cut(" ".join(text.split()), limit)


def weekly_schedule(weekday: int, clock: str) -> str:
    days = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
    return f"{clock} {days[weekday]} hằng tuần"


