"""Who may wait for a reply, and for how long: the limits between a message and its turn.

The web channel sets a deadline for getting the conversation lock before it hands a
message to Rasa; the lock stores (``bot.lock_store``) read it and refuse to queue
more than ``MAX_WAITING`` messages of one conversation. A message refused here is
neither processed nor stored, so the citizen can simply send it again.

Kept free of Rasa imports: the rules are tested on their own.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass

# End to end, the citizen gets a reply (an answer or the Dutch "try again") within this.
REPLY_DEADLINE_S = 4.5
# The lock must be ours by then, leaving time to answer: an answer takes ~30 ms,
# a hanging action server is given up on after 3 s (bot/rasa_patches.py).
LOCK_WAIT_S = 1.0
# Messages of one conversation that may wait behind the one being answered.
MAX_WAITING = 5
# How long a refused client is asked to wait before trying again.
BUSY_RETRY_AFTER_S = 2

# time.monotonic() by which the current message must hold its conversation lock;
# None outside the channel (Rasa's own tools), which then waits as Rasa does.
lock_deadline: ContextVar[float | None] = ContextVar("lock_deadline", default=None)


class ConversationBusy(Exception):
    """Already ``MAX_WAITING`` messages of this conversation are waiting: refuse, don't queue."""

    def __init__(self, retry_after_s: float = BUSY_RETRY_AFTER_S) -> None:
        super().__init__(f"conversation busy, retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class LockWaitExpired(Exception):
    """The conversation lock was not ours before ``lock_deadline``: the message was dropped unprocessed."""


@dataclass
class _Bucket:
    tokens: float
    updated: float


class ClientRateLimiter:
    """A token bucket per client address: ``burst`` messages at once, then ``rate_per_s``.

    Every widget message reaches Rasa from 127.0.0.1 (the page server or nginx), so
    the client is the address that proxy passes on. Only the ``max_clients`` most
    recently seen addresses are remembered, so memory stays bounded under a flood of
    forged addresses.
    """

    def __init__(self, rate_per_s: float = 1.0, burst: int = 10, max_clients: int = 10_000) -> None:
        # A zero rate would divide by zero below; a zero burst or memory refuses everyone.
        if rate_per_s <= 0 or burst < 1 or max_clients < 1:
            raise ValueError("rate_per_s must be positive, burst and max_clients at least 1")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._guard = threading.Lock()

    def retry_after(self, client: str, now: float | None = None) -> float | None:
        """None if ``client`` may send this message now; else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._guard:
            bucket = self._buckets.pop(client, None) or _Bucket(tokens=float(self.burst), updated=now)
            # A caller's clock that goes back (``now`` passed in) must not take tokens away.
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate_per_s)
            bucket.updated = max(now, bucket.updated)
            self._buckets[client] = bucket
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / self.rate_per_s
