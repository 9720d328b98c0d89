"""Start and stop the real action server and Rasa server for tests that need them."""
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BotServers:
    """An action server and a Rasa server on free ports, with logs and an SQLite store in ``workdir``."""

    def __init__(self, workdir: Path, credentials: Path = ROOT / "credentials.yml",
                 endpoints: Path | None = None, env: dict[str, str] | None = None) -> None:
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run `make train` (make test does this first)")
        self.workdir = workdir
        self.credentials = credentials
        self.rasa_port, self.action_port = free_port(), free_port()
        self.base_url = f"http://127.0.0.1:{self.rasa_port}"
        self.webhook = f"{self.base_url}/webhooks/rest/webhook"
        self.tracker_db = workdir / "conversations.db"
        if endpoints is None:
            endpoints = workdir / "endpoints.yml"
            endpoints.write_text(
                f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
                f"tracker_store:\n  type: bot.tracker_store.SQLiteBackedTrackerStore\n"
                f"  db: {self.tracker_db}\n"
                # As in endpoints.yml: at most 5 messages wait per conversation.
                f"lock_store:\n  type: bot.lock_store.BoundedInMemoryLockStore\n")
        self.endpoints = endpoints
        self.rasa_log = workdir / "rasa.log"
        self.actions_log = workdir / "actions.log"
        self._env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                     "SANIC_HOST": "127.0.0.1",
                     "BOT_ACTION_URL": f"http://127.0.0.1:{self.action_port}/webhook", **(env or {})}
        self.actions: subprocess.Popen | None = None
        self.rasa: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.web_url: str | None = None

    # -- processes ---------------------------------------------------------------
    def _spawn(self, args: list[str], log: Path) -> subprocess.Popen:
        with open(log, "ab") as handle:
            return subprocess.Popen(args, cwd=ROOT, env=self._env, stdout=handle,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def start_actions(self) -> None:
        self.actions = self._spawn(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
             "--port", str(self.action_port)], self.actions_log)
        self.wait_until(lambda: self._get(f"http://127.0.0.1:{self.action_port}/health"), "action server")

    def start_rasa(self) -> None:
        self.rasa = self._spawn(
            [str(BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(self.rasa_port),
             "--credentials", str(self.credentials), "--endpoints", str(self.endpoints),
             "--log-file", str(self.rasa_log)], self.workdir / "rasa.stdout")
        self.wait_until(lambda: self._get(f"{self.base_url}/webhooks/rest/ready"), "Rasa model")

    def start_web(self) -> None:
        """The demo page with the chat widget (bot.web), proxying to this Rasa server."""
        port = free_port()
        self.web = self._spawn([sys.executable, "-m", "bot.web", "--port", str(port),
                                "--rasa-url", self.base_url], self.workdir / "web.log")
        self.web_url = f"http://127.0.0.1:{port}"
        self.wait_until(lambda: self._get(f"{self.web_url}/"), "bot.web")

    def start(self) -> BotServers:
        self.start_actions()
        self.start_rasa()
        return self

    @staticmethod
    def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def kill_actions(self) -> None:
        self._stop(self.actions, signal.SIGKILL)

    def stop_rasa(self) -> None:
        self._stop(self.rasa)

    def stop(self) -> None:
        self._stop(self.web)
        self._stop(self.rasa)
        self._stop(self.actions)

    def storage_key(self, sender: str) -> str:
        """The id the servers store ``sender``'s conversation under (a keyed hash, never the id)."""
        from bot import sender_ids

        secret = self._env.get(sender_ids.SECRET_ENV)
        return sender_ids.storage_key(sender, secret.encode() if secret else sender_ids.load_secret())

    # -- HTTP --------------------------------------------------------------------
    @staticmethod
    def _get(url: str) -> bool:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200

    def wait_until(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            for process in (self.actions, self.rasa, self.web):
                if process is not None and process.poll() is not None:
                    raise RuntimeError(f"{what}: a server exited with {process.returncode}; "
                                       f"see {self.workdir}")
            try:
                if ready():
                    return
            except (OSError, urllib.error.URLError, ValueError):
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{what} not ready after {START_TIMEOUT_S} s; see {self.workdir}")

    def request(self, method: str, path: str, body: bytes | None = None,
                timeout: float = 30, headers: dict[str, str] | None = None) -> tuple[int, object]:
        status, _headers, data = self.request_with_headers(method, path, body, timeout, headers)
        return status, data

    def request_with_headers(self, method: str, path: str, body: bytes | None = None,
                             timeout: float = 30, headers: dict[str, str] | None = None,
                             ) -> tuple[int, dict[str, str], object]:
        request = urllib.request.Request(f"{self.base_url}{path}", body,
                                         {"Content-Type": "application/json", **(headers or {})},
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                status = response.status
                received = dict(response.headers)
        except urllib.error.HTTPError as error:
            raw, status, received = error.read(), error.code, dict(error.headers)
        try:
            return status, received, json.loads(raw)
        except ValueError:
            return status, received, raw.decode("utf-8", "replace")

    def post_raw(self, body: bytes, timeout: float = 30) -> tuple[int, object]:
        return self.request("POST", "/webhooks/rest/webhook", body, timeout)

    def say(self, message: object, sender: str | None = None, timeout: float = 30) -> list[dict]:
        sender = sender or new_sender()
        status, replies = self.post_raw(
            json.dumps({"sender": sender, "message": message}).encode(), timeout)
        assert status == 200, f"HTTP {status}: {replies}"
        assert isinstance(replies, list)
        return replies

    def text(self, message: object, sender: str | None = None, timeout: float = 30) -> str:
        return "\n".join(r.get("text") or "" for r in self.say(message, sender, timeout))


@contextmanager
def running_bot(workdir: Path, **options: object) -> Iterator[BotServers]:
    """Started servers for the duration of a ``with`` block (or a fixture)."""
    bot = BotServers(workdir, **options)
    try:
        yield bot.start()
    finally:
        bot.stop()


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex}"
