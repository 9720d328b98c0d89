"""The crisis card under a safety answer, and the permanent 112 line (issue 14)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import Chat, PageWatch, axe_violations, new_page, save_screenshot

pytestmark = pytest.mark.browser

WEBHOOK = "**/webhooks/rest/webhook"
HREFS = ["tel:112", "tel:09008844", "tel:08007000", "https://www.comensha.nl"]
NUMBERS = ["112", "0900-8844", "0800-7000", "www.comensha.nl"]
RATING = "Was dit antwoord nuttig?"


def _card_links(card: Any) -> list[Any]:
    return card.locator("a").all()


def _assert_tap_targets(card: Any) -> None:
    for link in _card_links(card):
        box = link.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, (link.inner_text(), box)


def test_danger_shows_the_crisis_card_without_rating(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("ik word bedreigd en durf niet naar huis")
    answer = chat.bot_messages().last
    # The numbers stay in the answer's own text (other clients read only that).
    assert "112" in chat.last_bot_text() and "0900-8844" in chat.last_bot_text()
    card = answer.locator(".mhc-card")
    assert card.count() == 1 and card.is_visible()
    assert card.get_attribute("lang") is None, "a Dutch card needs no lang of its own"
    links = _card_links(card)
    assert [link.get_attribute("href") for link in links] == HREFS
    # Every number is visible as text: a tel: link does nothing on most desktops.
    for link, number in zip(links, NUMBERS):
        assert link.is_visible() and number in link.inner_text()
        assert link.locator(".mhc-card-number").inner_text() == number
    assert "Politie" in links[1].inner_text() and "Meld Misdaad Anoniem" in links[2].inner_text()
    assert "CoMensha" in links[3].inner_text()
    assert links[3].get_attribute("rel") == "noopener noreferrer"
    assert links[3].get_attribute("target") == "_blank"
    _assert_tap_targets(card)
    # No rating under a crisis answer, nor anywhere in that reply.
    assert answer.get_by_role("group", name=RATING).count() == 0
    assert chat.log.get_by_role("button", name="Nuttig antwoord", exact=True).count() == 0
    assert chat.log.locator(".mhc-rating").count() == 0
    assert axe_violations(page) == ""
    card.scroll_into_view_if_needed()
    save_screenshot(page, "crisis-card.png")

    # A reload keeps the card, still without rating.
    page.reload()
    page.wait_for_selector(".mhc[data-ready]", state="attached")
    chat.open()
    card = chat.bot_messages().last.locator(".mhc-card")
    assert [link.get_attribute("href") for link in _card_links(card)] == HREFS
    assert chat.log.locator(".mhc-rating").count() == 0

    # An ordinary answer afterwards: no card, and it can be rated.
    chat.ask("Wanneer is het debat?")
    answer = chat.bot_messages().last
    assert "5 december 2019" in chat.last_bot_text()
    assert answer.locator(".mhc-card").count() == 0
    assert answer.get_by_role("group", name=RATING).count() == 1
    assert chat.log.locator(".mhc-card").count() == 1


def test_danger_in_english_gets_the_card_in_english(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("please help, they locked me in")
    assert "In danger? Call 112 now." in chat.last_bot_text()
    card = chat.bot_messages().last.locator(".mhc-card")
    assert card.get_attribute("lang") == "en"
    assert card.locator(".mhc-card-title").inner_text() == "In danger or need help?"
    links = _card_links(card)
    assert [link.get_attribute("href") for link in links] == HREFS
    assert "Emergency number" in links[0].inner_text()
    assert "Police" in links[1].inner_text()
    assert links[3].locator(".mhc-sr").text_content() == " (opens in a new window)"
    for link, number in zip(links, NUMBERS):
        assert number in link.inner_text()
    _assert_tap_targets(card)
    assert chat.log.locator(".mhc-rating").count() == 0
    assert axe_violations(page) == ""


def test_the_112_line_is_in_dutch_and_english_with_tel_links(chat: Chat, page) -> None:
    chat.load().open()
    line = page.locator("#mhc-danger")
    assert line.inner_text() == "In direct gevaar? Bel 112. · In danger? Call 112."
    assert [a.get_attribute("href") for a in line.locator("a").all()] == ["tel:112", "tel:112"]
    english = line.locator("[lang='en']")
    assert english.inner_text() == "In danger? Call 112."
    assert english.locator("a[href='tel:112']").count() == 1


def test_a_card_with_a_foreign_link_or_markup_shows_only_what_is_safe(chat: Chat, page, watch) -> None:
    card = {"lang": "en", "dir": "ltr", "title": "<img src=x onerror=alert(1)>", "new_window": "",
            "links": [
                {"label": "Bad", "shown": "1", "href": "javascript:alert(1)"},
                {"label": "Bad too", "shown": "x", "href": "http://example.org"},
                {"label": "<b>Emergency</b>", "shown": "112", "href": "tel:112"},
            ]}
    page.route(WEBHOOK, lambda route: route.fulfill(json=[
        {"recipient_id": "fake", "text": "Call 112."},
        {"recipient_id": "fake", "custom": {"crisis_card": card}},
    ]), times=1)
    chat.load().open()
    chat.ask("test")
    shown = chat.bot_messages().last.locator(".mhc-card")
    assert [a.get_attribute("href") for a in shown.locator("a").all()] == ["tel:112"]
    assert "<b>Emergency</b>" in shown.inner_text()
    assert "<img src=x onerror=alert(1)>" in shown.inner_text()
    assert chat.log.locator("img, b, [onerror]").count() == 0
    assert chat.bot_messages().count() == 1, "the card goes with its answer, not on its own"
    assert chat.log.locator(".mhc-rating").count() == 0
    assert watch.dialogs == []


def test_the_card_fits_a_phone_and_reads_right_to_left_in_arabic(browser, servers) -> None:
    watch = PageWatch()
    context, page = new_page(browser, watch, viewport={"width": 320, "height": 640}, has_touch=True)
    try:
        chat = Chat(page, servers.web_url).load().open()
        chat.ask("ساعدوني، صاحب العمل أخذ جواز سفري ولا يسمح لي بالخروج")
        card = chat.bot_messages().last.locator(".mhc-card")
        assert "112" in chat.last_bot_text()
        assert card.get_attribute("lang") == "ar" and card.get_attribute("dir") == "rtl"
        assert [link.get_attribute("href") for link in _card_links(card)] == HREFS
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        for link in _card_links(card):
            link.scroll_into_view_if_needed()
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320.5
        _assert_tap_targets(card)
        assert chat.log.locator(".mhc-rating").count() == 0
        card.scroll_into_view_if_needed()
        save_screenshot(page, "crisis-card-320-ar.png")
        assert axe_violations(page) == ""
    finally:
        context.close()
    assert not watch.page_errors and not watch.dialogs
