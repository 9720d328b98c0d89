"""Two measured fixes to Rasa 3.6 internals, applied when the web channel is loaded.

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
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import rasa.core.actions.action as rasa_action
import rasa.utils.endpoints as rasa_endpoints
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
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


def apply() -> None:
    """Idempotent: safe to call from every import of the channel."""
    if not event.contains(Engine, "connect", _tune_sqlite):
        event.listen(Engine, "connect", _tune_sqlite)
    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_S
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_S
    rasa_action.RemoteAction._validate_action_result = _validate_action_result

