"""How stories, dates and numbers read. User text is escaped here before it meets HTML."""

from __future__ import annotations

import html
from datetime import datetime, tzinfo

from content import texts


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
    if len(text) <= limit:
        return esc(text)
    cut = text[:limit].rsplit(" ", 1)[0]
    return esc(cut) + "…"


def byline(*, school_name: str | None, author_name: str | None) -> str:
    """Who a published story is from: the school, and the author only when they chose so."""
    school = esc(school_name) if school_name else "Tin Tốt"
    return f"— {esc(author_name)}, {school}" if author_name else f"— {school}"


def weekly_schedule(weekday: int, clock: str) -> str:
    days = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
    return f"{clock} {days[weekday]} hằng tuần"


