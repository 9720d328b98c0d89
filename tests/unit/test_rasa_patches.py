"""The patched action-response validation accepts and rejects exactly what Rasa's does."""
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
