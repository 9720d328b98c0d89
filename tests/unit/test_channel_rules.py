"""The channel's pure rules: templates filled without str.format, the client behind our proxy."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.content import TEMPLATE_VALUES, fill_template, unknown_template_parts
from bot.knowledge import get_knowledge


def test_a_stray_brace_in_staff_text_does_not_break_filling():
    assert fill_template("Er ging {iets mis", {}) == "Er ging {iets mis"
    assert fill_template("maximaal {limit} tekens {x}", {"limit": 1000}) == "maximaal 1000 tekens {x}"


def test_unknown_braces_are_named_for_make_check():
    assert unknown_template_parts("technical_error", "Er ging {iets} mis") == ["{iets}"]
    assert unknown_template_parts("message_too_long", "maximaal {limit} tekens") == []
    assert unknown_template_parts("technical_error", "maximaal {limit} tekens") == ["{limit}"]


@pytest.mark.parametrize("topic_id", sorted(TEMPLATE_VALUES))
def test_every_channel_template_exists_and_uses_only_its_values(topic_id):
    text = get_knowledge().reply(topic_id, dt.date.today()).text
    assert unknown_template_parts(topic_id, text) == []
    for name in TEMPLATE_VALUES[topic_id]:
        assert "{" + name + "}" in text


def test_the_rate_limited_client_is_the_first_forwarded_address():
    from bot.channel import client_address

    assert client_address("203.0.113.7", "127.0.0.1") == "203.0.113.7"
    assert client_address("203.0.113.7, 10.0.0.1", "127.0.0.1") == "203.0.113.7"
    assert client_address(None, "127.0.0.1") == "127.0.0.1"
    assert client_address("  ", "127.0.0.1") == "127.0.0.1"
