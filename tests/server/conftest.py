"""One pair of real servers shared by the conversation tests."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import BotServers


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> Iterator[BotServers]:
    servers = BotServers(tmp_path_factory.mktemp("bot")).start()
    try:
        yield servers
    finally:
        servers.stop()
