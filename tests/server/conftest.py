"""One pair of real servers shared by the conversation tests."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import BotServers, running_bot


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> Iterator[BotServers]:
    with running_bot(tmp_path_factory.mktemp("bot")) as servers:
        yield servers
