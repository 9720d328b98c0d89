"""Quick exit in the page itself: without JavaScript, before it, by the Shift key, and
never back by Back; in-page links add no history; a reload does not reopen the chat."""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import EXIT_URL, STORE_KEY, Chat, PageWatch, axe_violations, new_page

pytestmark = pytest.mark.browser

# Routed like EXIT_URL (helpers.new_page): a page visited before ours, so Back has
# somewhere to go and the test can see where it leads.
BEFORE = f"{EXIT_URL}vorige-pagina"


def exit_link(page: Any) -> Any:
    return page.get_by_role("link", name="Snel weg", exact=True)


def assert_top_right_and_tappable(page: Any, width: int) -> None:
    box = exit_link(page).bounding_box()
    assert box is not None
    assert box["y"] < 80 and box["x"] + box["width"] <= width and box["x"] > width / 2, box
    assert box["height"] >= 44 and box["width"] >= 44, box


@pytest.mark.parametrize("case", ["no JavaScript", "script still loading"])
def test_quick_exit_is_in_the_page_and_works_without_or_before_javascript(browser, servers,
                                                                          case) -> None:
    watch = PageWatch()
    held: list[Any] = []
    options = {"java_script_enabled": False} if case == "no JavaScript" else {}
    context, page = new_page(browser, watch, viewport={"width": 320, "height": 640}, **options)
    try:
        if case == "script still loading":
            # The widget's script never arrives (slow 3G at its worst).
            page.route("**/static/widget.js*", lambda route: held.append(route))
        page.goto(servers.web_url, wait_until="commit")
        exit_link(page).wait_for()
        # Styled by the stylesheet linked from the head: a button in the top corner.
        assert_top_right_and_tappable(page, 320)
        assert page.get_by_text("Veilig lezen: gebruik een privévenster.").is_visible()
        assert "druk 3 keer op de Shift-toets" in page.locator("header").inner_text()
        assert page.get_by_role("button", name="Stel uw vraag").count() == 0, \
            "the widget must not be there yet"
        exit_link(page).click()
        page.wait_for_url(EXIT_URL)
        assert page.title() == "Elders"
        if case == "script still loading":
            assert len(held) == 1
    finally:
        context.close()
    assert not watch.page_errors and not watch.dialogs


def test_back_after_quick_exit_does_not_return_even_after_the_skip_link(chat: Chat, page,
                                                                         servers) -> None:
    page.goto(BEFORE)
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    page.keyboard.press("Escape")
    length = page.evaluate("history.length")
    # The skip link moves focus without a history entry (an #anchor would add one,
    # and Back after the quick exit would show this page again).
    page.get_by_role("link", name="Direct naar de inhoud").focus()
    page.keyboard.press("Enter")
    assert chat.focused()["id"] == "inhoud"
    assert page.evaluate("[history.length, location.hash]") == [length, ""]
    # So does a link to a section further down the page.
    page.evaluate("""() => { const a = document.createElement('a'); a.href = '#wat-is-mensenhandel';
        a.textContent = 'Naar het kopje'; document.querySelector('article').prepend(a); }""")
    page.get_by_role("link", name="Naar het kopje").click()
    assert chat.focused()["id"] == "wat-is-mensenhandel"
    assert page.evaluate("[history.length, location.hash]") == [length, ""]

    # Now the page's own quick exit, with JavaScript: it replaces this page in the history.
    exit_link(page).click()
    page.wait_for_url(EXIT_URL)
    assert page.evaluate("history.length") == length
    page.go_back()
    page.wait_for_url(BEFORE)
    assert not page.url.startswith(servers.web_url)
    # Nothing of the conversation is kept for the next visit.
    page.goto(servers.web_url)
    chat.launcher.wait_for()
    assert page.evaluate("key => sessionStorage.getItem(key)", STORE_KEY) is None


def test_shift_pressed_alone_three_times_leaves_but_typing_capitals_never_does(
        chat: Chat, page, servers) -> None:
    page.goto(BEFORE)
    chat.load().open()
    chat.input.focus()
    # Capitals, one at a time and with Shift held down: typing, not leaving.
    for _ in range(3):
        page.keyboard.press("Shift+KeyA")
    page.keyboard.down("Shift")
    for key in ("KeyB", "KeyC", "KeyD"):
        page.keyboard.press(key)
    page.keyboard.up("Shift")
    # Another key between the presses starts the count again.
    for key in ("Shift", "Shift", "KeyE", "Shift"):
        page.keyboard.press(key)
    page.wait_for_timeout(1100)
    # Three presses, but spread over more than a second.
    for _ in range(3):
        page.keyboard.press("Shift")
        page.wait_for_timeout(600)
    page.wait_for_timeout(500)
    assert page.url.startswith(servers.web_url)
    assert chat.input.input_value() == "AAABCDe"

    page.wait_for_timeout(1100)
    chat.input.fill("Wanneer is het debat?")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)
    # location.replace(): Back goes to the page before ours, not to ours.
    page.go_back()
    page.wait_for_url(BEFORE)
    assert page.evaluate("key => sessionStorage.getItem(key)", STORE_KEY) is None


def test_the_shortcut_works_with_the_chat_closed(chat: Chat, page) -> None:
    chat.load()
    page.locator("main").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)


def test_a_reload_does_not_reopen_the_chat(chat: Chat, page) -> None:
    chat.load().open()
    chat.ask("Wanneer is het debat?")
    assert page.get_by_role("dialog").is_visible()
    page.reload()
    page.wait_for_selector(".mhc[data-ready]", state="attached")
    page.wait_for_timeout(300)
    assert page.get_by_role("dialog").count() == 0
    assert chat.launcher.get_attribute("aria-expanded") == "false"
    # The conversation is still there when the citizen opens the chat.
    chat.open()
    assert "5 december 2019" in chat.last_bot_text()


def test_axe_finds_no_violations_with_the_quick_exit_and_the_safety_line(chat: Chat,
                                                                         page) -> None:
    chat.load()
    assert exit_link(page).is_visible()
    assert axe_violations(page) == ""
    page.set_viewport_size({"width": 320, "height": 640})
    assert_top_right_and_tappable(page, 320)
    assert axe_violations(page) == ""
