"""Real servers per test module: these tests kill and restart them."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import BotServers


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[BotServers]:
    bot = BotServers(tmp_path_factory.mktemp("hardening")).start()
    try:
        yield bot
    finally:
        bot.stop()
