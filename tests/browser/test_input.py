"""The question box (grows, Enter sends, Shift+Enter a new line, warns before the limit
and never cuts) and a slow reply ("Dit duurt langer dan normaal" with "Annuleren")."""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import Chat, axe_violations, json_body

pytestmark = pytest.mark.browser

WEBHOOK = "**/webhooks/rest/webhook"
SLOW = "Dit duurt langer dan normaal."
CANCELLED = "Gestopt. U kunt uw vraag opnieuw versturen."
TOO_LONG = "Uw vraag is te lang. Maak hem korter dan 1000 tekens."


def sent_messages(page: Any) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: r.url.endswith("/webhooks/rest/webhook")
            and sent.append(json_body(r)["message"]))
    return sent


def test_the_question_box_grows_enter_sends_and_shift_enter_adds_a_line(chat: Chat,
                                                                        page) -> None:
    chat.load().open()
    assert chat.input.evaluate("e => e.tagName") == "TEXTAREA"
    one_line = chat.input.bounding_box()["height"]
    chat.input.focus()
    page.keyboard.type("Wanneer is het debat?")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("En waar is het?")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Kan ik kijken?")
    assert chat.input.input_value() == "Wanneer is het debat?\nEn waar is het?\nKan ik kijken?"
    assert chat.user_messages().count() == 0, "Shift+Enter must not send"
    assert chat.input.bounding_box()["height"] > 1.8 * one_line
    # It stops growing and scrolls: the conversation keeps its room.
    chat.input.fill("regel\n" * 30)
    assert chat.input.bounding_box()["height"] < 8 * one_line
    assert chat.log.bounding_box()["height"] > 100
    chat.input.fill("Wanneer is het debat?\nEn waar is het?")

    sent = sent_messages(page)
    page.keyboard.press("Enter")
    chat.wait_for_bot_messages(1)
    assert sent == ["Wanneer is het debat?\nEn waar is het?"]
    assert chat.input.input_value() == ""
    assert abs(chat.input.bounding_box()["height"] - one_line) < 1


def test_a_long_question_is_warned_about_before_the_limit_and_never_cut(chat: Chat,
                                                                        page) -> None:
    chat.load().open()
    counter = page.locator("#mhc-count")
    status = page.get_by_role("status")
    assert chat.input.get_attribute("aria-describedby") == "mhc-count"
    chat.input.press_sequentially("hallo")
    assert counter.inner_text().startswith("5/1000")
    chat.input.fill("a" * 899)
    assert "Nog" not in counter.inner_text()
    # The last tenth: a warning in the counter (which describes the box), said once.
    chat.input.press_sequentially("a")
    assert "Nog 100 tekens." in counter.inner_text()
    assert status.inner_text() == "Nog 100 tekens."
    chat.input.press_sequentially("aa")
    assert "Nog 98 tekens." in counter.inner_text()
    assert status.inner_text() == "Nog 100 tekens.", "announced once, not on every key"

    # Pasted text over the limit is kept whole, with a warning, and is not sent.
    chat.input.fill("")
    chat.input.focus()
    page.keyboard.insert_text("b" * 1200)
    assert len(chat.input.input_value()) == 1200
    assert counter.inner_text().startswith("1200/1000")
    assert TOO_LONG in counter.inner_text()
    assert status.inner_text() == TOO_LONG
    assert chat.input.get_attribute("aria-invalid") == "true"
    sent = sent_messages(page)
    chat.input.press("Enter")
    chat.alert.get_by_text(TOO_LONG).wait_for()
    page.wait_for_timeout(300)
    assert sent == [] and chat.user_messages().count() == 0
    assert len(chat.input.input_value()) == 1200
    assert axe_violations(page) == ""

    # Made shorter, it is sent as it is.
    chat.input.fill("Wanneer is het debat?")
    assert chat.input.get_attribute("aria-invalid") == "false"
    assert "te lang" not in counter.inner_text()
    chat.input.press("Enter")
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()
    assert sent == ["Wanneer is het debat?"]


def _ask_with_the_reply_held(chat: Chat, page) -> list[Any]:
    """Sends a question whose request the test holds back; returns the held route."""
    held: list[Any] = []
    page.route(WEBHOOK, lambda route: held.append(route), times=1)
    chat.load().open()
    chat.input.fill("Wanneer is het debat?")
    chat.input.press("Enter")
    return held


def test_a_slow_reply_says_so_after_3_seconds_and_the_answer_still_comes(chat: Chat,
                                                                         page) -> None:
    held = _ask_with_the_reply_held(chat, page)
    cancel = chat.button("Annuleren")
    page.wait_for_timeout(2000)
    assert SLOW not in page.get_by_role("status").inner_text()
    assert not cancel.is_visible()
    page.get_by_role("status").get_by_text(SLOW).wait_for(timeout=3000)
    assert cancel.is_visible()
    assert axe_violations(page) == ""
    held[0].continue_()
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()
    assert page.get_by_role("status").inner_text() == ""
    assert not cancel.is_visible()


def test_waiting_can_be_cancelled_and_the_question_is_kept(chat: Chat, page) -> None:
    held = _ask_with_the_reply_held(chat, page)
    cancel = chat.button("Annuleren")
    cancel.wait_for(timeout=5000)
    cancel.focus()
    page.keyboard.press("Enter")
    page.get_by_text(CANCELLED).wait_for()
    # Not answered, so back in the box rather than in the transcript.
    assert chat.input.input_value() == "Wanneer is het debat?"
    assert chat.user_messages().count() == 0
    assert not cancel.is_visible()
    assert chat.focused()["id"] == "mhc-input", "focus must not be lost with the button"
    assert len(held) == 1
    # Sent again, it is answered.
    chat.input.press("Enter")
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()
    assert chat.user_messages().count() == 1
    assert chat.alert.inner_text() == ""
