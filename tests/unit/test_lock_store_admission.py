"""bot.lock_store.BoundedInMemoryLockStore: the `make run` lock store with the admission rules."""
from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.lock_store import _create_from_endpoint_config
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from bot.admission import MAX_WAITING, ConversationBusy, LockWaitExpired, lock_deadline
from bot.lock_store import BoundedInMemoryLockStore

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = "conversation-1"


@contextlib.contextmanager
def deadline_in(seconds: float) -> Iterator[None]:
    token = lock_deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        lock_deadline.reset(token)


async def until(condition, timeout: float = 2.0) -> None:
    give_up = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < give_up, "condition not reached"
        await asyncio.sleep(0.002)


class Conversation:
    """One holder that keeps the lock until released, plus messages queueing behind it."""

    def __init__(self, store: BoundedInMemoryLockStore) -> None:
        self.store = store
        self.release = asyncio.Event()
        self.served: list[str] = []

    async def hold(self) -> None:
        async with self.store.lock(CONVERSATION):
            self.served.append("holder")
            await self.release.wait()

    async def message(self, name: str, deadline_s: float | None) -> str:
        with contextlib.nullcontext() if deadline_s is None else deadline_in(deadline_s):
            try:
                async with self.store.lock(CONVERSATION, wait_time_in_seconds=0.01):
                    self.served.append(name)
                    return "served"
            except ConversationBusy as busy:
                assert busy.retry_after_s > 0
                return "busy"

    async def late_message(self) -> str:
        # Bounded, so a store that queues it anyway fails the test instead of hanging it.
        return await asyncio.wait_for(self.message("late", deadline_s=3), timeout=1)

    async def start_holder(self) -> asyncio.Task:
        task = asyncio.create_task(self.hold())
        await until(lambda: self.served == ["holder"])
        return task


async def test_one_holder_and_five_waiting_are_accepted_the_seventh_is_refused():
    store = BoundedInMemoryLockStore()
    chat = Conversation(store)
    holder = await chat.start_holder()
    waiters = [asyncio.create_task(chat.message(f"m{i}", deadline_s=3)) for i in range(MAX_WAITING)]
    await until(lambda: store.waiting(CONVERSATION) == MAX_WAITING)

    assert await chat.late_message() == "busy"
    assert store.waiting(CONVERSATION) == MAX_WAITING, "the refused message took a ticket"

    chat.release.set()
    await asyncio.gather(holder, *waiters)
    assert chat.served == ["holder", *(f"m{i}" for i in range(MAX_WAITING))]
    assert store.get_lock(CONVERSATION) is None


async def test_a_waiter_past_its_deadline_is_dropped_and_the_next_one_is_served():
    store = BoundedInMemoryLockStore()
    chat = Conversation(store)
    holder = await chat.start_holder()
    impatient = asyncio.create_task(chat.message("impatient", deadline_s=0.2))
    await until(lambda: store.waiting(CONVERSATION) == 1)
    patient = asyncio.create_task(chat.message("patient", deadline_s=5))
    await until(lambda: store.waiting(CONVERSATION) == 2)

    started = time.monotonic()
    with pytest.raises(LockWaitExpired):
        await asyncio.wait_for(impatient, timeout=1)
    assert time.monotonic() - started < 0.5
    assert store.waiting(CONVERSATION) == 1, "the expired ticket is still queued"

    chat.release.set()
    await holder
    # Served at once: nobody waits for the dropped ticket's 60 s lifetime.
    await asyncio.wait_for(patient, timeout=1)
    assert chat.served == ["holder", "patient"]


async def test_a_message_whose_deadline_has_passed_does_not_queue():
    store = BoundedInMemoryLockStore()
    chat = Conversation(store)
    holder = await chat.start_holder()
    with pytest.raises(LockWaitExpired):
        await asyncio.wait_for(chat.message("expired", deadline_s=-0.01), timeout=1)
    assert store.waiting(CONVERSATION) == 0
    chat.release.set()
    await holder


async def test_without_a_deadline_messages_queue_as_in_rasa_and_count_as_waiting():
    store = BoundedInMemoryLockStore()
    chat = Conversation(store)
    holder = await chat.start_holder()
    # Rasa's own callers (no deadline) are never refused, however long the queue.
    unbounded = [asyncio.create_task(chat.message(f"m{i}", deadline_s=None))
                 for i in range(MAX_WAITING + 3)]
    await until(lambda: store.waiting(CONVERSATION) == MAX_WAITING + 3)
    # ... but they do fill the queue for the channel's messages.
    assert await chat.late_message() == "busy"
    chat.release.set()
    await asyncio.gather(holder, *unbounded)
    assert chat.served == ["holder", *(f"m{i}" for i in range(MAX_WAITING + 3))]


def test_rasa_builds_it_from_the_endpoints_file(monkeypatch):
    monkeypatch.setenv("BOT_ACTION_URL", "http://127.0.0.1:5055/webhook")
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store")
    assert config is not None and config.type == "bot.lock_store.BoundedInMemoryLockStore"
    assert isinstance(_create_from_endpoint_config(config), BoundedInMemoryLockStore)
    custom = _create_from_endpoint_config(EndpointConfig(
        type="bot.lock_store.BoundedInMemoryLockStore", max_waiting=2))
    assert custom.max_waiting == 2
