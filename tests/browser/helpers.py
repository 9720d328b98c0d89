"""Helpers shared by the browser tests: constants, page set-up and a widget driver."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.servers import MODEL, ROOT, free_port  # noqa: F401 - re-exported for the browser tests

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
OUTPUT_DIR = Path(__file__).resolve().parent / "output"
STORE_KEY = "mhc-chat:/webhooks/rest"
EXIT_URL = "https://www.google.nl/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Records, synchronously, every node the page adds inside a live region while that
# region announces (aria-live not "off"). MutationObserver would report too late to
# tell whether the region was live at the moment of the insertion.
ANNOUNCEMENT_PROBE = """
(() => {
  window.__announced = [];
  const original = Node.prototype.appendChild;
  Node.prototype.appendChild = function (child) {
    const result = original.call(this, child);
    try {
      const region = this.isConnected && this.closest && this.closest("[aria-live]");
      if (region && region.getAttribute("aria-live") !== "off" && child.textContent) {
        window.__announced.push(child.textContent);
      }
    } catch (error) { /* never break the page under test */ }
    return result;
  };
})();
"""


def ask_bot(base_url: str, message: str) -> list[dict[str, Any]]:
    """One message straight to the REST channel, with a server-issued id."""
    with urllib.request.urlopen(urllib.request.Request(
            f"{base_url}/webhooks/rest/conversations", b"", method="POST"), timeout=10) as r:
        sender = json.load(r)["sender"]
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{base_url}/webhooks/rest/webhook", body,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@dataclass
class PageWatch:
    """What a page did that a test must be able to rule out."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def new_page(browser: Any, watch: PageWatch, **context_options: Any) -> tuple[Any, Any]:
    context = browser.new_context(locale="nl-NL", **context_options)
    context.add_init_script(ANNOUNCEMENT_PROBE)
    # The exit URL is outside this machine: answer it locally with a tiny page.
    context.route(f"{EXIT_URL}**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Elders</title><p>Elders</p>"))
    page = context.new_page()

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: m.type == "error" and watch.console_errors.append(m.text))
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    return context, page


# -- talking to the widget -------------------------------------------------------------------
class Chat:
    """Drives the widget the way a person does; every locator is by role and name."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url

    def load(self) -> Chat:
        self.page.goto(self.url)
        self.launcher.wait_for()
        return self

    @property
    def launcher(self) -> Any:
        return self.page.get_by_role("button", name="Stel uw vraag")

    @property
    def log(self) -> Any:
        return self.page.get_by_role("log")

    @property
    def input(self) -> Any:
        return self.page.get_by_role("textbox", name="Uw vraag")

    @property
    def alert(self) -> Any:
        return self.page.get_by_role("alert")

    def button(self, name: str) -> Any:
        return self.page.get_by_role("button", name=name, exact=True)

    def open(self) -> Chat:
        self.launcher.click()
        self.input.wait_for()
        return self

    def ask(self, text: str) -> None:
        before = self.bot_messages().count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_bot_messages(before + 1)

    def bot_messages(self) -> Any:
        return self.log.locator(".mhc-bot")

    def user_messages(self) -> Any:
        return self.log.locator(".mhc-user")

    def wait_for_bot_messages(self, count: int, timeout: float = 20_000) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('.mhc-log .mhc-bot').length >= n", arg=count,
            timeout=timeout)

    def last_bot_text(self) -> str:
        return self.bot_messages().last.locator(".mhc-text").inner_text()

    def stored(self) -> dict[str, Any] | None:
        raw = self.page.evaluate("key => sessionStorage.getItem(key)", STORE_KEY)
        return json.loads(raw) if raw else None

    def focused(self) -> dict[str, Any]:
        return self.page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName, "
            "id: e.id, text: e.textContent, label: e.getAttribute('aria-label'), "
            "cls: e.className}; }")

    def tab_to(self, predicate: Callable[[dict[str, Any]], bool], *, backwards: bool = False,
               limit: int = 30) -> None:
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            self.page.keyboard.press(key)
            if predicate(self.focused()):
                return
        raise AssertionError(f"no element matched after {limit} × {key}; at {self.focused()}")


def json_body(request: Any) -> dict[str, Any]:
    return json.loads(request.post_data or "{}")


def save_screenshot(page: Any, name: str) -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / name
    page.screenshot(path=str(path))
    return path


def axe_violations(page: Any) -> str:
    """axe-core's report of WCAG 2.2 AA violations on the page; "" when there are none."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is missing: `.venv/bin/pip install "
                    "axe-playwright-python`.")

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return "" if results.violations_count == 0 else results.generate_report()


def expect(target: Any) -> Any:
    """Playwright's expect(), imported when used (a missing package fails with a message)."""
    try:
        from playwright.sync_api import expect as playwright_expect
    except ImportError:
        pytest.fail("Playwright is missing: `.venv/bin/pip install playwright`.")
    return playwright_expect(target)
