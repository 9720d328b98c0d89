"""bot.lock_store.AtomicRedisLockStore against the machine's real Redis.

Two store objects stand for two Rasa replicas: they share nothing but Redis.
"""
from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
import uuid

import pytest
import redis
from rasa.core.lock_store import LockError
from rasa.shared.exceptions import ConnectionException

from bot.admission import MAX_WAITING, ConversationBusy, LockWaitExpired, lock_deadline
from bot.lock_store import AtomicRedisLockStore
from tests.services import REDIS, require_redis

REDIS_DB = 8


@pytest.fixture(scope="module", autouse=True)
def redis_available():
    require_redis()
    yield
    redis.Redis(**REDIS, db=REDIS_DB).flushdb()


def replica(**settings) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(**{"host": REDIS["host"], "port": REDIS["port"],
                                   "db": REDIS_DB, **settings})


def conversation() -> str:
    return f"conv-{uuid.uuid4().hex}"


async def test_two_replicas_never_hold_one_conversation_at_once_and_serve_in_ticket_order():
    replicas = [replica(), replica()]
    conversation_id = conversation()
    inside = 0
    overlaps = 0
    served_tickets: list[int] = []

    async def turn(number: int) -> None:
        nonlocal inside, overlaps
        async with replicas[number % 2].lock(conversation_id) as lock:
            inside += 1
            overlaps += inside > 1
            served_tickets.append(lock.tickets[0].number)
            await asyncio.sleep(0.002)
            inside -= 1

    await asyncio.gather(*(turn(number) for number in range(60)))
    assert overlaps == 0
    # Tickets are numbered by INCR in arrival order: first come, first served.
    assert served_tickets == sorted(served_tickets)
    assert len(set(served_tickets)) == 60
    assert replicas[0].get_lock(conversation_id) is None, "an empty queue leaves no keys"


def _increment_under_lock(db: int, conversation_id: str, key: str, times: int) -> None:
    async def run() -> None:
        store = replica(db=db)
        client = redis.Redis(**REDIS, db=db)
        for _ in range(times):
            async with store.lock(conversation_id):
                # Read-modify-write with a pause: any overlap would lose an increment.
                value = int(client.get(key) or 0)
                await asyncio.sleep(0.001)
                client.set(key, value + 1)
    asyncio.run(run())


def test_two_processes_racing_lose_no_update():
    conversation_id, key = conversation(), f"counter-{uuid.uuid4().hex}"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_increment_under_lock,
                               args=(REDIS_DB, conversation_id, key, 40)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert int(redis.Redis(**REDIS, db=REDIS_DB).get(key)) == 80


async def test_a_crashed_holder_delays_the_conversation_only_until_its_ticket_expires():
    store = replica()
    conversation_id = conversation()
    # A replica that took a ticket and died: nobody renews or releases it.
    store.issue_ticket(conversation_id, lock_lifetime=0.3)
    started = time.monotonic()
    async with store.lock(conversation_id):
        waited = time.monotonic() - started
    assert 0.2 < waited < 2


async def test_a_long_turn_keeps_its_lock_past_the_lifetime():
    holder, other = replica(lock_lifetime=0.3), replica(lock_lifetime=0.3)
    conversation_id = conversation()
    order: list[str] = []

    async def long_turn() -> None:
        async with holder.lock(conversation_id):
            order.append("long starts")
            await asyncio.sleep(1.0)  # over three lifetimes; renewed meanwhile
            order.append("long ends")

    async def next_turn() -> None:
        await asyncio.sleep(0.05)
        async with other.lock(conversation_id):
            order.append("next")

    await asyncio.gather(long_turn(), next_turn())
    assert order == ["long starts", "long ends", "next"]


async def test_waiting_longer_than_max_wait_fails_instead_of_hanging():
    holder, waiter = replica(), replica(max_wait=0.3)
    conversation_id = conversation()
    async with holder.lock(conversation_id):
        with pytest.raises(LockError):
            async with waiter.lock(conversation_id):
                pass


def test_unreachable_redis_fails_at_start_up():
    with pytest.raises(ConnectionException, match="not reachable"):
        AtomicRedisLockStore(host="127.0.0.1", port=1, socket_timeout=0.5)


def test_whole_lock_writes_are_refused():
    store = replica()
    conversation_id = conversation()
    store.issue_ticket(conversation_id)
    with pytest.raises(LockError):
        store.save_lock(store.get_lock(conversation_id))
    store.delete_lock(conversation_id)
    assert store.get_lock(conversation_id) is None


# -- admission: the queue bound and the lock deadline ---------------------------------
@contextlib.contextmanager
def deadline_in(seconds: float):
    token = lock_deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        lock_deadline.reset(token)


def waiting(store: AtomicRedisLockStore, conversation_id: str) -> int:
    lock = store.get_lock(conversation_id)
    return 0 if lock is None else len(lock.tickets) - 1


async def until(condition, timeout: float = 3.0) -> None:
    give_up = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < give_up, "condition not reached"
        await asyncio.sleep(0.005)


class Conversation:
    """A holder that keeps the lock until released, and messages queueing behind it."""

    def __init__(self, replicas: list[AtomicRedisLockStore]) -> None:
        self.replicas = replicas
        self.id = conversation()
        self.release = asyncio.Event()
        self.served: list[str] = []

    async def hold(self) -> None:
        async with self.replicas[0].lock(self.id):
            self.served.append("holder")
            await self.release.wait()

    async def start_holder(self) -> asyncio.Task:
        task = asyncio.create_task(self.hold())
        await until(lambda: self.served == ["holder"])
        return task

    async def message(self, number: int, deadline_s: float | None) -> str:
        with contextlib.nullcontext() if deadline_s is None else deadline_in(deadline_s):
            try:
                async with self.replicas[number % len(self.replicas)].lock(self.id):
                    self.served.append(f"m{number}")
                    return "served"
            except ConversationBusy:
                return "busy"

    async def late_message(self) -> str:
        # Bounded, so a store that queues it anyway fails the test instead of hanging it.
        return await asyncio.wait_for(self.message(99, deadline_s=3), timeout=1)


async def test_at_most_five_wait_across_two_replicas_and_the_refused_take_no_ticket():
    chat = Conversation([replica(), replica()])
    holder = await chat.start_holder()
    # Twenty at once over both replicas: counting and issuing are one script, so
    # exactly five get a place, whatever the interleaving.
    attempts = [asyncio.create_task(chat.message(n, deadline_s=3)) for n in range(20)]
    await until(lambda: sum(t.done() for t in attempts) == 20 - MAX_WAITING)
    assert waiting(chat.replicas[0], chat.id) == MAX_WAITING
    chat.release.set()
    outcomes = await asyncio.gather(*attempts)
    await holder
    assert outcomes.count("served") == MAX_WAITING
    assert outcomes.count("busy") == 20 - MAX_WAITING
    assert len(chat.served) == 1 + MAX_WAITING
    assert chat.replicas[0].get_lock(chat.id) is None


async def test_the_seventh_message_is_refused_and_tickets_of_crashed_replicas_do_not_count():
    chat = Conversation([replica(), replica()])
    for _ in range(MAX_WAITING + 1):
        # Tickets of a replica that died: nobody renews them.
        chat.replicas[1].issue_ticket(chat.id, lock_lifetime=0.2)
    await asyncio.sleep(0.3)
    holder = await chat.start_holder()
    waiters = []
    for number in range(MAX_WAITING):
        waiters.append(asyncio.create_task(chat.message(number, deadline_s=3)))
        # One at a time, so the order of arrival is known.
        await until(lambda n=number: waiting(chat.replicas[0], chat.id) == n + 1)
    assert await chat.late_message() == "busy"
    assert waiting(chat.replicas[0], chat.id) == MAX_WAITING
    chat.release.set()
    assert await asyncio.gather(*waiters) == ["served"] * MAX_WAITING
    await holder
    assert chat.served == ["holder", *(f"m{n}" for n in range(MAX_WAITING))]


async def test_a_waiter_past_its_deadline_withdraws_its_ticket_and_the_next_is_served():
    chat = Conversation([replica(), replica()])
    holder = await chat.start_holder()
    impatient = asyncio.create_task(chat.message(1, deadline_s=0.3))
    await until(lambda: waiting(chat.replicas[0], chat.id) == 1)
    patient = asyncio.create_task(chat.message(2, deadline_s=10))
    await until(lambda: waiting(chat.replicas[0], chat.id) == 2)

    started = time.monotonic()
    with pytest.raises(LockWaitExpired):
        await asyncio.wait_for(impatient, timeout=1.5)
    assert time.monotonic() - started < 0.6
    assert waiting(chat.replicas[0], chat.id) == 1, "the expired ticket is still queued"

    chat.release.set()
    await holder
    # At once, not after the withdrawn ticket's lifetime (6 s) ran out.
    assert await asyncio.wait_for(patient, timeout=1) == "served"
    assert chat.served == ["holder", "m2"]


async def test_without_a_deadline_messages_queue_as_before_and_fill_the_queue():
    chat = Conversation([replica(), replica()])
    holder = await chat.start_holder()
    unbounded = [asyncio.create_task(chat.message(n, deadline_s=None))
                 for n in range(MAX_WAITING + 3)]
    await until(lambda: waiting(chat.replicas[0], chat.id) == MAX_WAITING + 3)
    assert await chat.late_message() == "busy"
    chat.release.set()
    assert await asyncio.gather(*unbounded) == ["served"] * (MAX_WAITING + 3)
    await holder
    assert len(chat.served) == MAX_WAITING + 4


async def test_a_message_whose_deadline_has_passed_takes_no_ticket():
    chat = Conversation([replica()])
    holder = await chat.start_holder()
    with pytest.raises(LockWaitExpired):
        await asyncio.wait_for(chat.message(1, deadline_s=-0.01), timeout=1)
    assert waiting(chat.replicas[0], chat.id) == 0
    chat.release.set()
    await holder
