"""The page itself, the security headers, axe-core, layout at small sizes, screenshots."""
from __future__ import annotations

import gzip
import json
import re
import socket
import urllib.error
import urllib.request

import pytest

from bot.page import load_sections
from bot.web import SECURITY_HEADERS
from tests.browser.helpers import (
    ROOT,
    Chat,
    PageWatch,
    axe_violations,
    new_page,
    save_screenshot,
)

pytestmark = pytest.mark.browser

SUGGESTIONS = [{
    "recipient_id": "fake",
    "text": "Ik weet niet zeker wat u bedoelt. Bedoelt u een van deze onderwerpen?\n"
            "Meer staat op https://www.tweedekamer.nl/debat_en_vergadering.",
    "buttons": [
        {"title": "Wanneer is het debat?", "payload": "/debate_date"},
        {"title": "Iets anders", "payload": "/something_else"},
    ],
}]


def have_a_conversation(chat: Chat) -> None:
    """A transcript with every kind of content: note, question, answer, link, buttons."""
    if not chat.input.is_visible():
        chat.open()
    chat.ask("Wanneer is het debat?")
    chat.page.route("**/webhooks/rest/webhook",
                    lambda route: route.fulfill(json=SUGGESTIONS), times=1)
    chat.ask("debat")


def test_page_is_rendered_from_the_bot_content(chat: Chat, page) -> None:
    sections = load_sections()
    chat.load()
    assert page.get_attribute("html", "lang") == "nl"
    # As readers see it: "Uitgelicht: Mensenhandel", without the copy's stray space.
    assert page.get_by_role("heading", level=1).inner_text() == sections[0].title
    assert page.title() == "Uitgelicht: Mensenhandel | Tweede Kamer"
    assert page.locator("main h2").all_inner_texts() == [s.title for s in sections[1:]]
    bullets = sum(line.startswith("•") for s in sections for p in s.paragraphs
                  for line in p.split("\n"))
    assert bullets > 0 and page.locator("main li").count() == bullets
    for role in ("banner", "main", "contentinfo", "complementary"):
        assert page.get_by_role(role).count() == 1, role
    # Skip link first in the tab order, and it moves focus to the content.
    page.keyboard.press("Tab")
    assert chat.focused()["text"] == "Direct naar de inhoud"
    page.keyboard.press("Enter")
    assert chat.focused()["id"] == "inhoud"
    # "via deze link" leads somewhere real: the Tweede Kamer's home page (no guessed deep link).
    link = page.get_by_role("link", name="via deze link (website van de Tweede Kamer)")
    assert link.get_attribute("href") == "https://www.tweedekamer.nl/"


def test_security_headers_and_no_inline_code(servers) -> None:
    for path in ("/", "/static/widget.js", "/static/widget.css", "/static/page.css",
                 "/webhooks/rest/ready", "/nope"):
        try:
            response = urllib.request.urlopen(f"{servers.web_url}{path}", timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for name, value in SECURITY_HEADERS.items():
                assert response.headers[name] == value, (path, name)
            if path == "/":
                html = response.read().decode()
    assert "style=" not in html and "<style" not in html
    assert html.count("<script") == html.count('<script src="/static/widget.js?v=') == 1
    assert "frame-ancestors 'none'" in SECURITY_HEADERS["Content-Security-Policy"]


def test_widget_sets_no_inline_styles_and_uses_no_html_parsing(chat: Chat, page) -> None:
    chat.load()
    have_a_conversation(chat)
    assert page.locator("[style]").count() == 0
    # Comments may name what the code avoids; only the code itself is checked.
    source = re.sub(r"/\*.*?\*/|^\s*//.*$", "", (ROOT / "web" / "widget.js").read_text(),
                    flags=re.DOTALL | re.MULTILINE)
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function",
                      "document.write", ".style."):
        assert forbidden not in source, forbidden


def test_axe_finds_no_violations_closed_open_and_in_conversation(chat: Chat, page) -> None:
    chat.load()
    assert axe_violations(page) == ""
    chat.open()
    assert axe_violations(page) == ""
    have_a_conversation(chat)
    assert axe_violations(page) == ""
    # The error state too: alert with its retry button.
    page.route("**/webhooks/rest/webhook", lambda route: route.abort(), times=1)
    chat.input.fill("Wanneer is het debat?")
    chat.input.press("Enter")
    chat.alert.get_by_role("button", name="Opnieuw proberen").wait_for()
    assert axe_violations(page) == ""


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("widget-desktop-1280.png", {"viewport": {"width": 1280, "height": 800}}),
        ("widget-mobile-320.png", {"viewport": {"width": 320, "height": 640}}),
        # 1280×800 at 200 % zoom is a 640×400 CSS-pixel window drawn at scale 2.
        ("widget-zoom-200.png", {"viewport": {"width": 640, "height": 400},
                                 "device_scale_factor": 2}),
    ],
)
def test_open_widget_fits_and_is_captured(browser, servers, name, options) -> None:
    watch = PageWatch()
    context, page = new_page(browser, watch, **options)
    try:
        chat = Chat(page, servers.web_url).load()
        have_a_conversation(chat)
        width = options["viewport"]["width"]
        height = options["viewport"]["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for control in (chat.input, chat.button("Versturen"), chat.button("Snel weg"),
                        chat.button("Chat sluiten"), chat.button("Nieuw gesprek")):
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, name
            assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, name
            assert box["width"] >= 24 and box["height"] >= 24
        chat.input.focus()
        path = save_screenshot(page, name)
        assert path.stat().st_size > 0
        assert axe_violations(page) == ""
    finally:
        context.close()
    assert not watch.page_errors and not watch.dialogs


def test_no_motion_when_reduced_motion_is_asked(browser, servers) -> None:
    for setting, expected in (("reduce", "0s"), ("no-preference", "0.15s")):
        context, page = new_page(browser, PageWatch(), reduced_motion=setting)
        try:
            chat = Chat(page, servers.web_url).load()
            chat.open()
            duration = page.evaluate(
                "getComputedStyle(document.querySelector('.mhc-send')).transitionDuration")
            assert duration == expected, setting
            if setting == "reduce":
                assert page.evaluate("document.getAnimations().length") == 0
        finally:
            context.close()


def test_widget_stays_small() -> None:
    js = (ROOT / "web" / "widget.js").read_bytes()
    css = (ROOT / "web" / "widget.css").read_bytes()
    size = len(gzip.compress(js, 9)) + len(gzip.compress(css, 9))
    print(f"widget.js + widget.css gzipped: {size} bytes")
    # Was 12,000: the crisis card (rendering, checking its links, no rating under it, the
    # bilingual 112 line with tel: links) adds about 0.9 KB gzipped and would only fit
    # by deleting the file's explanatory comments. Still about a third of the raw size.
    assert size < 14_000


def _request(url: str, data: bytes | None = None, method: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"},
                                     method=method)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def test_proxy_passes_the_contract_through_and_guards_its_edges(in_process_web,
                                                               monkeypatch) -> None:
    import bot.web

    base = in_process_web.url
    assert _request(f"{base}/webhooks/rest/ready")[0] == 200
    status, issued = _request(f"{base}/webhooks/rest/conversations", b"", "POST")
    assert status == 201 and issued["sender"]
    status, replies = _request(f"{base}/webhooks/rest/webhook", json.dumps(
        {"sender": issued["sender"], "message": "Wanneer is het debat?"}).encode())
    assert status == 200 and "5 december 2019" in replies[0]["text"]
    # The bot's own JSON errors come through unchanged.
    status, error = _request(f"{base}/webhooks/rest/webhook", b"{kapot")
    assert status == 400 and error["message"]
    status, error = _request(f"{base}/webhooks/rest/webhook", b"x" * (70 * 1024))
    assert status == 413 and error["error"] == "request_too_large"
    assert _request(f"{base}/webhooks/rest/../../model")[0] == 404
    assert _request(f"{base}/webhooks/%2e%2e/status")[0] == 404
    assert _request(f"{base}/", b"{}", "POST")[0] == 405

    # A bot that accepts the connection but never answers: 504 after the proxy time-out.
    monkeypatch.setattr(bot.web, "PROXY_TIMEOUT_S", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        in_process_web.point_at(f"http://127.0.0.1:{silent.getsockname()[1]}")
        status, error = _request(f"{base}/webhooks/rest/ready")
    assert status == 504 and error["error"] == "bot_timeout" and "niet op tijd" in error["message"]


RESOURCE_SIZES = """() => performance.getEntriesByType('resource')
    .filter(e => /\\/static\\/(widget|page)\\.(js|css)/.test(e.name))
    .map(e => [new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize, e.transferSize])"""


def test_the_browser_gets_the_files_gzipped_and_from_its_cache_the_next_time(
        browser, servers) -> None:
    # A context of its own: Playwright switches the browser's cache off once a route is
    # set, and new_page() sets one.
    context = browser.new_context(locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(servers.web_url)
        page.get_by_role("button", name="Stel uw vraag").wait_for()
        # The widget's stylesheet is linked from the page head, once (the widget adds none).
        assert page.locator(
            "head link[rel=stylesheet][href^='/static/widget.css?v=']").count() == 1
        assert page.locator("link[href*='widget.css']").count() == 1
        first = page.evaluate(RESOURCE_SIZES)
        assert sorted(path for path, *_ in first) == [
            "/static/page.css", "/static/widget.css", "/static/widget.js"]
        for path, encoded, decoded, _transfer in first:
            assert 0 < encoded < decoded / 2, (path, encoded, decoded)
        # Another visit (a new address, not a reload): nothing is downloaded again.
        page.goto(f"{servers.web_url}/?opnieuw")
        page.get_by_role("button", name="Stel uw vraag").wait_for()
        again = page.evaluate(RESOURCE_SIZES)
        assert len(again) == 3
        assert all(transfer == 0 for _path, _encoded, _decoded, transfer in again), again
    finally:
        context.close()
