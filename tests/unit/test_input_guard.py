import json

import pytest

from bot.input_guard import (
    MAX_BODY_BYTES,
    RequestError,
    is_too_long,
    neutralise_payload,
    normalise_text,
    parse_chat_request,
)

SENDER = "test-conversation-1"


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_valid_request():
    chat = parse_chat_request(body(sender=SENDER, message="Wat is mensenhandel?"))
    assert (chat.sender, chat.message) == (SENDER, "Wat is mensenhandel?")


@pytest.mark.parametrize(
    ("raw", "status", "error"),
    [
        (b"x" * (MAX_BODY_BYTES + 1), 413, "body_too_large"),
        (b"{not json", 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_body"),
        (body(message="hallo"), 400, "invalid_sender"),
        (body(sender="", message="hallo"), 400, "invalid_sender"),
        (body(sender="../../etc/passwd", message="hallo"), 400, "invalid_sender"),
        (body(sender=12345678, message="hallo"), 400, "invalid_sender"),
        (body(sender=SENDER, message=42), 400, "invalid_message"),
        (body(sender=SENDER, message=["a"]), 400, "invalid_message"),
        (body(sender=SENDER, message=None), 400, "invalid_message"),
        (body(sender=SENDER), 400, "invalid_message"),
    ],
)
def test_bad_requests_get_a_status_and_a_dutch_message(raw, status, error):
    with pytest.raises(RequestError) as caught:
        parse_chat_request(raw)
    assert (caught.value.status, caught.value.error) == (status, error)
    assert caught.value.message


def test_control_and_direction_characters_are_dropped():
    assert normalise_text("wat\x00 is\u202e mensen\u200bhandel\n?") == "wat is mensenhandel ?"


def test_markup_is_removed():
    assert normalise_text("<b>wat is</b> <img src=x onerror=alert(1)> mensenhandel") == \
        "wat is mensenhandel"
    assert normalise_text("is 3 < 4 en 5 > 2?") == "is 3 < 4 en 5 > 2?"


def test_script_and_style_elements_are_removed_with_their_code():
    assert normalise_text("<script>alert(1)</script> wat is mensenhandel") == "wat is mensenhandel"
    assert normalise_text("<STYLE media=x>p{color:red}</style >wie is de rapporteur") == \
        "wie is de rapporteur"


def test_unicode_is_normalised():
    # Full-width letters become ASCII; "e" + combining accent becomes one "é".
    assert normalise_text("ｗａｔ is e\u0301e\u0301n debat") == "wat is \u00e9\u00e9n debat"


def test_length_limit():
    assert not is_too_long("a" * 1000)
    assert is_too_long("a" * 1001)


def test_only_offered_payloads_pass():
    offered = {"/debate_date", "/something_else"}
    assert neutralise_payload("/debate_date", offered) == "/debate_date"
    assert neutralise_payload('/greet{"last_topic": "<script>"}', offered) == \
        'greet{"last_topic": "<script>"}'
    assert neutralise_payload("//debate_date{}", offered) == "debate_date{}"
    assert neutralise_payload("wat is / mensenhandel", offered) == "wat is / mensenhandel"


@pytest.mark.parametrize(
    "raw",
    [
        # 5,000 levels of nesting in under 16 kB: RecursionError inside json.
        b"[" * 5000 + b"]" * 5000,
        b'{"sender": ' + b'{"a": ' * 2000 + b"1" + b"}" * 2000 + b"}",
        # An integer longer than Python converts (sys.get_int_max_str_digits, 4300).
        b'{"sender": "test-conversation-1", "message": "x", "n": ' + b"7" * 5000 + b"}",
    ],
    ids=["nested-array", "nested-object", "huge-integer"],
)
def test_hostile_json_is_a_400_with_one_log_line(raw, caplog):
    assert len(raw) <= MAX_BODY_BYTES
    with caplog.at_level("WARNING", logger="bot.input_guard"), pytest.raises(RequestError) as caught:
        parse_chat_request(raw)
    assert (caught.value.status, caught.value.error) == (400, "invalid_json")
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert len(caplog.records) == 1 and caplog.records[0].exc_info is None


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""],
)
def test_json_content_types_are_accepted(content_type):
    chat = parse_chat_request(body(sender=SENDER, message="hallo"), content_type=content_type)
    assert chat.message == "hallo"


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", "application/json-patch+json", "application/jsonx",
     "application/json; charset=latin-1", "application/json; boundary=x"],
)
def test_other_content_types_get_415(content_type):
    with pytest.raises(RequestError) as caught:
        parse_chat_request(body(sender=SENDER, message="hallo"), content_type=content_type)
    assert (caught.value.status, caught.value.error) == (415, "unsupported_media_type")
    assert "JSON" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Found by the property tests: each changed again on a second pass.
        ("<\u200bb>wat is mensenhandel", "wat is mensenhandel"),
        ("<scr<b>ipt>wat is mensenhandel", "< scr ipt>wat is mensenhandel"),
        ("e\u200b\u0301en debat", "\u00e9en debat"),
    ],
)
def test_normalising_twice_changes_nothing(text, expected):
    assert normalise_text(text) == expected
    assert normalise_text(expected) == expected
