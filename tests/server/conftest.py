"""Starts the real action server and Rasa server once for the server tests."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(predicate, timeout: float, what: str, processes) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a server exited with {process.returncode}")
        try:
            if predicate():
                return
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {timeout} s")


class Bot:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.webhook = f"{base_url}/webhooks/rest/webhook"

    def post_raw(self, body: bytes, timeout: float = 30) -> tuple[int, object]:
        request = urllib.request.Request(self.webhook, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def say(self, message: object, sender: str | None = None) -> list[dict]:
        sender = sender or f"test-{uuid.uuid4().hex}"
        status, replies = self.post_raw(json.dumps({"sender": sender, "message": message}).encode())
        assert status == 200, f"HTTP {status}: {replies}"
        return replies

    def text(self, message: object, sender: str | None = None) -> str:
        return "\n".join(r.get("text") or "" for r in self.say(message, sender))


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does this first)")
    logs = tmp_path_factory.mktemp("server-logs")
    rasa_port, action_port = _free_port(), _free_port()
    endpoints = logs / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    with open(logs / "actions.log", "wb") as actions_log, open(logs / "rasa.log", "wb") as rasa_log:
        actions = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=actions_log, stderr=subprocess.STDOUT, start_new_session=True)
        rasa = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(rasa_port),
             "--credentials", "credentials.yml", "--endpoints", str(endpoints)],
            cwd=ROOT, env=env, stdout=rasa_log, stderr=subprocess.STDOUT, start_new_session=True)
    processes = [actions, rasa]
    try:
        base = f"http://127.0.0.1:{rasa_port}"

        def model_ready() -> bool:
            with urllib.request.urlopen(f"{base}/webhooks/rest/", timeout=2) as response:
                return response.status == 200

        def actions_ready() -> bool:
            with urllib.request.urlopen(f"http://127.0.0.1:{action_port}/health", timeout=2) as r:
                return r.status == 200

        _wait_until(actions_ready, START_TIMEOUT_S, "action server", processes)
        _wait_until(model_ready, START_TIMEOUT_S, "Rasa server", processes)
        bot = Bot(base)
        # The REST channel answers before the model is loaded; wait for a real reply.
        _wait_until(lambda: bool(bot.say("hallo")), START_TIMEOUT_S, "model", processes)
        bot.logs = logs
        yield bot
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
