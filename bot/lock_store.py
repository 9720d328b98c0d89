"""Conversation locks that stay correct when several Rasa replicas share one Redis.

Rasa processes the messages of one conversation one at a time by holding a
lock per conversation id. Its ``RedisLockStore`` keeps each lock as one JSON
value that a replica reads, changes in Python and writes back (GET, then SET):
two replicas issuing a ticket at the same moment can both get the same number
and run at the same time, which loses or reorders events (RasaHQ/rasa#9213).

Here every change to a conversation's queue is one Redis command or one Lua
script, and Redis runs each script without interleaving another client:

* ticket numbers come from ``INCR``, so they are unique and ordered;
* the waiting tickets are a sorted set; the lowest one holds the lock, so
  messages are processed in the order they arrived (first come, first served);
* each ticket has a deadline that its owner renews while it waits and while it
  holds the lock. A replica that dies stops renewing; once its deadline passes
  the next ticket goes ahead, so a crash delays a conversation by at most one
  lock lifetime instead of blocking it.

Both stores here also apply the admission rules of ``bot.admission`` to a
message the web channel hands over with a ``lock_deadline``: with
``MAX_WAITING`` messages of the conversation already waiting behind the one being
answered, the message is refused with ``ConversationBusy`` before it gets a
ticket; a waiting message whose deadline passes withdraws its ticket (the queue
moves on) and raises ``LockWaitExpired``. Either way Rasa never sees it, so it is
neither processed nor stored. Without a deadline (Rasa's own callers) a message
waits as in Rasa.

Configured in endpoints.yml as ``lock_store: {type: bot.lock_store.AtomicRedisLockStore, ...}``
with the same keys as Rasa's Redis lock store (``url``, ``port``, ``db``,
``password``, ``use_ssl``, ``key_prefix``) plus ``lock_lifetime`` (seconds) and
``max_waiting``. The local profile (`make run`, one process) uses
``BoundedInMemoryLockStore``.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import redis
import redis.asyncio
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.shared.exceptions import ConnectionException
from rasa.utils.endpoints import EndpointConfig

from bot.admission import MAX_WAITING, ConversationBusy, LockWaitExpired, lock_deadline

logger = logging.getLogger(__name__)

# Holders renew their deadline every third of this and waiters at every poll,
# so it only has to outlast a gap between renewals. It is also how long a
# crashed replica's ticket holds up its conversation: kept under the channel's
# 10 s reply time-out, so a message retried on another replica still gets its answer.
DEFAULT_LOCK_LIFETIME_S = 6.0
# Waiting for longer than this means something is wrong; the citizen gets the
# Dutch error reply rather than waiting forever.
DEFAULT_MAX_WAIT_S = 30.0
# The ticket next in line polls often, so the hand-over costs a few
# milliseconds; tickets further back poll less, so a queue costs Redis and the
# replicas little. (A turn takes tens of milliseconds.)
NEXT_IN_LINE_POLL_S = 0.002
POLL_PER_TICKET_AHEAD_S = 0.01
MAX_POLL_S = 0.1
# Idle queues and counters disappear by themselves.
IDLE_KEY_TTL_MS = 24 * 3600 * 1000
DEFAULT_KEY_PREFIX = "bot:lock:"
SOCKET_TIMEOUT_S = 2.0

# KEYS: counter, queue, deadlines.  ARGV: lifetime (ms), idle ttl (ms), the most
# tickets that may wait behind the holder (negative: no bound).
# Returns the new ticket, or 0 (never a ticket: INCR starts at 1) when the queue is
# full. Counting and issuing are one script, so two replicas cannot both take the
# last place.
_ISSUE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local max_waiting = tonumber(ARGV[3] or '-1')
if max_waiting >= 0 then
  -- Tickets of crashed owners are no longer waiting: drop them before counting.
  for _, queued in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    local deadline = redis.call('HGET', KEYS[3], queued)
    if (not deadline) or tonumber(deadline) < now_ms then
      redis.call('ZREM', KEYS[2], queued)
      redis.call('HDEL', KEYS[3], queued)
    end
  end
  -- The lowest ticket holds the lock; the others wait.
  if redis.call('ZCARD', KEYS[2]) > max_waiting then return 0 end
end
local ticket = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], ticket, ticket)
redis.call('HSET', KEYS[3], ticket, now_ms + tonumber(ARGV[1]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return ticket
"""

# KEYS: queue, deadlines.  ARGV: ticket, lifetime (ms).
# Returns 0 when the ticket holds the lock, the number of tickets ahead of it
# while it waits, or -1 when the ticket itself has expired (its owner stopped
# renewing in time).
_TRY_ACQUIRE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local mine = redis.call('HGET', KEYS[2], ARGV[1])
if (not mine) or tonumber(mine) < now_ms then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return -1
end
redis.call('HSET', KEYS[2], ARGV[1], now_ms + tonumber(ARGV[2]))
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head == ARGV[1] then return 0 end
  local deadline = redis.call('HGET', KEYS[2], head)
  if deadline and tonumber(deadline) >= now_ms then
    return redis.call('ZRANK', KEYS[1], ARGV[1])
  end
  redis.call('ZREM', KEYS[1], head)
  redis.call('HDEL', KEYS[2], head)
end
"""

# KEYS: queue, deadlines.  ARGV: ticket.
_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1
"""


def _max_waiting(settings: dict[str, Any]) -> int:
    value = settings.get("max_waiting")
    return MAX_WAITING if value is None else int(value)


class BoundedInMemoryLockStore(InMemoryLockStore):
    """Rasa's in-memory lock store (one process: `make run`) with the admission rules.

    Rasa's store polls every ``wait_time_in_seconds`` (1 s as Rasa calls it), which
    alone would spend the whole lock deadline; with a deadline this store polls
    every few milliseconds instead. Checking the queue and issuing the ticket run
    without an ``await`` in between, so on the one event loop nothing slips in.
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        # Rasa constructs custom lock stores as ``cls(endpoint_config=...)``.
        if endpoint_config is not None:
            settings = {**endpoint_config.kwargs, **settings}
        self.max_waiting = _max_waiting(settings)
        super().__init__()

    def waiting(self, conversation_id: str) -> int:
        """How many messages of the conversation wait behind the one being answered."""
        lock = self.get_lock(conversation_id)
        if lock is None:
            return 0
        lock.remove_expired_tickets()
        return max(len(lock.tickets) - 1, 0)

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        """Hold the conversation's lock for the ``async with`` block, within ``lock_deadline``."""
        deadline = lock_deadline.get()
        if deadline is None:
            async with super().lock(conversation_id, lock_lifetime,
                                    wait_time_in_seconds) as ticket_lock:
                yield ticket_lock
            return
        if time.monotonic() >= deadline:
            raise LockWaitExpired(f"no time left to wait (conversation {conversation_id[:8]})")
        if self.waiting(conversation_id) >= self.max_waiting:
            logger.info("Conversation %s busy: %d messages already waiting",
                        conversation_id[:8], self.max_waiting)
            raise ConversationBusy()
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_before(conversation_id, ticket, deadline)
        finally:
            # Also withdraws a ticket that never got its turn, so the next one goes ahead.
            self.cleanup(conversation_id, ticket)

    async def _acquire_before(self, conversation_id: str, ticket: int,
                              deadline: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None:
                raise LockError(f"Lock of conversation {conversation_id[:8]} vanished "
                                "while waiting.")
            if not lock.is_locked(ticket):
                return lock
            left = deadline - time.monotonic()
            if left <= 0:
                raise LockWaitExpired(f"lock not free in time "
                                      f"(conversation {conversation_id[:8]})")
            await asyncio.sleep(min(NEXT_IN_LINE_POLL_S, left))


class AtomicRedisLockStore(LockStore):
    """A Rasa lock store whose ticket queue changes only through atomic Redis operations."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        # Rasa passes the endpoints.yml section; tests and tools pass keywords.
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        self.host = str(settings.get("host") or "localhost")
        self.port = int(settings.get("port") or 6379)
        self.db = int(settings.get("db") or 1)
        self.lock_lifetime_s = float(settings.get("lock_lifetime") or DEFAULT_LOCK_LIFETIME_S)
        self.max_wait_s = float(settings.get("max_wait") or DEFAULT_MAX_WAIT_S)
        self.key_prefix = str(settings.get("key_prefix") or DEFAULT_KEY_PREFIX)
        self.max_waiting = _max_waiting(settings)
        connection = {
            "host": self.host, "port": self.port, "db": self.db,
            "password": settings.get("password") or None,
            "ssl": bool(settings.get("use_ssl", False)),
            "socket_timeout": float(settings.get("socket_timeout") or SOCKET_TIMEOUT_S),
            "socket_connect_timeout": float(settings.get("socket_timeout") or SOCKET_TIMEOUT_S),
        }
        self._sync = redis.Redis(**connection)
        self._async = redis.asyncio.Redis(**connection)
        self._check_reachable()
        self._issue_sync = self._sync.register_script(_ISSUE)
        self._release_sync = self._sync.register_script(_RELEASE)
        self._issue = self._async.register_script(_ISSUE)
        self._try_acquire = self._async.register_script(_TRY_ACQUIRE)
        self._release = self._async.register_script(_RELEASE)
        super().__init__()

    def _check_reachable(self) -> None:
        # Fail at start-up, not at the first citizen's message.
        try:
            self._sync.ping()
        except redis.RedisError as error:
            raise ConnectionException(
                f"Lock store: Redis at {self.host}:{self.port} (db {self.db}) is not reachable "
                f"({type(error).__name__}: {error}). The assistant does not start without it."
            ) from error

    # -- keys ----------------------------------------------------------------------
    def _keys(self, conversation_id: str) -> tuple[str, str, str]:
        # The hash tag keeps one conversation's keys on one Redis Cluster slot.
        base = f"{self.key_prefix}{{{conversation_id}}}"
        return f"{base}:issued", f"{base}:queue", f"{base}:deadlines"

    def _lifetime_ms(self, lock_lifetime: float | None) -> int:
        return int((lock_lifetime or self.lock_lifetime_s) * 1000)

    # -- the path Rasa uses for every message ---------------------------------------
    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float | None = None,
                   wait_time_in_seconds: float | None = None) -> AsyncIterator[TicketLock]:
        """Hold the conversation's lock for the duration of the ``async with`` block."""
        counter, queue, deadlines = self._keys(conversation_id)
        lifetime_ms = self._lifetime_ms(lock_lifetime)
        deadline = lock_deadline.get()
        if deadline is not None and time.monotonic() >= deadline:
            raise LockWaitExpired(f"no time left to wait (conversation {conversation_id[:8]})")
        bound = -1 if deadline is None else self.max_waiting
        ticket = int(await self._issue(keys=[counter, queue, deadlines],
                                       args=[lifetime_ms, IDLE_KEY_TTL_MS, bound]))
        if ticket == 0:
            logger.info("Conversation %s busy: %d messages already waiting",
                        conversation_id[:8], self.max_waiting)
            raise ConversationBusy()
        renewal: asyncio.Task | None = None
        try:
            # On LockWaitExpired the finally below withdraws the ticket.
            await self._wait_for_turn(conversation_id, ticket, lifetime_ms, wait_time_in_seconds,
                                      deadline)
            renewal = asyncio.create_task(self._keep_alive(queue, deadlines, ticket, lifetime_ms))
            yield TicketLock(conversation_id, deque([Ticket(ticket, time.time()
                                                            + lifetime_ms / 1000)]))
        finally:
            if renewal is not None:
                renewal.cancel()
            await self._release_quietly(conversation_id, queue, deadlines, ticket)

    async def _wait_for_turn(self, conversation_id: str, ticket: int, lifetime_ms: int,
                             max_poll_s: float | None, deadline: float | None = None) -> None:
        _, queue, deadlines = self._keys(conversation_id)
        give_up = time.monotonic() + self.max_wait_s
        while True:
            ahead = int(await self._try_acquire(keys=[queue, deadlines], args=[ticket, lifetime_ms]))
            if ahead == 0:
                return
            if ahead < 0:
                raise LockError(f"Lock ticket {ticket} expired while waiting "
                                f"(conversation {conversation_id[:8]}).")
            if time.monotonic() > give_up:
                raise LockError(f"Waited over {self.max_wait_s:.0f} s for the lock "
                                f"(conversation {conversation_id[:8]}).")
            pause = NEXT_IN_LINE_POLL_S if ahead == 1 else POLL_PER_TICKET_AHEAD_S * ahead
            pause = min(pause, max_poll_s or MAX_POLL_S, MAX_POLL_S)
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LockWaitExpired(f"lock not free in time, {ahead} ahead "
                                          f"(conversation {conversation_id[:8]})")
                # One last look just at the deadline rather than a poll after it.
                pause = min(pause, left)
            await asyncio.sleep(pause)

    async def _keep_alive(self, queue: str, deadlines: str, ticket: int, lifetime_ms: int) -> None:
        # The holder renews its deadline so a long turn is not mistaken for a crash.
        while True:
            await asyncio.sleep(lifetime_ms / 3000)
            with contextlib.suppress(redis.RedisError):
                await self._try_acquire(keys=[queue, deadlines], args=[ticket, lifetime_ms])

    async def _release_quietly(self, conversation_id: str, queue: str, deadlines: str,
                               ticket: int) -> None:
        try:
            await self._release(keys=[queue, deadlines], args=[ticket])
        except redis.RedisError as error:
            # The ticket's deadline releases it anyway; the turn itself is done.
            logger.warning("Could not release lock ticket %s of conversation %s: %s",
                           ticket, conversation_id[:8], type(error).__name__)

    # -- Rasa's synchronous LockStore interface, kept atomic as well ----------------
    def issue_ticket(self, conversation_id: str, lock_lifetime: float | None = None) -> int:
        """Add a ticket to the conversation's queue; returns its number."""
        try:
            return int(self._issue_sync(keys=list(self._keys(conversation_id)),
                                        args=[self._lifetime_ms(lock_lifetime), IDLE_KEY_TTL_MS]))
        except redis.RedisError as error:
            raise LockError(f"Could not issue a lock ticket: {type(error).__name__}") from error

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove a ticket from the conversation's queue."""
        _, queue, deadlines = self._keys(conversation_id)
        self._release_sync(keys=[queue, deadlines], args=[ticket_number])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove a ticket; the queue's keys go when it is empty (atomically, in the script)."""
        self.finish_serving(conversation_id, ticket_number)

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """A snapshot of the conversation's queue (for inspection; it may change at once)."""
        _, queue, deadlines = self._keys(conversation_id)
        with self._sync.pipeline(transaction=True) as pipe:
            pipe.zrange(queue, 0, -1)
            pipe.hgetall(deadlines)
            numbers, deadline_by_ticket = pipe.execute()
        if not numbers:
            return None
        tickets = deque(Ticket(int(n), int(deadline_by_ticket.get(n, 0)) / 1000) for n in numbers)
        return TicketLock(conversation_id, tickets)

    def delete_lock(self, conversation_id: str) -> None:
        """Drop the conversation's queue (waiting tickets then fail with a LockError)."""
        _, queue, deadlines = self._keys(conversation_id)
        self._sync.delete(queue, deadlines)

    def save_lock(self, lock: TicketLock) -> None:
        """Refused: writing a whole lock back is the race this store exists to avoid."""
        raise LockError("AtomicRedisLockStore changes locks only through atomic scripts; "
                        "use issue_ticket / lock / finish_serving.")
