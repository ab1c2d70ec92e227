"""Splitting a long text into messages a platform accepts, cutting where a reader pauses."""

from __future__ import annotations

import re
import unicodedata

_PARAGRAPH = re.compile(r"\n\s*\n")
# A sentence ends with . ! ? or … (closing quotes or brackets may follow), then whitespace.
_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*\s")
_SPACE = re.compile(r"\s")


def split_text(text: str, limit: int) -> list[str]:
    """`text` as ordered parts of at most `limit` characters, none empty.

    Cuts at the last paragraph break that fits, else the last sentence end, else the last
    space; a single word longer than `limit` is cut hard.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    parts = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut_point(text: str, limit: int) -> int:
    """Where to end the first part: just after the best boundary within `limit` characters."""
    # The boundary's whitespace may sit at index `limit`: it is dropped, so the part still fits.
    window = text[: limit + 1]
    for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
        ends = [match.end() for match in pattern.finditer(window)]
        # A boundary right at the start would leave an empty part.
        fitting = [end for end in ends if 0 < len(text[:end].rstrip()) <= limit]
        if fitting:
            return fitting[-1]
    return _hard_cut(text, limit)


def _hard_cut(text: str, limit: int) -> int:
    """`limit`, moved back so a combining accent (Vietnamese in NFD) stays with its letter."""
    cut = limit
    while cut > 1 and unicodedata.combining(text[cut]):
        cut -= 1
    return cut
