"""bot.web as a server: time-outs, the bounded worker pool and what the proxy passes on.

A tiny recording HTTP server stands in for Rasa, so these run without a model.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.web import WebServer

ISSUED = "AbCdEfGhIjKlMnOpQrStUv.65a1b2c3.XyZ0123456789-_a"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, list[str]]


@dataclass
class FakeRasa:
    """Records every request; answers with ``reply`` (status, headers, body)."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    reply: tuple[int, dict[str, str], bytes] = (200, {"Content-Type": "application/json"}, b"[]")


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            headers: dict[str, list[str]] = {}
            for name, value in self.headers.items():
                headers.setdefault(name.lower(), []).append(value)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            fake.seen.append(Seen(self.command, self.path, headers))
            status, reply_headers, body = fake.reply
            self.send_response(status)
            for name, value in reply_headers.items():
                self.send_header(name, value)
            if status != 204:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 204:
                self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def start_web(rasa_url: str, **options: object) -> tuple[WebServer, str]:
    server = WebServer(("127.0.0.1", 0), rasa_url, **options)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def web(fake_rasa: FakeRasa) -> Iterator[str]:
    server, url = start_web(fake_rasa.url)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def call(url: str, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, body, headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def half_sent(url: str) -> socket.socket:
    """A connection that starts a request and never finishes its headers."""
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
    return sock


def wait_closed(sock: socket.socket, limit_s: float) -> float:
    """Seconds until the server closed the connection; fails if it stays open past limit_s."""
    start = time.monotonic()
    sock.settimeout(limit_s)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        pytest.fail(f"the half-sent request was still open after {limit_s} s")
    except ConnectionResetError:
        pass
    return time.monotonic() - start


# -- time-outs and the worker pool ------------------------------------------------------
def test_a_half_sent_request_is_closed_within_the_read_time_out(fake_rasa: FakeRasa) -> None:
    server, url = start_web(fake_rasa.url, read_timeout_s=1.0)
    try:
        with half_sent(url) as sock:
            assert wait_closed(sock, 4.0) < 2.0
    finally:
        server.shutdown()
        server.server_close()


def test_a_trickling_request_is_closed_by_the_deadline_not_per_byte(fake_rasa: FakeRasa) -> None:
    server, url = start_web(fake_rasa.url, read_timeout_s=1.0)
    try:
        with half_sent(url) as sock:
            start = time.monotonic()
            closed = False
            # One header byte every 0.3 s: a per-read time-out of 1 s would never fire.
            while time.monotonic() - start < 4.0:
                try:
                    sock.sendall(b"X")
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
                sock.settimeout(0.3)
                try:
                    if sock.recv(4096) == b"":
                        closed = True
                        break
                except TimeoutError:
                    continue
                except ConnectionResetError:
                    closed = True
                    break
            assert closed, "a request trickling in byte by byte was kept open"
            assert time.monotonic() - start < 2.5
    finally:
        server.shutdown()
        server.server_close()


def test_slow_connections_beyond_the_pool_do_not_block_a_normal_get(fake_rasa: FakeRasa) -> None:
    workers, queue_size, read_timeout_s = 2, 1, 2.0
    server, url = start_web(fake_rasa.url, workers=workers, queue_size=queue_size,
                            read_timeout_s=read_timeout_s)
    slow: list[socket.socket] = []
    try:
        opened = time.monotonic()
        for number in range(1, workers + queue_size + 1):
            slow.append(half_sent(url))
            # Let a worker take each one, so the queue fills in a known order.
            expected = max(0, number - workers)
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline and server.waiting != expected:
                time.sleep(0.02)
            time.sleep(0.05)
        assert server.waiting == queue_size
        # Pool and queue are full: a normal request is turned away at once, in Dutch.
        start = time.monotonic()
        status, headers, body = call(f"{url}/")
        assert time.monotonic() - start < 1.0
        assert status == 503
        assert headers["Retry-After"].isdigit()
        assert "Probeer het" in json.loads(body)["message"]
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        # Once the slow ones time out, the page is served again.
        while True:
            status, _headers, body = call(f"{url}/")
            if status == 200:
                break
            assert time.monotonic() - opened < 2 * read_timeout_s + 1.0, "still refused"
            time.sleep(0.2)
        assert b"<!doctype html>" in body
    finally:
        for sock in slow:
            sock.close()
        server.shutdown()
        server.server_close()


# -- what the proxy passes on -----------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/webhooks/rest/webhook", b'{"sender": "x", "message": "hallo"}'),
    ("POST", "/webhooks/rest/conversations", b""),
    ("GET", "/webhooks/rest/ready", None),
    ("DELETE", f"/webhooks/rest/conversations/{ISSUED}", None),
])
def test_proxy_sets_forwarded_for_and_via_and_drops_what_the_client_sent(
        web: str, fake_rasa: FakeRasa, method: str, path: str, body: bytes | None) -> None:
    spoofed = {"X-Forwarded-For": "203.0.113.9, 10.0.0.1", "X-Bot-Via": "tool",
               "X-Real-IP": "203.0.113.9", "Forwarded": "for=203.0.113.9",
               "Cookie": "id=1", "Content-Type": "application/json"}
    status, _headers, _body = call(f"{web}{path}", method, body, spoofed)
    assert status == 200
    [seen] = fake_rasa.seen
    assert (seen.method, seen.path) == (method, path)
    assert seen.headers["x-forwarded-for"] == ["127.0.0.1"]
    assert seen.headers["x-bot-via"] == ["site"]
    for name in ("x-real-ip", "forwarded", "cookie"):
        assert name not in seen.headers


def test_erasure_is_passed_on_and_its_204_comes_back_empty(web: str, fake_rasa: FakeRasa) -> None:
    fake_rasa.reply = (204, {}, b"")
    status, headers, body = call(f"{web}/webhooks/rest/conversations/{ISSUED}", "DELETE")
    assert status == 204 and body == b""
    assert "Content-Length" not in headers
    assert [(s.method, s.path) for s in fake_rasa.seen] == [
        ("DELETE", f"/webhooks/rest/conversations/{ISSUED}")]


@pytest.mark.parametrize("sender", [
    "short", "a" * 101, "<script>alert(1)</script>", "abc%2f..%2fmodel", "a/b/c/d/e/f/g/h",
    "..%2F..%2Fstatus", "name%20with%20spaces", "abcdefgh%00", "abcdefgh?x=1",
])
def test_erasure_of_an_invalid_id_is_refused_without_reaching_rasa(
        web: str, fake_rasa: FakeRasa, sender: str) -> None:
    status, _headers, body = call(f"{web}/webhooks/rest/conversations/{sender}", "DELETE")
    assert status == 400
    assert json.loads(body)["error"] == "invalid_sender"
    assert fake_rasa.seen == []


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/rest/conversations",
                                  "/", "/webhooks/tracker/events/abcdefgh"])
def test_delete_is_passed_on_for_conversations_only(web: str, fake_rasa: FakeRasa,
                                                    path: str) -> None:
    status, _headers, _body = call(f"{web}{path}", "DELETE")
    assert status == 405
    assert fake_rasa.seen == []


@pytest.mark.parametrize(("method", "path", "status", "retry_after", "body"), [
    ("POST", "/webhooks/rest/webhook", 429, "7",
     {"error": "too_many_requests", "message": "U stuurt veel berichten kort na elkaar."}),
    ("DELETE", f"/webhooks/rest/conversations/{ISSUED}", 429, "3",
     {"error": "too_many_requests", "message": "Wacht u 3 seconden."}),
    # (403 on POST came through unchanged before; the DELETE route is new.)
    ("DELETE", f"/webhooks/rest/conversations/{ISSUED}", 403, None,
     {"error": "unknown_sender", "message": "Dit gesprek is onbekend."}),
    ("DELETE", f"/webhooks/rest/conversations/{ISSUED}", 403, None,
     {"error": "expired_sender", "message": "Dit gesprek is verlopen."}),
])
def test_refusals_come_through_unchanged(web: str, fake_rasa: FakeRasa, method: str, path: str,
                                         status: int, retry_after: str | None, body: dict) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    reply_headers = {"Content-Type": "application/json"}
    if retry_after:
        reply_headers["Retry-After"] = retry_after
    fake_rasa.reply = (status, reply_headers, raw)
    data = b'{"sender": "x", "message": "hallo"}' if method == "POST" else None
    got_status, headers, got_body = call(f"{web}{path}", method, data,
                                         {"Content-Type": "application/json"})
    assert got_status == status
    assert got_body == raw
    assert headers.get("Retry-After") == retry_after


def test_only_a_retry_after_in_seconds_is_passed_on(web: str, fake_rasa: FakeRasa) -> None:
    fake_rasa.reply = (429, {"Content-Type": "application/json", "Retry-After": "12"}, b"{}")
    assert call(f"{web}/webhooks/rest/ready")[1].get("Retry-After") == "12"
    fake_rasa.reply = (429, {"Content-Type": "application/json",
                             "Retry-After": "<script>"}, b"{}")
    status, headers, _body = call(f"{web}/webhooks/rest/ready")
    assert status == 429
    assert "Retry-After" not in headers
