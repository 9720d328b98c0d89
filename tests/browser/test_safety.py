"""Hostile answers, failures and the quick exit."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.browser.helpers import EXIT_URL, STORE_KEY, Chat, free_port, json_body

pytestmark = pytest.mark.browser

WEBHOOK = "**/webhooks/rest/webhook"

HOSTILE = [{
    "recipient_id": "fake",
    "text": ("Kijk <img src=x onerror=alert(1)> en <script>alert(2)</script>, "
             "[klik](javascript:alert(1)) of javascript:alert(1). "
             "Meer op https://www.tweedekamer.nl/debat."),
    "buttons": [{"title": "<img src=x onerror=alert(3)>", "payload": "/debate_date"}],
}]


def test_markup_and_javascript_links_in_answers_stay_inert_text(chat: Chat, page, watch) -> None:
    page.route(WEBHOOK, lambda route: route.fulfill(json=HOSTILE), times=1)
    chat.load().open()
    chat.ask("test")
    page.wait_for_timeout(300)
    text = chat.last_bot_text()
    assert "<img src=x onerror=alert(1)>" in text
    assert "<script>alert(2)</script>" in text
    assert "javascript:alert(1)" in text
    assert chat.log.locator("img, script, [onerror]").count() == 0
    assert page.locator("[onerror]").count() == 0
    assert chat.log.locator("a[href^='javascript' i]").count() == 0
    # Only the real web address of the answer becomes a link (the start notes hold tel: links).
    links = chat.bot_messages().last.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "https://www.tweedekamer.nl/debat"
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    assert links.first.get_attribute("target") == "_blank"
    assert chat.log.get_by_role("button", name="<img src=x onerror=alert(3)>").is_visible()
    assert watch.dialogs == []


def test_the_help_lines_of_the_crisis_answer_can_be_tapped(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("ik word bedreigd en durf niet naar huis")
    links = {a.inner_text().replace("(opent in een nieuw venster)", "").strip(): a.get_attribute("href")
             for a in chat.log.locator("a").all()}
    assert links.get("112") == "tel:112"
    assert links.get("comensha.nl", "").startswith("https://www.comensha.nl")
    # Only the help lines: an ordinary number in the same text is no link.
    page.route(WEBHOOK, lambda route: route.fulfill(json=[{
        "recipient_id": "fake", "text": "Bel 0900-8844 of 06-12345678, niet 1120."}]), times=1)
    chat.ask("nog een vraag")
    last = chat.log.locator(".mhc-bot").last
    hrefs = [a.get_attribute("href") for a in last.locator("a").all()]
    assert hrefs == ["tel:09008844"]


def test_markup_typed_by_the_user_is_shown_as_text(chat: Chat, page, watch) -> None:
    chat.load().open()
    chat.ask("<b>wat is</b> <img src=x onerror=alert(1)> mensenhandel")
    assert "<img src=x onerror=alert(1)>" in chat.user_messages().last.inner_text()
    assert chat.log.locator("img, b").count() == 0
    assert "uitbuiting" in chat.last_bot_text()
    assert watch.dialogs == []


def test_network_failure_shows_alert_and_retry_answers_once_back(chat: Chat, page) -> None:
    chat.load().open()
    page.route(WEBHOOK, lambda route: route.abort("connectionrefused"))
    chat.input.fill("Wanneer is het debat?")
    chat.input.press("Enter")
    chat.alert.get_by_role("button", name="Opnieuw proberen").wait_for()
    assert "geen verbinding" in chat.alert.inner_text()
    page.unroute(WEBHOOK)
    chat.alert.get_by_role("button", name="Opnieuw proberen").click()
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()
    assert chat.alert.inner_text() == ""
    assert chat.user_messages().count() == 1, "a retry must not repeat the question"
    assert chat.focused()["id"] == "mhc-input", "focus must not be lost with the retry button"


def test_stopped_bot_gives_502_from_proxy_and_retry_works_after_restart(
        page, in_process_web) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    in_process_web.point_at(dead)
    request = urllib.request.Request(f"{in_process_web.url}/webhooks/rest/webhook",
                                     b'{"sender": "x", "message": "hallo"}',
                                     {"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(request, timeout=15)
    assert failure.value.code == 502
    body = json.load(failure.value)
    assert body["error"] == "bot_unreachable" and "niet bereikbaar" in body["message"]

    chat = Chat(page, in_process_web.url).load().open()
    chat.input.fill("Wanneer is het debat?")
    chat.input.press("Enter")
    retry = chat.alert.get_by_role("button", name="Opnieuw proberen")
    retry.wait_for()
    in_process_web.point_at(in_process_web.rasa_url)
    retry.click()
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()
    assert chat.alert.inner_text() == ""


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"json": []}, "geen antwoord"),
        ({"status": 400, "json": {"error": "invalid_json", "message": "Dit bericht kon ik niet"
                                  " lezen."}}, "Dit bericht kon ik niet lezen."),
        ({"status": 500, "body": "Internal Server Error"}, "niet bereikbaar"),
        # The page server or the bot gave up waiting: said as a time-out, in plain Dutch.
        ({"status": 504, "json": {"error": "bot_timeout", "message": "De assistent reageert "
                                  "niet op tijd. Probeer het zo opnieuw."}},
         "De assistent reageert niet op tijd. Probeer het opnieuw."),
        ({"status": 408, "json": {"error": "request_timeout"}},
         "De assistent reageert niet op tijd. Probeer het opnieuw."),
    ],
    ids=["empty-reply", "http-400", "http-500", "http-504", "http-408"],
)
def test_bad_replies_show_alert_and_retry(chat: Chat, page, reply, expected) -> None:
    page.route(WEBHOOK, lambda route: route.fulfill(**reply), times=1)
    chat.load().open()
    chat.input.fill("Wanneer is het debat?")
    chat.input.press("Enter")
    retry = chat.alert.get_by_role("button", name="Opnieuw proberen")
    retry.wait_for()
    assert expected in chat.alert.inner_text()
    retry.click()
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()


def test_time_out_shows_alert_and_retry_works(chat: Chat, page, servers) -> None:
    def shorter_time_out(route) -> None:
        response = route.fetch()
        html = response.text().replace('data-timeout-ms="15000"', 'data-timeout-ms="1500"')
        assert 'data-timeout-ms="1500"' in html
        route.fulfill(response=response, body=html)

    held = []
    page.route(f"{servers.web_url}/", shorter_time_out)
    # Never answered: only the widget's own time-out can end this request.
    page.route(WEBHOOK, lambda route: held.append(route), times=1)
    chat.load().open()
    chat.input.fill("Wanneer is het debat?")
    chat.input.press("Enter")
    retry = chat.alert.get_by_role("button", name="Opnieuw proberen")
    retry.wait_for(timeout=5000)
    assert "niet op tijd" in chat.alert.inner_text()
    assert len(held) == 1
    retry.click()
    chat.wait_for_bot_messages(1)
    assert "5 december 2019" in chat.last_bot_text()


@pytest.mark.parametrize("refused", [
    {"error": "unknown_sender", "message": "Dit gesprek is onbekend."},
    # An issued id is refused after 30 minutes without a message.
    {"error": "expired_sender", "message": "Dit gesprek is verlopen omdat het een half uur stil was."},
], ids=["unknown", "expired"])
def test_a_refused_sender_starts_a_new_conversation_and_resends_once(chat: Chat, page, refused) -> None:
    page.route(WEBHOOK, lambda route: route.fulfill(status=403, json=refused), times=1)
    issued: list[str] = []
    page.on("response", lambda r: r.url.endswith("/conversations")
            and issued.append(r.json()["sender"]))
    senders: list[str] = []
    page.on("request", lambda r: r.url.endswith("/webhook")
            and senders.append(json_body(r)["sender"]))
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    assert "5 december 2019" in chat.last_bot_text()
    assert "nieuw gesprek gestart" in chat.log.inner_text()
    assert len(issued) == 2 and issued[0] != issued[1]
    assert senders == issued
    assert chat.stored()["sender"] == issued[1]
    assert chat.alert.inner_text() == ""


def test_quick_exit_is_always_visible_and_leaves_no_trace(chat: Chat, page, servers) -> None:
    chat.load()
    # With the panel closed: the page's own link (test_quick_exit.py); the widget adds
    # no second one to the dock.
    assert page.get_by_role("link", name="Snel weg").is_visible(), \
        "quick exit must show with the panel closed"
    assert chat.button("Snel weg").count() == 0
    chat.open()
    assert chat.button("Snel weg").is_visible()
    assert chat.page.get_by_text("In direct gevaar? Bel 112.").is_visible()
    chat.ask("Wanneer is het debat?")
    assert chat.stored() is not None

    chat.button("Snel weg").click()
    page.wait_for_url(f"{EXIT_URL}**")
    assert page.title() == "Elders"
    # location.replace(): Back must not lead to the conversation.
    page.go_back()
    assert not page.url.startswith(servers.web_url)

    page.goto(servers.web_url)
    chat.launcher.wait_for()
    assert page.evaluate("key => sessionStorage.getItem(key)", STORE_KEY) is None
    chat.open()
    assert chat.bot_messages().count() == 0 and chat.user_messages().count() == 0
