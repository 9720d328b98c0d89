"""A misconfigured or unreachable store stops start-up loudly; nothing falls back to memory."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from rasa.shared.exceptions import ConnectionException

from bot import rasa_patches
from bot.preflight import DEFAULT_ENDPOINTS, check_stores, production_env
from bot.scaleout import nginx_binary, render_nginx_config
from bot.tracker_store import CheckedSQLTrackerStore
from tests.servers import BIN, MODEL, ROOT, free_port
from tests.services import PG, require_postgresql, require_redis, temporary_database

CLOSED_PORT = "1"


def run_env(**overrides: str) -> dict[str, str]:
    return {**os.environ, **production_env({**os.environ, **overrides}),
            "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONWARNINGS": "ignore", "BOT_ACTION_URL": "http://127.0.0.1:5055/webhook"}


def test_preflight_names_every_unreachable_store():
    result = subprocess.run([sys.executable, "-m", "bot.preflight"], cwd=ROOT, check=False,
                            env=run_env(BOT_DB_PORT=CLOSED_PORT, BOT_REDIS_PORT=CLOSED_PORT),
                            capture_output=True, text=True, timeout=120)
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert result.returncode == 1
    assert any("tracker store" in e and f"127.0.0.1:{CLOSED_PORT}" in e for e in errors), errors
    assert any("lock store" in e and "not reachable" in e for e in errors), errors


def test_a_misspelled_store_type_is_an_error_not_memory(tmp_path, monkeypatch, capsys):
    require_redis()
    for name, value in run_env().items():
        monkeypatch.setenv(name, value)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(DEFAULT_ENDPOINTS.read_text().replace(
        "bot.tracker_store.CheckedSQLTrackerStore", "bot.tracker_store.CheckedSqlTrackerStore"))
    problems = check_stores(endpoints)
    assert any("cannot be loaded" in p and "Not falling back to memory" in p for p in problems)


def test_missing_stores_are_reported(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("action_endpoint:\n  url: http://127.0.0.1:5055/webhook\n")
    problems = check_stores(endpoints)
    assert any("no tracker_store" in p for p in problems)
    assert any("no lock_store" in p for p in problems)


def test_the_checked_store_creates_the_events_table_before_serving():
    require_postgresql()
    with temporary_database() as name:
        store = CheckedSQLTrackerStore(host=PG["host"], port=PG["port"], db=name,
                                       username=PG["user"], password="")
        assert sa.inspect(store.engine).has_table("events")
        assert store.engine.pool._pre_ping


def test_the_checked_store_refuses_an_unreachable_database_at_once():
    with pytest.raises(ConnectionException, match="cannot connect"):
        CheckedSQLTrackerStore(host="127.0.0.1", port=int(CLOSED_PORT), db="rasa",
                               username="postgres", password="")


@pytest.mark.server
def test_rasa_does_not_start_without_its_database(tmp_path):
    rasa_patches.apply()
    result = subprocess.run(
        [str(BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(free_port()),
         "--interface", "127.0.0.1",
         "--endpoints", str(DEFAULT_ENDPOINTS),
         "--credentials", str(ROOT / "deploy" / "production" / "credentials.yml")],
        cwd=ROOT, env=run_env(BOT_DB_PORT=CLOSED_PORT), capture_output=True, text=True,
        timeout=180, check=False)
    assert result.returncode != 0
    assert "does not start without it" in result.stdout + result.stderr


def test_the_local_nginx_configuration_is_valid(tmp_path):
    (tmp_path / "tmp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(render_nginx_config(tmp_path, free_port(), [free_port(), free_port()]))
    result = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-e",
                             str(tmp_path / "error.log"), "-c", str(config)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "proxy_next_upstream error timeout;" in config.read_text()
