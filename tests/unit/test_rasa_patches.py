"""The patched action-response validation accepts and rejects exactly what Rasa's does."""
import json

import jsonschema
import pytest
import rasa.core.actions.action as rasa_action

from bot import rasa_patches

GOOD = {"events": [{"event": "slot", "name": "last_topic", "value": "avim"}],
        "responses": [{"text": "Hallo"}]}
BAD = [{"events": "not a list"}, {"responses": [1, 2]}, {"events": [{"event": "no_such_event"}]}]


@pytest.fixture(scope="module", autouse=True)
def patched():
    original = rasa_action.RemoteAction._validate_action_result
    rasa_patches.apply()
    yield
    rasa_action.RemoteAction._validate_action_result = original


def validate(result):
    return rasa_action.RemoteAction._validate_action_result(None, result)


def test_valid_response_passes():
    assert validate(GOOD) is True
    jsonschema.validate(GOOD, rasa_action.RemoteAction.action_response_format_spec())


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_fail_like_rasa(result):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, rasa_action.RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        validate(result)


def test_action_timeout_is_short():
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == rasa_patches.ACTION_TIMEOUT_S <= 5


def test_other_rasa_or_sanic_versions_are_refused(monkeypatch):
    import rasa
    import sanic

    rasa_patches.check_versions(rasa_patches.RASA_VERSION, rasa_patches.SANIC_VERSION)
    with pytest.raises(RuntimeError, match="written for Rasa 3.6.21"):
        rasa_patches.check_versions("3.7.0", rasa_patches.SANIC_VERSION)
    with pytest.raises(RuntimeError, match="Sanic 22.0.0"):
        rasa_patches.check_versions(rasa_patches.RASA_VERSION, "22.0.0")
    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(RuntimeError):
        rasa_patches.apply()
    monkeypatch.setattr(rasa, "__version__", rasa_patches.RASA_VERSION)
    monkeypatch.setattr(sanic, "__version__", "23.3.0")
    with pytest.raises(RuntimeError):
        rasa_patches.apply()


@pytest.fixture(scope="module")
def rasa_app():
    """The Sanic app exactly as `rasa run` builds it without --enable-api, after apply()."""
    import rasa.core.run
    from sanic import Sanic

    Sanic.test_mode = True  # several apps of one name in a test session
    try:
        yield rasa.core.run.configure_app(None, cors=["http://localhost:8000"], enable_api=False)
    finally:
        Sanic.test_mode = False


def test_sanic_limits_are_small(rasa_app):
    assert rasa_app.config.REQUEST_MAX_SIZE == 64 * 1024
    assert rasa_app.config.REQUEST_TIMEOUT <= 5
    assert rasa_app.config.RESPONSE_TIMEOUT <= 15


def test_api_app_gets_the_same_limits():
    import rasa.server
    from sanic import Sanic

    Sanic.test_mode = True
    try:
        app = rasa_patches.harden_app(rasa.server.create_app(cors_origins=["http://localhost:8000"]))
    finally:
        Sanic.test_mode = False
    # Rasa sets an hour for its API; the hardening runs after it.
    assert app.config.RESPONSE_TIMEOUT == rasa_patches.RESPONSE_TIMEOUT_S


@pytest.mark.parametrize(
    ("exception", "status", "error"),
    [("NotFound", 404, "not_found"), ("MethodNotSupported", 405, "method_not_allowed"),
     ("RequestTimeout", 408, "request_timeout"), ("PayloadTooLarge", 413, "body_too_large"),
     ("ServiceUnavailable", 503, "service_unavailable"), ("ServerError", 500, "error")],
)
def test_sanic_errors_are_dutch_json(rasa_app, exception, status, error, caplog):
    import sanic.exceptions

    exception_class = getattr(sanic.exceptions, exception)
    raised = (exception_class("no", "DELETE", ["POST"]) if exception == "MethodNotSupported"
              else exception_class("Response Timeout"))
    with caplog.at_level("INFO", logger="bot.rasa_patches"):
        reply = rasa_app.error_handler.response(None, raised)
    assert reply.status == status
    assert reply.content_type == "application/json"
    body = json.loads(reply.body)
    assert body["error"] == error and body["message"] and "Timeout" not in body["message"]
    assert len(caplog.records) == 1 and caplog.records[0].exc_info is None


def test_a_body_that_does_not_arrive_in_time_is_a_request_timeout(monkeypatch):
    import asyncio
    from types import SimpleNamespace

    from sanic.exceptions import RequestTimeout

    async def never_ending(_request):
        await asyncio.sleep(60)

    monkeypatch.setattr(rasa_patches, "_original_receive_body", never_ending)
    monkeypatch.setattr(rasa_patches, "BODY_TIMEOUT_S", 0.05)
    request = SimpleNamespace(stream=SimpleNamespace(keep_alive=True, request_body=True))
    with pytest.raises(RequestTimeout):
        asyncio.run(rasa_patches._receive_body_in_time(request))
    # Sanic neither keeps the connection nor waits for the rest of the body.
    assert request.stream.keep_alive is False and not request.stream.request_body
