"""The local token bucket that mirrors a platform's overall rate."""

from __future__ import annotations

from bot.channels.rate import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_token_is_in_hand_for_one_seconds_burst_then_at_the_rate():
    clock = Clock()
    bucket = TokenBucket(2, clock=clock)
    assert [bucket.try_take() for _ in range(3)] == [True, True, False]
    clock.now = 0.5
    assert [bucket.try_take() for _ in range(2)] == [True, False]
    clock.now = 60.0  # idle: no more than one second's burst in hand
    assert [bucket.try_take() for _ in range(3)] == [True, True, False]


def test_calls_that_must_go_spend_into_debt_and_hold_back_the_optional_ones():
    clock = Clock()
    bucket = TokenBucket(2, clock=clock)
    for _ in range(4):
        bucket.take()
    clock.now = 1.0  # back to zero: still no whole token
    assert not bucket.try_take()
    clock.now = 1.5
    assert bucket.try_take()
