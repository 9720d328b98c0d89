"""Real servers per test module: these tests kill and restart them."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import BotServers, running_bot


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[BotServers]:
    with running_bot(tmp_path_factory.mktemp("hardening")) as bot:
        yield bot
