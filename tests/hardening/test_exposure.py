"""What the Rasa server shows and accepts on its port: findings of the outside security probe.

One real server with ``--cors`` as ``make run`` passes it; raw sockets where a client
misbehaves in ways urllib cannot (a body that never ends, a huge Content-Length).
"""
from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import rasa_patches
from tests.servers import ROOT, BotServers, new_sender

SITE_ORIGIN = "http://localhost:8000"
WEBHOOK = "/webhooks/rest/webhook"


class CorsBotServers(BotServers):
    """BotServers whose Rasa gets ``--cors SITE_ORIGIN`` like scripts/serve.sh passes it."""

    def _spawn(self, args: list[str], log: Path):
        if "--model" in args:
            args = [*args, "--cors", SITE_ORIGIN]
        return super()._spawn(args, log)


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[BotServers]:
    bot = CorsBotServers(tmp_path_factory.mktemp("exposure"))
    try:
        yield bot.start()
    finally:
        bot.stop()


def raw_exchange(servers: BotServers, head: bytes, body: bytes = b"", timeout: float = 20,
                 ) -> tuple[int, dict, float]:
    """Send bytes as they are; the status, JSON body and seconds until the reply."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", servers.rasa_port), timeout=timeout) as sock:
        sock.sendall(head + body)
        received = b""
        while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    elapsed = time.monotonic() - started
    status = int(received.split(b" ", 2)[1])
    return status, json.loads(received.split(b"\r\n\r\n", 1)[1]), elapsed


def post_head(content_length: int, content_type: str = "application/json") -> bytes:
    return (f"POST {WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {content_length}\r\n\r\n").encode()


def assert_dutch_error(data: object, error: str) -> None:
    assert isinstance(data, dict) and set(data) == {"error", "message"}
    assert data["error"] == error
    assert not re.search(r"\b(the|request|error|timeout)\b", data["message"], re.IGNORECASE)


def test_json_from_local_tools_still_works(servers):
    # What ../shared/eval/ask.py and the page server send: application/json.
    assert servers.text("Wat is mensenhandel?")


@pytest.mark.parametrize(
    "raw",
    [b"[" * 5000 + b"]" * 5000,
     b'{"sender": "test-exposure-1", "message": "hallo", "n": ' + b"9" * 5000 + b"}"],
    ids=["nested-5000", "integer-5000-digits"],
)
def test_hostile_json_is_a_400_without_traceback(servers, raw):
    status, data = servers.post_raw(raw)
    assert status == 400
    assert_dutch_error(data, "invalid_json")
    assert "Traceback" not in servers.rasa_log.read_text(errors="replace")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_only_json_is_accepted(servers, content_type):
    body = json.dumps({"sender": new_sender(), "message": "Wat is mensenhandel?"}).encode()
    status, headers, data = servers.request_with_headers(
        "POST", WEBHOOK, body, headers={"Content-Type": content_type, "Origin": "https://evil.example"})
    assert status == 415
    assert_dutch_error(data, "unsupported_media_type")
    assert "Access-Control-Allow-Origin" not in headers


def test_root_shows_no_version(servers):
    status, headers, data = servers.request_with_headers("GET", "/")
    assert status == 200 and data == {"status": "ok"}
    assert "3.6" not in json.dumps(headers) and "rasa" not in json.dumps(headers).lower()


def test_unknown_path_is_a_dutch_404(servers):
    status, data = servers.request("GET", "/no/such/page")
    assert status == 404
    assert_dutch_error(data, "not_found")


def test_a_huge_body_is_refused_before_it_is_read(servers):
    status, data, _ = raw_exchange(servers, post_head(50_000_000), b"{" * 1000)
    assert status == 413
    assert_dutch_error(data, "body_too_large")


def test_a_body_that_never_completes_gets_a_dutch_408_within_seconds(servers):
    status, data, elapsed = raw_exchange(servers, post_head(200), b'{"sender": ')
    assert status == 408
    assert_dutch_error(data, "request_timeout")
    assert elapsed < rasa_patches.BODY_TIMEOUT_S + 3


def preflight(servers: BotServers, origin: str, method: str = "POST") -> dict[str, str]:
    _status, headers, _ = servers.request_with_headers(
        "OPTIONS", WEBHOOK, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                     "Access-Control-Request-Headers": "content-type"})
    return {name.lower(): value for name, value in headers.items()}


def test_cors_preflight_only_for_the_site_and_post(servers):
    headers = preflight(servers, SITE_ORIGIN)
    assert headers["access-control-allow-origin"] == SITE_ORIGIN
    assert headers["access-control-max-age"] == str(rasa_patches.CORS_MAX_AGE_S)
    assert {m.strip() for m in headers["access-control-allow-methods"].split(",")} == \
        {"POST", "OPTIONS"}
    assert "access-control-allow-credentials" not in headers
    assert "access-control-allow-methods" not in preflight(servers, SITE_ORIGIN, "DELETE")
    assert "access-control-allow-origin" not in preflight(servers, "https://evil.example")


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null"])
def test_no_cors_header_without_the_site_origin(servers, origin):
    body = json.dumps({"sender": new_sender(), "message": "hallo"}).encode()
    status, headers, _ = servers.request_with_headers(
        "POST", WEBHOOK, body, headers={"Origin": origin} if origin else None)
    assert status == 200
    assert not any(name.lower().startswith("access-control-") for name in headers)


def test_cors_header_for_the_site(servers):
    body = json.dumps({"sender": new_sender(), "message": "hallo"}).encode()
    status, headers, _ = servers.request_with_headers("POST", WEBHOOK, body,
                                                      headers={"Origin": SITE_ORIGIN})
    assert status == 200
    assert headers.get("Access-Control-Allow-Origin") == SITE_ORIGIN


def test_make_run_binds_rasa_to_localhost():
    script = (ROOT / "scripts" / "serve.sh").read_text()
    runs = re.findall(r'"\$VENV/bin/rasa" run --model[^&]*', script)
    assert len(runs) == 2, "make run and make shell each start Rasa once"
    for rasa_run in runs:
        interface = re.search(r'--interface "\$(\w+)"', rasa_run)
        assert interface, "rasa run needs --interface"
        assert re.search(rf'^{interface.group(1)}="\$\{{{interface.group(1)}:-127\.0\.0\.1\}}"$',
                         script, re.MULTILINE)
