"""Numbers as people type them, or as they come back in a button or an address: "/duyet 12",
"?trang=2", "/cau-chuyen/12", a numbered option, an enrolment.

Python's `isdigit()` takes "²" and "٣" for digits, and `int()` then fails on one and reads the
other; and an id past the database's integers fails the query (SQLite: OverflowError beyond
2**63 - 1; PostgreSQL: out of range beyond 2**31 - 1, the size of our id columns). One function
reads them all: plain ASCII digits within bounds, or None, which the caller answers clearly.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL, the smaller of the two databases


def whole_number(text: str | None, *, most: int = MAX_ID) -> int | None:
    """'12' → 12; None for anything else: empty, signs, spaces inside, other scripts' digits, or
    more than `most` (a huge number is not parsed at all)."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > len(str(most)):
        return None
    value = int(text)
    return value if value <= most else None


def fits_id(value: int) -> bool:
    """Whether an id from an address can be one in the database."""
    return 0 < value <= MAX_ID
