"""The machine's PostgreSQL and Redis, as used by the production-profile tests.

Hosts and ports come from the same environment variables as the production
profile, with this machine's defaults. When a service is unreachable the tests
that need it are skipped with the reason printed in pytest's summary.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG = {"host": os.environ.get("BOT_DB_HOST", "127.0.0.1"),
      "port": int(os.environ.get("BOT_DB_PORT", "5432")),
      "user": os.environ.get("BOT_DB_USER", "postgres")}
REDIS = {"host": os.environ.get("BOT_REDIS_HOST", "127.0.0.1"),
         "port": int(os.environ.get("BOT_REDIS_PORT", "6379"))}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_redis() -> None:
    if not _reachable(REDIS["host"], REDIS["port"]):
        pytest.skip(f"Redis is not reachable at {REDIS['host']}:{REDIS['port']}")


def require_postgresql() -> None:
    if not _reachable(PG["host"], PG["port"]):
        pytest.skip(f"PostgreSQL is not reachable at {PG['host']}:{PG['port']}")


@contextmanager
def temporary_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    import psycopg2

    name = f"bot_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
