"""Growing, jittered delays for the reconnect loops of every channel."""

from __future__ import annotations

import random


class Backoff:
    """Delays of about `first`, 2×`first`, 4×`first` … up to `cap` seconds; `reset` after a success.

    The jitter (each delay is drawn from its upper half) keeps several processes that lost the
    same server from coming back at the same instant.
    """

    def __init__(self, first: float = 0.5, cap: float = 30.0) -> None:
        self._first = first
        self._cap = cap
        self._failures = 0

    def next_delay(self) -> float:
        delay = min(self._cap, self._first * 2**self._failures)
        self._failures += 1
        return random.uniform(delay / 2, delay)

    def reset(self) -> None:
        self._failures = 0
