"""Fixes to Rasa 3.6 internals, applied when the web channel is loaded.

1. Action time-out: Rasa waits up to 300 s for the action server
   (``DEFAULT_REQUEST_TIMEOUT``); a citizen should get an answer within 5 s, so
   a slow or hanging action server is given up on after ``ACTION_TIMEOUT_S``.
2. Action response validation: Rasa validates every action server response
   with ``jsonschema.validate``, which first re-checks the (constant) schema
   itself. Profiling with py-spy showed that check alone was about half of the
   Rasa server's CPU time per message. The validator is built once instead;
   responses are validated exactly as before.
3. SQLite tracker store: write-ahead logging with ``synchronous=NORMAL``, so a
   saved turn is not an fsync of the whole database file. The store stays
   consistent after a crash of the process; at worst the last turns before a
   power cut are lost, which is acceptable for chat transcripts.
4. No silent in-memory fallback: when the tracker store named in endpoints.yml
   cannot be imported (a typo, a missing package), Rasa logs a warning and
   keeps conversations in memory. With several replicas that silently splits
   every conversation across processes and loses it at the next restart, so
   start-up stops instead. (Rasa's lock store already fails in that case.)
   The same holds while serving: Rasa wraps the store in a "fail-safe" that,
   when the database is down, starts an empty conversation and keeps it in
   memory. The citizen would get answers without context while nothing is
   stored; instead the error now reaches the channel, which sends the Dutch
   error reply, and the next message after the database is back carries on.
5. Event type look-up: loading a stored conversation turns every event's type
   name into its class by walking all subclasses of ``Event`` each time.
   py-spy on a replica with the SQL store showed that walk was a fifth of the
   time per message in a 60-turn conversation; the name-to-class table is now
   built once (and rebuilt if an unknown name appears).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import rasa.core.actions.action as rasa_action
import rasa.core.agent as rasa_agent
import rasa.core.tracker_store as rasa_tracker_store
import rasa.shared.utils.common
import rasa.utils.endpoints as rasa_endpoints
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.shared.core.events import Event
from sqlalchemy import event
from sqlalchemy.engine import Engine

ACTION_TIMEOUT_S = 3


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: rasa_action.RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (". Failed to validate Action server response from API, make sure "
                      "your response from the Action endpoint is valid.")
    raise error


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _load_custom_tracker_store(domain: Any, store: Any, event_broker: Any = None) -> Any:
    try:
        store_class = rasa.shared.utils.common.class_from_module_path(store.type)
    except (AttributeError, ImportError) as error:
        raise ImportError(
            f"Tracker store type '{store.type}' in the endpoints file cannot be loaded "
            f"({error}). Not falling back to memory: conversations would be lost.") from error
    return store_class(host=store.url, domain=domain, event_broker=event_broker, **store.kwargs)


def _reraise(error: Exception) -> None:
    raise error


class _NoFallbackTrackerStore(rasa_tracker_store.FailSafeTrackerStore):
    def __init__(self, tracker_store: Any, on_tracker_store_error: Any = None,
                 fallback_tracker_store: Any = None) -> None:
        super().__init__(tracker_store, _reraise, fallback_tracker_store)


_event_class_by_type_name: dict[str, type[Event]] = {}


def _resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    event_class = _event_class_by_type_name.get(type_name)
    if event_class is None:
        # Rasa returns the first match in subclass order; keep that winner.
        _event_class_by_type_name.clear()
        for candidate in reversed(rasa.shared.utils.common.all_subclasses(Event)):
            _event_class_by_type_name[candidate.type_name] = candidate
        event_class = _event_class_by_type_name.get(type_name)
    if event_class is not None:
        return event_class
    if type_name == "topic" or default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def apply() -> None:
    """Idempotent: safe to call from every import of the channel."""
    if not event.contains(Engine, "connect", _tune_sqlite):
        event.listen(Engine, "connect", _tune_sqlite)
    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_S
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_S
    rasa_action.RemoteAction._validate_action_result = _validate_action_result
    rasa_tracker_store._load_from_module_name_in_endpoint_config = _load_custom_tracker_store
    Event.resolve_by_type = staticmethod(_resolve_event_type)
    rasa_agent.FailSafeTrackerStore = _NoFallbackTrackerStore
