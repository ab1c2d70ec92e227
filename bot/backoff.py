"""Growing delays with jitter for reconnect loops, shared by every channel and worker."""

from __future__ import annotations

import random


class Backoff:
    """Delays `first`, `first*factor`, … capped at `maximum`, each with jitter.

    Jitter keeps several processes (or channels) that failed together from retrying in step and
    hitting a recovering server at the same instant.
    """

    def __init__(self, first: float = 1.0, maximum: float = 60.0, factor: float = 2.0) -> None:
        self.first = first
        self.maximum = maximum
        self.factor = factor
        self._failures = 0

    def next_delay(self) -> float:
        """The delay before the next attempt; each call makes the following one longer."""
        ceiling = min(self.maximum, self.first * self.factor**self._failures)
        self._failures += 1
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def reset(self) -> None:
        """After a success: the next failure waits `first` again."""
        self._failures = 0
