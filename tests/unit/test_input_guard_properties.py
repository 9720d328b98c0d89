"""Property tests: whatever a client sends, the guard answers with RequestError or a request."""
from __future__ import annotations

import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.input_guard import ChatRequest, RequestError, normalise_text, parse_chat_request

# Fixed seed: the same examples on every run, so a failure is reproducible in CI.
FIXED = settings(derandomize=True, max_examples=300, deadline=None)

KEYS = st.sampled_from(["sender", "message", "x"]) | st.text(max_size=5)
SENDERS = st.sampled_from(["test-conversation-1", "", "../../etc"]) | st.text(max_size=12)
CONTENT_TYPES = st.none() | st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain"]) | st.text(max_size=30)

# JSON text rather than Python values: json.dumps cannot write what a hostile client
# can, such as integers over Python's 4300-digit limit or thousands of nested brackets.
scalars = (st.none() | st.booleans() | st.floats(allow_nan=True) | st.text(max_size=20)
           | SENDERS).map(json.dumps)
long_integers = st.integers(min_value=1, max_value=6000).map(lambda digits: "7" * digits)


def nested(child: str, depth: int, opener: str) -> str:
    if opener == "[":
        return "[" * depth + child + "]" * depth
    return '{"message": ' * depth + child + "}" * depth


json_texts = st.recursive(
    scalars | long_integers,
    lambda children: (
        st.lists(children, max_size=4).map(lambda items: "[" + ",".join(items) + "]")
        | st.lists(st.tuples(KEYS, children), max_size=4).map(
            lambda pairs: "{" + ",".join(f"{json.dumps(k)}: {v}" for k, v in pairs) + "}")
        | st.builds(nested, children, st.integers(min_value=0, max_value=6000),
                    st.sampled_from(["[", "{"]))
    ),
    max_leaves=12,
)
chat_bodies = st.builds(
    lambda sender, message, extra: "{" + f'"sender": {sender}, "message": {message}{extra}' + "}",
    SENDERS.map(json.dumps) | json_texts, json_texts,
    st.just("") | json_texts.map(lambda value: f', "x": {value}'))


def parse_or_error(raw: bytes, content_type: str | None = "application/json",
                   ) -> ChatRequest | RequestError:
    try:
        return parse_chat_request(raw, content_type=content_type)
    except RequestError as error:
        return error


@FIXED
@given(st.binary(max_size=2048) | json_texts.map(str.encode)
       | st.tuples(json_texts.map(str.encode), st.binary(max_size=8)).map(b"".join),
       CONTENT_TYPES)
def test_arbitrary_bytes_give_a_request_or_a_request_error(raw, content_type):
    assert isinstance(parse_or_error(raw, content_type), (ChatRequest, RequestError))


@FIXED
@given(json_texts | chat_bodies)
def test_arbitrary_json_gives_a_request_or_a_request_error(text):
    result = parse_or_error(text.encode())
    assert isinstance(result, (ChatRequest, RequestError))
    if isinstance(result, ChatRequest):
        assert isinstance(result.sender, str) and isinstance(result.message, str)


# Any code point, surrogates and private use included (JSON can carry them all), mixed
# with pieces of markup and characters that NFKC or the guard changes.
FRAGMENTS = st.sampled_from(["<", ">", "</", "b", "script", "style", " ", "\n", "\u200b",
                             "\u202e", "\x00", "\ufdfa", "\u00bd", "\u0301", "\ufe64", "x"])
# Fragments twice as often as other characters, so they meet each other.
any_text = st.lists(st.one_of(FRAGMENTS, FRAGMENTS, st.characters(codec=None)),
                    max_size=60).map("".join)


@FIXED
@given(any_text)
def test_normalise_text_is_idempotent_and_drops_control_characters(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert not any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") for char in once)
