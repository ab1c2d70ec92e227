"""A token bucket that mirrors a platform's overall rate, for calls whose refusal nobody would see."""

from __future__ import annotations

import time

# How long a reply meeting flood control is tried again, on every channel: in a join rush (a
# school shows its QR code to hundreds of students) a platform's rate of about 30 messages a
# second takes many seconds to answer everyone. Late, then; never lost. After that it is logged.
REPLY_PATIENCE = 60.0


class TokenBucket:
    """`rate` tokens a second, at most `rate` in hand (one second's burst).

    `take` always takes (into debt when empty): a call that is confirmed or waits out flood
    control still spends the platform's budget. `try_take` takes only a whole token in hand, for
    a call that may go out only when the platform's rate surely allows it.
    """

    def __init__(self, rate: float, *, clock=time.monotonic) -> None:  # noqa: ANN001
        self._rate = rate
        self._capacity = max(rate, 1.0)
        self._clock = clock
        self._tokens = self._capacity
        self._at = clock()

    def take(self) -> None:
        self._refill()
        self._tokens -= 1

    def try_take(self) -> bool:
        self._refill()
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._at) * self._rate)
        self._at = now
