"""Shared fixtures: rasa_sdk trackers built the way the action server builds them."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.services import require_postgresql, require_redis, temporary_database


def make_tracker(text: str | None, intent: str, *, confidence: float = 0.9,
                 ranking: list[tuple[str, float]] | None = None,
                 slots: dict[str, Any] | None = None) -> Tracker:
    ranking = ranking or [(intent, confidence)]
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [],
    }
    return Tracker(
        sender_id="test-sender",
        slots={"last_topic": None, **(slots or {})},
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="module")
def database():
    """A fresh PostgreSQL database for a module's production tests (skipped without the services)."""
    require_postgresql()
    require_redis()
    with temporary_database() as name:
        yield name
