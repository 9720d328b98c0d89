"""Links in answers (issue 14): real links from the answer's payload, tel: links, lists as
lists, the "Bron:" line linking to its section of the page, and nothing unsafe."""
from __future__ import annotations

import pytest

from tests.browser.helpers import OUTPUT_DIR, Chat, axe_violations, save_screenshot

pytestmark = pytest.mark.browser

WEBHOOK = "**/webhooks/rest/webhook"
NEW_WINDOW = " (opent in een nieuw venster)"


def test_an_answer_shows_its_links_list_and_source(chat: Chat, page) -> None:
    chat.load().open()

    # A list: the forms of exploitation, as a <ul> inside the answer.
    chat.ask("Wat voor vormen van mensenhandel zijn er allemaal?")
    answer = chat.bot_messages().last
    items = answer.locator(".mhc-text ul > li")
    assert items.count() == 3
    assert items.nth(0).inner_text().startswith("Arbeidsuitbuiting:")
    assert items.nth(2).inner_text().startswith("Criminele uitbuiting:")
    assert "- " not in answer.locator(".mhc-text").inner_text()
    # "Bron:" links to the section of this page, whose heading has that id.
    source = answer.get_by_role("link", name="onderdeel ‘Wat is mensenhandel?’")
    assert source.get_attribute("href") == "/#wat-is-mensenhandel"
    assert source.get_attribute("target") is None
    assert page.locator("h2#wat-is-mensenhandel").count() == 1
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    answer.screenshot(path=str(OUTPUT_DIR / "answer-list.png"))

    # A web link: the words are the link, the site is not repeated after them.
    chat.ask("Waar lees ik het verslag van het overleg?")
    answer = chat.bot_messages().last
    site = answer.get_by_role("link", name="tweedekamer.nl" + NEW_WINDOW)
    assert site.get_attribute("href") == "https://www.tweedekamer.nl"
    assert site.get_attribute("rel") == "noopener noreferrer" and site.get_attribute("target") == "_blank"
    assert answer.get_by_role("link", name="onderdeel ‘Agenda en verslag’").get_attribute("href") == \
        "/#agenda-en-verslag"

    # Help lines as tel: links, the numbers written out.
    chat.ask("Waar meld ik een vermoeden van mensenhandel?")
    answer = chat.bot_messages().last
    text = answer.locator(".mhc-text")
    assert text.get_by_role("link", name="0900-8844", exact=True).first.get_attribute("href") == "tel:09008844"
    # In the answer and again in its "Bron:" line.
    abroad = text.get_by_role("link", name="+31 343 578 844", exact=True)
    assert [a.get_attribute("href") for a in abroad.all()] == ["tel:+31343578844"] * 2
    assert text.get_by_role("link", name="comensha.nl" + NEW_WINDOW).first.get_attribute("href") == \
        "https://www.comensha.nl"
    assert "0900-8844" in chat.last_bot_text() and "0800-7000" in chat.last_bot_text()

    assert axe_violations(page) == ""
    save_screenshot(page, "answer-links.png")

    # Stored with the transcript: a reload shows the same links and list.
    page.reload()
    page.wait_for_selector(".mhc[data-ready]", state="attached")
    chat.open()
    assert chat.log.locator(".mhc-text ul > li").count() == 3
    assert chat.log.locator("a[href='/#wat-is-mensenhandel']").count() == 1
    assert chat.log.locator("a[href='https://www.tweedekamer.nl']").count() == 1
    assert chat.log.locator(".mhc-text a[href='tel:+31343578844']").count() == 2


def test_the_source_link_moves_focus_to_the_section_without_a_history_entry(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("Wat voor vormen van mensenhandel zijn er allemaal?")
    length = page.evaluate("history.length")
    chat.bot_messages().last.get_by_role("link", name="onderdeel ‘Wat is mensenhandel?’").click()
    assert page.evaluate("document.activeElement.id") == "wat-is-mensenhandel"
    assert page.evaluate("[history.length, location.hash]") == [length, ""]


def test_the_source_link_closes_a_chat_that_fills_the_window(chat: Chat, page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    chat.load().open()
    chat.ask("Wat voor vormen van mensenhandel zijn er allemaal?")
    chat.bot_messages().last.get_by_role("link", name="onderdeel ‘Wat is mensenhandel?’").click()
    assert page.evaluate("document.activeElement.id") == "wat-is-mensenhandel"
    assert page.locator("#mhc-panel").is_hidden()
    assert page.locator("#wat-is-mensenhandel").is_visible()


FORGED = [{
    "recipient_id": "fake",
    "text": "Eerst:\n- een klik hier\n- bel 0900-8844 of http-site\nBron: onderdeel ‘X’.",
    "buttons": [],
}, {"recipient_id": "fake", "custom": {"links": [
    {"text": "klik hier", "plain": "klik hier", "href": "javascript:alert(1)"},
    {"text": "<img src=x onerror=alert(1)>", "plain": "0900-8844", "href": "tel:09008844"},
    {"text": "http-site", "plain": "http-site", "href": "http://www.tweedekamer.nl"},
    {"text": "onderdeel ‘X’", "plain": "onderdeel ‘X’", "href": "//evil.example/#x"},
    {"text": "kapot", "plain": "", "href": "https://www.tweedekamer.nl"},
    "geen link",
]}}]


def test_forged_links_are_dropped_and_shown_as_text(chat: Chat, page, watch) -> None:
    page.route(WEBHOOK, lambda route: route.fulfill(json=FORGED), times=1)
    chat.load().open()
    chat.ask("test")
    answer = chat.bot_messages().last
    hrefs = [a.get_attribute("href") for a in answer.locator("a").all()]
    # Only the tel: link survives; its words go in as text, never as markup.
    assert hrefs == ["tel:09008844"]
    assert answer.locator("a").inner_text() == "<img src=x onerror=alert(1)>"
    assert chat.log.locator("img, [onerror]").count() == 0
    assert answer.locator("ul > li").count() == 2
    assert "klik hier" in answer.inner_text() and "onderdeel ‘X’" in answer.inner_text()
    assert watch.dialogs == []
