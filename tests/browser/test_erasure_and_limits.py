"""Erasure on request ("Gesprek wissen") and the rate limit (429); expired ids: test_safety.py."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.browser.helpers import STORE_KEY, Chat, json_body

pytestmark = pytest.mark.browser

WEBHOOK = "**/webhooks/rest/webhook"
CONVERSATION = "**/webhooks/rest/conversations/*"
CLEARED = "Het gesprek is gewist."
CLEARED_HERE = ("Het gesprek is hier gewist. De kopie op de server wordt na 30 dagen "
                "automatisch verwijderd.")


def stored_events(db: Path, key: str) -> int:
    # Read-only, so the test can never be the one that removed the rows.
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        (count,) = connection.execute("SELECT count(*) FROM events WHERE sender_id = ?",
                                      (key,)).fetchone()
    return count


def wait_for_status(page, text: str) -> None:
    page.wait_for_function("t => document.querySelector('.mhc-status').textContent === t",
                           arg=text, timeout=10_000)


def test_clear_conversation_erases_it_on_the_server(chat: Chat, page, servers) -> None:
    erasures: list[str] = []
    page.on("request", lambda r: r.method == "DELETE" and erasures.append(r.url))
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    sender = chat.stored()["sender"]
    key = servers.bot.storage_key(sender)
    db = servers.bot.tracker_db
    assert stored_events(db, key) > 0, "the question was not stored: wrong database or key"

    chat.button("Gesprek wissen").click()
    wait_for_status(page, CLEARED)
    assert erasures == [f"{servers.web_url}/webhooks/rest/conversations/{sender}"]
    assert stored_events(db, key) == 0
    assert chat.bot_messages().count() == 0 and chat.user_messages().count() == 0
    assert chat.stored()["sender"] is None

    # The next question starts a new conversation, not linked to the erased one.
    senders: list[str] = []
    page.on("request", lambda r: r.url.endswith("/webhook")
            and senders.append(json_body(r)["sender"]))
    chat.ask("Wie is de nationaal rapporteur?")
    assert "Bolhaar" in chat.last_bot_text()
    assert senders and senders[0] != sender
    assert stored_events(db, key) == 0


@pytest.mark.parametrize("failure", ["network", "server error"])
def test_failed_erasure_still_clears_here_and_says_when_the_server_copy_goes(
        chat: Chat, page, failure: str) -> None:
    if failure == "network":
        page.route(CONVERSATION, lambda route: route.abort("connectionrefused"))
    else:
        page.route(CONVERSATION, lambda route: route.fulfill(status=502, json={
            "error": "bot_unreachable", "message": "De assistent is nu niet bereikbaar."}))
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    chat.button("Gesprek wissen").click()
    wait_for_status(page, CLEARED_HERE)
    assert chat.bot_messages().count() == 0 and chat.user_messages().count() == 0
    assert "5 december" not in page.evaluate("JSON.stringify(sessionStorage)")
    assert chat.stored()["sender"] is None
    assert chat.alert.inner_text() == ""


@pytest.mark.parametrize(("reply", "expected"), [
    ({"error": "too_many_requests",
      "message": "U stuurt veel berichten kort na elkaar. Wacht u 4 seconden en stuur uw vraag "
                 "dan opnieuw."}, "Wacht u 4 seconden"),
    ({"error": "too_many_requests"}, ("Even rustig aan: u stuurt veel berichten. "
                                     "Probeer het over een paar seconden opnieuw.")),
])
def test_too_many_requests_shows_the_reason_and_keeps_the_question(chat: Chat, page, reply,
                                                                   expected) -> None:
    page.route(WEBHOOK, lambda route: route.fulfill(status=429, json=reply,
                                                    headers={"Retry-After": "4"}), times=1)
    chat.load().open()
    chat.input.fill("Wanneer is het debat?")
    chat.input.press("Enter")
    chat.alert.get_by_text(expected).wait_for(timeout=10_000)
    # Nothing lost: the question is back in the input, not as an unanswered message.
    assert chat.input.input_value() == "Wanneer is het debat?"
    assert chat.user_messages().count() == 0
    assert "Wanneer is het debat?" not in page.evaluate(
        "key => sessionStorage.getItem(key)", STORE_KEY)
    assert chat.page.locator("#mhc-count").inner_text().startswith("21/1000")
    # Sending it again works once the bot accepts it.
    chat.input.press("Enter")
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()
    assert chat.user_messages().count() == 1
    assert chat.alert.inner_text() == ""
