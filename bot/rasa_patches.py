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
6. No version banner: Rasa answers ``GET /`` with "Hello from Rasa: <version>",
   which tells a scanner which known flaws to try. ``/`` now answers a neutral
   ``{"status": "ok"}``.
7. Request limits (Sanic, which Rasa builds its app on): bodies are refused
   above ``REQUEST_MAX_SIZE`` (64 kB, not Sanic's 100 MB), headers must arrive
   within ``REQUEST_TIMEOUT_S`` and a body within ``BODY_TIMEOUT_S`` (Sanic's own
   response time-out restarts with every byte, so a body sent one byte at a time
   held a connection open for ever), a reply takes at most ``RESPONSE_TIMEOUT_S``
   (Rasa sets an hour). Sanic's errors (404, 405, 408, 413, 503...) are answered
   with a short Dutch JSON message in the channel's ``{"error", "message"}``
   shape and one log line, instead of English text.
8. CORS: Rasa lets the browser send every method, sends
   ``Access-Control-Allow-Origin`` even to requests without an Origin and
   ``Access-Control-Max-Age: None``. Now only the origins given with ``--cors``
   get CORS headers, only for POST and OPTIONS and the Content-Type header,
   without credentials, with a max-age of ``CORS_MAX_AGE_S``.

All of this is written against one Rasa and Sanic version; ``apply()`` refuses
another (``RuntimeError``) so an upgrade cannot silently leave a patch unapplied.
"""
from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

import rasa
import rasa.core.actions.action as rasa_action
import rasa.core.agent as rasa_agent
import rasa.core.run as rasa_run
import rasa.core.tracker_store as rasa_tracker_store
import rasa.server as rasa_server
import rasa.shared.utils.common
import rasa.utils.endpoints as rasa_endpoints
import sanic
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.shared.core.events import Event
from sanic import Sanic, response
from sanic.exceptions import RequestTimeout, SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors import CORS
from sqlalchemy import event
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

# The versions every patch below was checked against (see the module docstring).
RASA_VERSION = "3.6.21"
SANIC_VERSION = "21.12.2"

ACTION_TIMEOUT_S = 3
# A chat request is under 16 kB (bot.input_guard.MAX_BODY_BYTES); Sanic stops reading here.
REQUEST_MAX_SIZE = 64 * 1024
REQUEST_TIMEOUT_S = 5
BODY_TIMEOUT_S = 5
# Above the channel's reply deadline (4.5 s, bot/admission.py) with room for a busy server.
RESPONSE_TIMEOUT_S = 15
CORS_MAX_AGE_S = 600
CORS_METHODS = ("POST", "OPTIONS")

# Sanic's errors by status, said the way the channel says its own.
_DUTCH_ERRORS = {
    400: ("bad_request", "Het verzoek is ongeldig."),
    404: ("not_found", "Deze pagina bestaat niet."),
    405: ("method_not_allowed", "Dit soort verzoek is hier niet toegestaan."),
    408: ("request_timeout", "Het verzoek kwam niet op tijd binnen. Probeer het opnieuw."),
    413: ("body_too_large", "Het verzoek is te groot."),
    503: ("service_unavailable",
          "De assistent antwoordt nu niet op tijd. Probeer het over een paar minuten opnieuw."),
}
_DUTCH_OTHER_ERROR = ("error", "Er ging iets mis. Probeer het later opnieuw.")

_original_configure_app = rasa_run.configure_app
_original_receive_body = sanic.request.Request.receive_body


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


def _neutral_root_route(app: Sanic) -> None:
    @app.get("/")
    async def root(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})


def _configure_cors(app: Sanic, cors_origins: str | list[str] | None = "") -> None:
    # Rasa's own CORS_* settings on app.config would be merged in by sanic-cors: none are set.
    CORS(app, resources={r"/*": {"origins": cors_origins or []}}, methods=list(CORS_METHODS),
         allow_headers=["Content-Type"], max_age=CORS_MAX_AGE_S, supports_credentials=False,
         send_wildcard=False, always_send=False, automatic_options=True)


def dutch_error(_request: Request | None, exception: SanicException) -> HTTPResponse:
    """Sanic's error as ``{"error", "message"}`` in Dutch, logged in one line."""
    status = int(getattr(exception, "status_code", 500) or 500)
    error, message = _DUTCH_ERRORS.get(status, _DUTCH_OTHER_ERROR)
    # The exception's text only names what went wrong; it never holds what was sent.
    logger.log(logging.INFO if status in (404, 405) else logging.WARNING,
               "HTTP %d %s: %s", status, error, exception)
    return response.json({"error": error, "message": message}, status=status)


async def _receive_body_in_time(self: Request) -> None:
    try:
        await asyncio.wait_for(_original_receive_body(self), BODY_TIMEOUT_S)
    except asyncio.TimeoutError:
        # The rest of the body is not waited for either: the connection closes after the 408.
        self.stream.keep_alive = False
        self.stream.request_body = None
        raise RequestTimeout("Request body not received in time") from None


def harden_app(app: Sanic) -> Sanic:
    """Size limit, time-outs and Dutch JSON errors on the Sanic app Rasa built."""
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_SIZE
    app.config.REQUEST_TIMEOUT = REQUEST_TIMEOUT_S
    app.config.RESPONSE_TIMEOUT = RESPONSE_TIMEOUT_S
    app.error_handler.add(SanicException, dutch_error)
    return app


def _configure_app(*args: Any, **kwargs: Any) -> Sanic:
    return harden_app(_original_configure_app(*args, **kwargs))


def check_versions(rasa_version: str = rasa.__version__,
                   sanic_version: str = sanic.__version__) -> None:
    """RuntimeError unless these are the Rasa and Sanic versions the patches were written for."""
    found = (rasa_version, sanic_version)
    if found != (RASA_VERSION, SANIC_VERSION):
        raise RuntimeError(
            f"bot/rasa_patches.py was written for Rasa {RASA_VERSION} and Sanic {SANIC_VERSION}, "
            f"found Rasa {rasa_version} and Sanic {sanic_version}. Check every patch in its "
            "docstring against the new code, then update RASA_VERSION and SANIC_VERSION.")


def apply() -> None:
    """Idempotent: safe to call from every import of the channel."""
    check_versions(rasa.__version__, sanic.__version__)
    if not event.contains(Engine, "connect", _tune_sqlite):
        event.listen(Engine, "connect", _tune_sqlite)
    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_S
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_S
    rasa_action.RemoteAction._validate_action_result = _validate_action_result
    rasa_tracker_store._load_from_module_name_in_endpoint_config = _load_custom_tracker_store
    Event.resolve_by_type = staticmethod(_resolve_event_type)
    rasa_agent.FailSafeTrackerStore = _NoFallbackTrackerStore
    # rasa.server and rasa.core.run look these up at call time, after the channel is loaded.
    rasa_server.add_root_route = _neutral_root_route
    rasa_server.configure_cors = _configure_cors
    rasa_run.configure_app = _configure_app
    sanic.request.Request.receive_body = _receive_body_in_time
