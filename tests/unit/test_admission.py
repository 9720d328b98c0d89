"""bot.admission: the per-client rate limit and the lock deadline, without a server."""
from __future__ import annotations

import pytest

from bot.admission import ClientRateLimiter


def allowed(limiter: ClientRateLimiter, client: str, now: float, times: int) -> int:
    return sum(limiter.retry_after(client, now=now) is None for _ in range(times))


def test_a_burst_is_allowed_at_once_then_refused_with_the_wait_until_the_next_message():
    limiter = ClientRateLimiter(rate_per_s=0.5, burst=3)
    assert allowed(limiter, "203.0.113.7", now=100.0, times=3) == 3
    assert limiter.retry_after("203.0.113.7", now=100.0) == pytest.approx(2.0)
    assert limiter.retry_after("203.0.113.7", now=101.0) == pytest.approx(1.0)


def test_tokens_refill_at_the_rate_and_never_above_the_burst():
    limiter = ClientRateLimiter(rate_per_s=1.0, burst=3)
    assert allowed(limiter, "a", now=0.0, times=3) == 3
    assert allowed(limiter, "a", now=2.0, times=5) == 2  # two seconds, two messages
    # A long silence fills the bucket up to the burst, not beyond.
    assert allowed(limiter, "a", now=1000.0, times=10) == 3


def test_clients_are_limited_separately():
    limiter = ClientRateLimiter(rate_per_s=1.0, burst=2)
    assert allowed(limiter, "a", now=0.0, times=5) == 2
    assert allowed(limiter, "b", now=0.0, times=5) == 2


def test_memory_stays_bounded_and_recently_seen_clients_are_kept():
    limiter = ClientRateLimiter(rate_per_s=0.001, burst=1, max_clients=100)
    assert allowed(limiter, "active", now=0.0, times=2) == 1
    assert allowed(limiter, "idle", now=0.0, times=2) == 1
    for number in range(10_000):
        # A flood of forged addresses, while the active client keeps sending.
        limiter.retry_after(f"forged-{number}", now=1.0)
        if number % 50 == 0:
            assert limiter.retry_after("active", now=1.0) is not None
    assert len(limiter._buckets) <= 100
    assert limiter.retry_after("active", now=1.0) is not None, "a recent client was forgotten"
    # The least recently seen go first: the idle client starts afresh.
    assert limiter.retry_after("idle", now=1.0) is None


def test_a_clock_going_back_takes_no_tokens_away():
    limiter = ClientRateLimiter(rate_per_s=1.0, burst=2)
    assert limiter.retry_after("a", now=10.0) is None
    # Another caller's earlier reading: one token is left, and stays.
    assert limiter.retry_after("a", now=5.0) is None


@pytest.mark.parametrize("settings", [{"rate_per_s": 0}, {"burst": 0}, {"max_clients": 0}])
def test_settings_that_would_refuse_everyone_or_divide_by_zero_are_rejected(settings):
    with pytest.raises(ValueError):
        ClientRateLimiter(**settings)
