"""Talking to the real bot through the widget: keyboard, suggestions, history, feedback."""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import Chat, axe_violations, expect, json_body

pytestmark = pytest.mark.browser

SUGGESTIONS = [{
    "recipient_id": "fake",
    "text": "Ik weet niet zeker wat u bedoelt. Bedoelt u een van deze onderwerpen?",
    "buttons": [
        {"title": "Wanneer is het debat?", "payload": "/debate_date"},
        {"title": "Iets anders", "payload": "/something_else"},
    ],
}]


def sent_messages(page) -> list[str]:
    """Collects the message field of every chat request the page makes from now on."""
    sent: list[str] = []
    page.on("request", lambda r: r.url.endswith("/webhooks/rest/webhook")
            and sent.append(json_body(r)["message"]))
    return sent


def test_question_by_keyboard_only(chat: Chat, page) -> None:
    chat.load()
    chat.tab_to(lambda f: f["tag"] == "BUTTON" and f["text"].endswith("Stel uw vraag"))
    # Visible focus: the browser only draws :focus-visible rings for keyboard users.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    assert chat.focused()["id"] == "mhc-input", "opening must move focus to the input"
    assert "Deel hier geen persoonlijke gegevens" in chat.log.inner_text()
    assert "30 dagen" in chat.log.inner_text()
    page.keyboard.type("Wanneer is het debat?")
    page.keyboard.press("Enter")
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()
    assert "Wanneer is het debat?" in chat.user_messages().last.inner_text()
    assert chat.focused()["id"] == "mhc-input"


def test_suggestion_button_by_keyboard_sends_payload_and_shows_title(chat: Chat, page) -> None:
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(json=SUGGESTIONS),
               times=1)
    chat.load().open()
    page.keyboard.type("debat")
    page.keyboard.press("Enter")
    chat.wait_for_bot_messages(1)
    group = chat.log.get_by_role("group", name="Suggesties")
    assert group.get_by_role("button").all_inner_texts() == ["Wanneer is het debat?",
                                                             "Iets anders"]
    sent = sent_messages(page)
    chat.tab_to(lambda f: f["text"] == "Wanneer is het debat?", backwards=True)
    page.keyboard.press("Enter")
    chat.wait_for_bot_messages(2)
    assert sent == ["/debate_date"]
    assert "5 december 2019" in chat.last_bot_text()
    assert "Wanneer is het debat?" in chat.user_messages().last.inner_text()
    assert "/debate_date" not in chat.log.inner_text()


def test_reload_restores_the_transcript_without_announcing_it_again(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    # The probe works: a new answer is added while the log announces.
    assert any("5 december 2019" in text for text in page.evaluate("window.__announced"))
    transcript = chat.log.inner_text()
    sender = chat.stored()["sender"]

    page.reload()
    page.wait_for_selector(".mhc[data-ready]", state="attached")
    # The chat does not open by itself after a reload (test_quick_exit.py); the
    # citizen opens it and finds the conversation there.
    chat.open()
    assert chat.log.inner_text() == transcript
    assert chat.stored()["sender"] == sender
    assert page.evaluate("window.__announced") == [], "restored history was announced"

    page.wait_for_function("document.querySelector('.mhc-log').getAttribute('aria-live')"
                           " === 'polite'")
    chat.ask("En waar?")
    assert "Troelstrazaal" in chat.last_bot_text()
    assert any("Troelstrazaal" in text for text in page.evaluate("window.__announced"))


def test_new_conversation_starts_over_with_a_new_id(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    old_sender = chat.stored()["sender"]
    chat.button("Nieuw gesprek").click()
    page.wait_for_function(
        "([key, old]) => { const s = JSON.parse(sessionStorage.getItem(key) || 'null');"
        " return s && s.sender && s.sender !== old; }",
        arg=["mhc-chat:/webhooks/rest", old_sender])
    assert chat.bot_messages().count() == 0 and chat.user_messages().count() == 0
    assert "Deel hier geen persoonlijke gegevens" in chat.log.inner_text()
    assert chat.focused()["id"] == "mhc-input"
    new_sender = chat.stored()["sender"]

    senders: list[str] = []
    page.on("request", lambda r: r.url.endswith("/webhook")
            and senders.append(json_body(r)["sender"]))
    chat.ask("Wie is de nationaal rapporteur?")
    assert senders == [new_sender]
    assert "Bolhaar" in chat.last_bot_text()


def test_clear_conversation_empties_screen_and_stored_copy(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    sender = chat.stored()["sender"]
    chat.button("Gesprek wissen").click()
    assert chat.bot_messages().count() == 0 and chat.user_messages().count() == 0
    stored = chat.stored()
    # Only the start is left: what this is, and the privacy note.
    assert [item["who"] for item in stored["items"]] == ["note", "note"]
    # The erased conversation's id is forgotten too (test_erasure_and_limits.py).
    assert sender and stored["sender"] is None
    assert "5 december" not in page.evaluate("JSON.stringify(sessionStorage)")
    page.wait_for_function("document.querySelector('.mhc-status').textContent"
                           " === 'Het gesprek is gewist.'")


@pytest.mark.parametrize(("name", "payload", "shown", "kind"), [
    ("Nuttig antwoord", "/feedback_positive", "👍", "up"),
    ("Niet nuttig antwoord", "/feedback_negative", "👎", "down"),
])
def test_feedback_buttons_send_payload_and_show_choice(chat: Chat, page, name, payload, shown,
                                                       kind) -> None:
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    answer = chat.bot_messages().last
    rating = answer.get_by_role("group", name="Was dit antwoord nuttig?")
    assert rating.get_by_role("button", name="Nuttig antwoord", exact=True).is_visible()
    assert rating.get_by_role("button", name="Niet nuttig antwoord", exact=True).is_visible()
    sent = sent_messages(page)
    rating.get_by_role("button", name=name, exact=True).focus()
    page.keyboard.press("Enter")
    chat.wait_for_bot_messages(2)
    assert sent == [payload]
    assert "Dank u" in chat.last_bot_text()
    assert shown in chat.user_messages().last.inner_text()
    assert "feedback" not in chat.log.inner_text()
    # One vote per answer, and the thank-you itself is not rated.
    assert answer.get_by_role("group").count() == 0
    assert chat.bot_messages().last.get_by_role("group").count() == 0
    assert chat.stored()["items"][-3]["rated"] == kind


def test_escape_closes_and_returns_focus_to_launcher(chat: Chat, page) -> None:
    chat.load()
    chat.launcher.focus()
    page.keyboard.press("Enter")
    assert chat.focused()["id"] == "mhc-input"
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert chat.launcher.get_attribute("aria-expanded") == "false"
    assert chat.focused()["text"].endswith("Stel uw vraag")
    # The close button does the same.
    page.keyboard.press("Enter")
    chat.button("Chat sluiten").click()
    assert chat.focused()["text"].endswith("Stel uw vraag")


def test_a_used_suggestion_is_disabled_also_after_a_reload(chat: Chat, page) -> None:
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(json=SUGGESTIONS),
               times=1)
    chat.load().open()
    chat.ask("debat")
    group = chat.log.get_by_role("group", name="Suggesties")
    examples = chat.log.get_by_role("group", name="Voorbeeldvragen").get_by_role("button")
    group.get_by_role("button", name="Wanneer is het debat?").click()
    chat.wait_for_bot_messages(2)
    assert [b.is_disabled() for b in group.get_by_role("button").all()] == [True, True]
    assert chat.focused()["id"] == "mhc-input", "focus must not stay on a disabled button"
    # The chosen one is marked; the example questions can still be asked.
    assert group.locator(".mhc-chosen").inner_text() == "Wanneer is het debat?"
    assert all(b.is_enabled() for b in examples.all())
    assert axe_violations(page) == ""

    page.reload()
    page.wait_for_selector(".mhc[data-ready]", state="attached")
    chat.open()
    assert [b.is_disabled() for b in group.get_by_role("button").all()] == [True, True]
    assert chat.stored()["items"][-3]["used"] == "/debate_date"


def test_the_dialog_is_described_by_the_112_line_and_the_privacy_note(chat: Chat, page) -> None:
    chat.load().open()
    dialog = page.get_by_role("dialog", name="Stel uw vraag")
    expect(dialog).to_have_accessible_description(re.compile(
        r"^In direct gevaar\? Bel 112\. .*Deel hier geen persoonlijke gegevens.*"
        r"Na 30 dagen worden de gesprekken verwijderd\.$"))
    # After "Gesprek wissen" the new privacy note describes the dialog again.
    chat.button("Gesprek wissen").click()
    expect(dialog).to_have_accessible_description(re.compile(r"persoonlijke gegevens"))
    assert page.locator("#mhc-privacy").count() == 1
