"""Reconnect delays: growing, capped, jittered, reset after success."""

from __future__ import annotations

from bot.channels.backoff import Backoff


def test_delays_grow_up_to_the_cap_with_jitter():
    backoff = Backoff(first=1, cap=8)
    delays = [backoff.next_delay() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(ceiling / 2 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings))


def test_reset_starts_again_from_the_first_delay():
    backoff = Backoff(first=1, cap=60)
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() <= 1


def test_jitter_spreads_retries():
    delays = {Backoff(first=10).next_delay() for _ in range(20)}
    assert len(delays) > 1
