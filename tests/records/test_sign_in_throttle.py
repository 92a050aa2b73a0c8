"""The sign-in and feedback throttles over the records (SQLite file and PostgreSQL): growing waits, never a lock-out.

Per account: a stranger typing a caseworker's email slows that account by at most a minute. Per address: a
stranger's failures slow their own address. Twenty attempts at once are counted and refused in one transaction,
so no more than the free allowance reach the password check.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from portal.security import Delays, FeedbackThrottle, LoginThrottle
from records.session import SessionFactory

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> LoginThrottle:
    return LoginThrottle(5, 900, clock, address_attempts=20, first_delay_s=2, account_cap_s=60, address_cap_s=900)


def test_waits_grow_from_the_free_allowance_and_stop_at_the_cap() -> None:
    delays = Delays(free=5, first_s=2, cap_s=60)
    assert [delays.wait_after(n) for n in range(4, 12)] == [0, 2, 4, 8, 16, 32, 60, 60]
    assert delays.wait_after(10_000) == 60


def test_an_account_waits_a_short_growing_time_after_its_failures(factory: SessionFactory, throttle, clock) -> None:
    for n in range(5):  # from five different addresses: only the account counts up
        assert throttle.attempt(factory, "cw@council.example", f"198.51.100.{n}") is None
    wait = throttle.attempt(factory, "cw@council.example", "203.0.113.9")
    assert wait is not None and (wait.kind, wait.seconds, wait.in_words) == ("account", 2, "2 seconds")
    clock.tick(2)
    assert throttle.attempt(factory, "cw@council.example", "203.0.113.9") is None
    wait = throttle.attempt(factory, "cw@council.example", "203.0.113.9")
    assert wait is not None and wait.seconds == 4


def test_a_stranger_never_locks_the_real_user_out_for_more_than_a_minute(factory: SessionFactory, throttle,
                                                                         clock) -> None:
    for _ in range(200):  # a stranger keeps trying the caseworker's email from many addresses, as fast as allowed
        clock.tick(61)
        assert throttle.attempt(factory, "cw@council.example", f"192.0.2.{clock.now.minute}") is None
    wait = throttle.attempt(factory, "cw@council.example", "10.1.1.1")  # the caseworker, at her own desk
    assert wait is not None and wait.kind == "account" and wait.seconds <= 60
    clock.tick(60)
    assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None


def test_a_strangers_failures_slow_their_address_not_the_real_users(factory: SessionFactory, throttle,
                                                                   clock) -> None:
    for n in range(20):  # made-up emails from one address
        assert throttle.attempt(factory, f"nobody{n}@audit.invalid", "192.0.2.66") is None
    wait = throttle.attempt(factory, "another@audit.invalid", "192.0.2.66")
    assert wait is not None and wait.kind == "address"
    assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None  # the real user elsewhere
    waits = []
    for n in range(40):  # the stranger keeps going as fast as allowed: the address's wait doubles up to 15 minutes
        wait = throttle.attempt(factory, f"again{n}@audit.invalid", "192.0.2.66")
        if wait is not None:
            waits.append(wait.seconds)
            clock.tick(wait.seconds)
    assert waits[:4] == [2, 4, 8, 16] and max(waits) == 900


def test_a_success_clears_the_account_and_gives_the_address_its_attempt_back(factory: SessionFactory, throttle,
                                                                            clock) -> None:
    for _ in range(4):
        assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None
    assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None  # the right password this time
    throttle.succeeded(factory, "cw@council.example", "10.1.1.1")
    for _ in range(5):
        assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None
    assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is not None


def test_failures_are_forgotten_a_window_after_the_last_wait_ended(factory: SessionFactory, throttle, clock) -> None:
    for _ in range(7):
        clock.tick(120)
        throttle.attempt(factory, "cw@council.example", "10.1.1.1")
    wait = throttle.attempt(factory, "cw@council.example", "10.1.1.1")
    assert wait is not None and wait.seconds == 8
    clock.tick(8 + 899)  # the wait, then not quite the window
    assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None
    wait = throttle.attempt(factory, "cw@council.example", "10.1.1.1")
    assert wait is not None and wait.seconds == 16  # still counted
    clock.tick(16 + 900)
    assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None
    assert throttle.attempt(factory, "cw@council.example", "10.1.1.1") is None  # forgotten: the allowance again


def test_twenty_parallel_attempts_are_counted_and_refused_atomically(factory: SessionFactory, throttle) -> None:
    admitted: list[bool] = []
    start = threading.Barrier(20)

    def one(n: int) -> None:
        start.wait()
        admitted.append(throttle.attempt(factory, "cw@council.example", f"198.51.100.{n}") is None)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == 20
    assert admitted.count(True) == 5  # only the free allowance reached the password check


def test_anonymous_feedback_is_limited_per_address(factory: SessionFactory, clock) -> None:
    feedback = FeedbackThrottle(Delays(free=3, first_s=60, cap_s=3600), 3600, clock)
    for _ in range(3):
        assert feedback.attempt(factory, "192.0.2.7") is None
    wait = feedback.attempt(factory, "192.0.2.7")
    assert wait is not None and (wait.kind, wait.in_words) == ("feedback", "1 minute")
    assert feedback.attempt(factory, "192.0.2.8") is None
    clock.tick(60)
    assert feedback.attempt(factory, "192.0.2.7") is None
