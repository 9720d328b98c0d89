"""bot.lock_store.AtomicRedisLockStore against the machine's real Redis.

Two store objects stand for two Rasa replicas: they share nothing but Redis.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid

import pytest
import redis
from rasa.core.lock_store import LockError
from rasa.shared.exceptions import ConnectionException

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
