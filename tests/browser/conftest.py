"""Browser tests: a real Rasa + action server + bot.web, driven by Debian's Chromium.

Nothing here is skipped: a missing browser, Playwright or model is a failure with a
message that says what to install or run.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MODEL,
    Chat,
    PageWatch,
    ask_bot,
    new_page,
)
from tests.servers import ROOT, BotServers


# -- servers -------------------------------------------------------------------------------
@dataclass
class Servers:
    rasa_url: str
    web_url: str
    logs: Path
    # The conversation database and storage keys, for tests that look inside it.
    bot: BotServers


def _credentials(workdir: Path) -> Path:
    """The channel's settings with a higher per-client rate limit.

    bot.web forwards every browser's address, and in these tests that is always
    127.0.0.1: one visitor as far as the rate limit can tell, asking far faster than a
    person. The limit itself is tested where it is made (bot/admission.py).
    """
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    credentials["bot.channel.WebChannel"].update(rate_limit_per_s=50, rate_limit_burst=500)
    path = workdir / "credentials.yml"
    path.write_text(yaml.safe_dump(credentials))
    return path


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: train it first (`make train`, or `make test`).")
    workdir = tmp_path_factory.mktemp("browser-server-logs")
    bot = BotServers(workdir, credentials=_credentials(workdir))
    try:
        bot.start()
        bot.start_web()
        # The first real answer also warms up the action server.
        bot.wait_until(lambda: bool(ask_bot(bot.web_url, "hallo")), "first answer")
        yield Servers(bot.base_url, bot.web_url, bot.workdir, bot)
    finally:
        bot.stop()


class InProcessWeb:
    """bot.web in a thread, for tests that point its proxy somewhere else mid-test."""

    def __init__(self, rasa_url: str) -> None:
        from bot.web import make_server

        self.rasa_url = rasa_url
        self.server = make_server("127.0.0.1", 0, rasa_url)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def point_at(self, rasa_url: str) -> None:
        self.server.rasa_url = rasa_url.rstrip("/")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def in_process_web(servers: Servers) -> Iterator[InProcessWeb]:
    web = InProcessWeb(servers.rasa_url)
    try:
        yield web
    finally:
        web.close()


# -- browser -------------------------------------------------------------------------------
# Module scope, not session: Playwright's sync API keeps an event loop running in the
# main thread while it is open, which would break the async tests collected after these.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's browser with "
                    "`apt-get install -y chromium` (never `playwright install`).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: `.venv/bin/pip install playwright "
                    "axe-playwright-python` (the browser comes from Debian, not Playwright).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def page(browser: Any, watch: PageWatch) -> Iterator[Any]:
    context, page = new_page(browser, watch, viewport={"width": 1280, "height": 800})
    try:
        yield page
    finally:
        context.close()
    # Every test also proves the widget runs under the CSP without errors.
    assert not watch.page_errors, watch.page_errors
    assert not [e for e in watch.console_errors if "Content Security Policy" in e], \
        watch.console_errors
    assert not watch.dialogs, watch.dialogs


@pytest.fixture
def chat(page: Any, servers: Servers) -> Chat:
    return Chat(page, servers.web_url)


