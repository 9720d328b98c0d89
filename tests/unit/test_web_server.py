"""bot.web as a server: time-outs, the bounded worker pool and what the proxy passes on.

A tiny recording HTTP server stands in for Rasa, so these run without a model.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.web import PAGE_CSS, STATIC_DIR, WebServer, accepts_gzip

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


# -- the page and its static files ------------------------------------------------------
STATIC = {
    "/static/widget.js": STATIC_DIR / "widget.js",
    "/static/widget.css": STATIC_DIR / "widget.css",
    "/static/page.css": None,  # a constant in bot/web.py
}


def static_body(path: str) -> bytes:
    source = STATIC[path]
    return PAGE_CSS.encode() if source is None else source.read_bytes()


@pytest.mark.parametrize("path", list(STATIC))
def test_static_files_are_gzipped_for_clients_that_accept_it(web: str, path: str) -> None:
    status, headers, body = call(f"{web}{path}", headers={"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(body) == static_body(path)
    assert int(headers["Content-Length"]) == len(body) < len(static_body(path))
    # Not accepted, or refused with q=0: the plain file, and the same content.
    for accept in (None, "identity", "gzip;q=0, deflate"):
        status, headers, body = call(f"{web}{path}",
                                     headers={"Accept-Encoding": accept} if accept else {})
        assert status == 200 and "Content-Encoding" not in headers, accept
        assert body == static_body(path)


@pytest.mark.parametrize("path", list(STATIC))
def test_static_files_have_an_etag_and_an_unchanged_file_is_a_304(web: str, path: str) -> None:
    _status, plain, _body = call(f"{web}{path}")
    _status, packed, _body = call(f"{web}{path}", headers={"Accept-Encoding": "gzip"})
    assert plain["ETag"].startswith('"') and packed["ETag"].startswith('"')
    # Two encodings are two representations: each has its own tag.
    assert plain["ETag"] != packed["ETag"]
    for tag in (plain["ETag"], packed["ETag"], f'W/{plain["ETag"]}', f'"other", {plain["ETag"]}'):
        status, headers, body = call(f"{web}{path}", headers={"If-None-Match": tag,
                                                              "Accept-Encoding": "gzip"})
        assert status == 304 and body == b"", tag
        assert headers["ETag"] == packed["ETag"]
        assert "Content-Length" not in headers and "Content-Type" not in headers
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    status, _headers, body = call(f"{web}{path}", headers={"If-None-Match": '"old-version"'})
    assert status == 200 and body == static_body(path)


def test_the_page_links_its_files_by_content_hash_and_those_are_cached_for_a_year(
        web: str) -> None:
    status, headers, body = call(f"{web}/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "no-store"
    page = gzip.decompress(body).decode()
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {link.split("?")[0] for link in links} == set(STATIC)
    for link in links:
        path, _, query = link.partition("?")
        assert query == f"v={hashlib.sha256(static_body(path)).hexdigest()[:20]}", link
        status, headers, body = call(f"{web}{link}")
        assert status == 200 and body == static_body(path)
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        # Without the version (or with an old one) the browser must ask again.
        for other in (path, f"{path}?v=0123456789"):
            assert call(f"{web}{other}")[1]["Cache-Control"] == "no-cache"
    # The stylesheets are in the head, before the script that needs them.
    head = page.split("</head>")[0]
    assert head.index('rel="stylesheet" href="/static/widget.css?v=') < head.index(
        '<script src="/static/widget.js?v=')


def test_a_changed_static_file_gets_a_new_version_at_once(fake_rasa: FakeRasa, tmp_path) -> None:
    for name in ("widget.js", "widget.css"):
        (tmp_path / name).write_text("/* eerste versie */\n" * 40)
    server, url = start_web(fake_rasa.url, static_dir=tmp_path)
    try:
        first = server.assets.url("/static/widget.js")
        _status, headers, _body = call(f"{url}/static/widget.js")
        (tmp_path / "widget.js").write_text("/* tweede versie */\n" * 41)
        second = server.assets.url("/static/widget.js")
        assert first != second
        status, _headers, body = call(f"{url}/static/widget.js",
                                      headers={"If-None-Match": headers["ETag"]})
        assert status == 200 and b"tweede versie" in body
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip", True), ("deflate, gzip;q=0.5", True), ("GZIP", True), ("*", True),
    ("x-gzip", True), ("br;q=1, *;q=0.1", True),
    (None, False), ("", False), ("identity", False), ("gzip;q=0", False),
    ("gzip;q=0.000", False), ("*;q=0", False), ("*, gzip;q=0", False), ("br", False),
])
def test_accept_encoding_is_read_with_its_q_values(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_the_page_title_has_no_stray_space_and_via_deze_link_is_a_real_link(web: str) -> None:
    _status, _headers, body = call(f"{web}/")
    page = body.decode()
    assert "<title>Uitgelicht: Mensenhandel | Tweede Kamer</title>" in page
    assert "<h1>Uitgelicht: Mensenhandel</h1>" in page
    assert "Uitgelicht :" not in page
    assert ('kunt u dit <a href="https://www.tweedekamer.nl/">via deze link'
            '<span class="sr-only"> (website van de Tweede Kamer)</span></a> lezen.') in page
    # Headings carry stable ids (answers can link to their section).
    assert '<h2 id="wat-is-mensenhandel">Wat is mensenhandel?</h2>' in page


def test_quick_exit_and_safe_browsing_are_in_the_page_itself(web: str) -> None:
    _status, _headers, body = call(f"{web}/")
    page = body.decode()
    body_html = page.split("<body>", 1)[1]
    # A plain link, the first thing after the skip link: it works before and without
    # JavaScript; the widget only makes it replace the history entry.
    assert body_html.index('class="skip-link"') < body_html.index("data-quick-exit") < \
        body_html.index("<header")
    assert re.search(r'<a class="quick-exit" href="https://www\.google\.nl/"\s+'
                     r'rel="noreferrer" data-quick-exit>Snel weg</a>', page)
    assert "Veilig lezen: gebruik een privévenster." in page
    assert "druk 3 keer op de Shift-toets" in page
