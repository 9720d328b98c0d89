"""A small web server for the "Uitgelicht: Mensenhandel" page with the chat widget.

``python -m bot.web --port 8000 --rasa-url http://127.0.0.1:5005``

- ``GET /`` renders the page from the same text the bot answers from
  (``bot.page.load_sections``), so the page and the bot can never disagree.
- ``GET /static/widget.js`` and ``/static/widget.css`` come from ``web/``. Static files
  are gzipped for clients that accept it and carry an ETag (``If-None-Match`` gives 304);
  the page links them as ``?v=<content hash>``, and those addresses are cached for a year.
- ``/webhooks/*`` is passed on to Rasa, so the page and the chat endpoint share an
  origin and the strict Content-Security-Policy below can say ``connect-src 'self'``.
  ``DELETE /webhooks/rest/conversations/<id>`` (erasure) is passed on for valid ids only.

Connections are served by a fixed pool of worker threads with a bounded queue, and a
request must arrive whole within a few seconds, so slow or half-sent requests cannot
tie the server up; when the queue is full the answer is a quick 503.

Standard library only: this runs next to Rasa and should add nothing to install.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import io
import json
import queue
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from bot.input_guard import SENDER_PATTERN
from bot.page import INTRO_ANCHOR, PAGE_LINKS, Section, load_sections

ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = ROOT / "web"

PROXY_PREFIX = "/webhooks/"
PROXY_TIMEOUT_S = 10
# A chat message is at most 1000 characters; JSON escapes can make that ~6 KB.
# Anything far larger is not a chat message, so it never reaches Rasa.
MAX_REQUEST_BYTES = 64 * 1024
MAX_RESPONSE_BYTES = 1024 * 1024

# A browser sends a whole request in milliseconds; one that takes longer than this to
# arrive (request line, headers and body together) is a slow or stalled client.
REQUEST_READ_TIMEOUT_S = 5.0
# How long writing a response may stall before the connection is dropped.
WRITE_TIMEOUT_S = 10.0
# Each worker holds at most one connection: a read time-out plus the proxy time-out.
WORKERS = 16
# Accepted connections waiting for a worker; beyond this they get a quick 503.
QUEUE_SIZE = 64
BUSY_TEXT = "De website is nu erg druk. Probeer het over een paar seconden opnieuw."
BUSY_RETRY_AFTER_S = 5

# Set on every request passed to Rasa: the rate limit counts X-Forwarded-For, and
# X-Bot-Via tells the channel the request came from the site (issued ids only).
FORWARDED_FOR_HEADER = "X-Forwarded-For"
VIA_HEADER = "X-Bot-Via"
VIA_SITE = "site"
# Matched against the raw request target, query included: anything after the
# prefix must be a bare id.
ERASE_PATH = re.compile(r"/webhooks/rest/conversations/(?P<sender>.*)", re.DOTALL)
RETRY_AFTER = re.compile(r"[0-9]{1,6}")

WIDGET_ENDPOINT = "/webhooks/rest"
WIDGET_TITLE = "Stel uw vraag"
WIDGET_EXIT_URL = "https://www.google.nl/"
WIDGET_MAX_CHARS = 1000
WIDGET_TIMEOUT_MS = 15000

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

STATIC_FILES = {
    "/static/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/static/widget.css": ("widget.css", "text/css; charset=utf-8"),
}
PAGE_CSS_PATH = "/static/page.css"
# A static file asked for by its current content hash (?v=...) never changes.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
# Any other address: keep it, but ask each time (a 304 when it has not changed).
REVALIDATE_CACHE = "no-cache"
GZIP_MIN_BYTES = 256

# "Snel weg" in the page itself, so it works before and without JavaScript. The
# widget makes it replace the history entry (Back does not return) and adds the
# shortcut: the Shift key 3 times.
SAFE_BROWSING_TEXT = (
    "Veilig lezen: gebruik een privévenster. Dan onthoudt uw browser niet dat u deze "
    "pagina heeft bekeken. Wilt u snel weg? Klik op Snel weg of druk 3 keer op de "
    "Shift-toets."
)

# The page's own look. Served as a file (not inline) so the CSP needs no 'unsafe-inline'.
PAGE_CSS = """\
html { scroll-padding-top: 4rem; }
body {
  margin: 0; color: #1a1a1a; background: #fff;
  font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
}
/* Sticky but without height of its own: the button stays in the top corner. */
.exit-bar { position: sticky; top: 0; z-index: 20; height: 0; }
.quick-exit {
  position: absolute; right: 0.5rem; top: 0.5rem;
  box-sizing: border-box; min-height: 2.75rem; padding: 0.5rem 1rem;
  background: #a80000; color: #fff; border: 2px solid #fff; border-radius: 0.375rem;
  font-weight: 700; line-height: 1.5; text-decoration: none;
  box-shadow: 0 0.125rem 0.5rem rgba(0, 0, 0, 0.3);
}
.quick-exit:hover { background: #7a0000; text-decoration: underline; }
.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap;
}
.skip-link {
  position: absolute; left: 0.5rem; top: -10rem; z-index: 10;
  padding: 0.5rem 1rem; background: #fff; color: #154273; font-weight: 600;
}
.skip-link:focus { top: 0.5rem; }
a { color: #154273; }
:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
.site-header { background: #154273; color: #fff; padding: 0.75rem 1rem; }
.site-header p { margin: 0; max-width: 46rem; margin-inline: auto; font-weight: 600; }
/* Room for "Snel weg" beside the first line until the window is wide enough. */
.site-header p:first-child { padding-right: 7rem; }
@media (min-width: 64rem) { .site-header p:first-child { padding-right: 0; } }
.site-header .safe-browsing { margin-top: 0.5rem; font-weight: 400; font-size: 1rem; }
main { display: block; max-width: 46rem; margin: 0 auto; padding: 1rem 1rem 7rem; }
main:focus { outline: none; }
h1 { font-size: 2rem; line-height: 1.2; margin: 1rem 0; }
h2 { font-size: 1.35rem; line-height: 1.3; margin: 2rem 0 0.5rem; }
.site-footer { border-top: 1px solid #595959; padding: 1rem; }
.site-footer p { max-width: 46rem; margin: 0 auto; }
"""


# -- page ------------------------------------------------------------------------------
_LINK_PHRASES = re.compile("|".join(re.escape(phrase) for phrase in PAGE_LINKS))


def _text_html(text: str) -> str:
    """Escaped text; the page's link phrases (bot.page.PAGE_LINKS) become links."""
    parts: list[str] = []
    last = 0
    for match in _LINK_PHRASES.finditer(text):
        href, where = PAGE_LINKS[match[0]]
        parts.append(html.escape(text[last:match.start()]))
        hint = f'<span class="sr-only"> ({html.escape(where)})</span>' if where else ""
        parts.append(f'<a href="{_attr(href)}">{html.escape(match[0])}{hint}</a>')
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _paragraph_html(paragraph: str) -> str:
    """One page paragraph as HTML: lines starting with "•" become a list."""
    parts: list[str] = []
    bullets: list[str] = []
    text_lines: list[str] = []

    def flush_text() -> None:
        if text_lines:
            parts.append(f"<p>{_text_html(' '.join(text_lines))}</p>")
            text_lines.clear()

    def flush_bullets() -> None:
        if bullets:
            items = "".join(f"<li>{_text_html(item)}</li>" for item in bullets)
            parts.append(f"<ul>{items}</ul>")
            bullets.clear()

    for line in paragraph.split("\n"):
        if line.startswith("•"):
            flush_text()
            bullets.append(line.lstrip("•").strip())
        else:
            flush_bullets()
            text_lines.append(line)
    flush_text()
    flush_bullets()
    return "\n".join(parts)


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_page(sections: Sequence[Section], *, endpoint: str = WIDGET_ENDPOINT,
                title: str = WIDGET_TITLE, exit_url: str = WIDGET_EXIT_URL,
                max_chars: int = WIDGET_MAX_CHARS, timeout_ms: int = WIDGET_TIMEOUT_MS,
                assets: Mapping[str, str] | None = None) -> str:
    """The whole page as an HTML document; the first section is the page title.

    ``assets`` maps a static path to the address the page uses for it (with its
    content hash, see ``Assets.url``); unversioned paths when not given.
    """
    if not sections:
        raise ValueError("the page has no sections")
    urls = {path: path for path in (PAGE_CSS_PATH, *STATIC_FILES)}
    urls.update(assets or {})
    first, rest = sections[0], sections[1:]
    body: list[str] = [f"<h1>{html.escape(first.title)}</h1>"]
    body.extend(_paragraph_html(p) for p in first.paragraphs)
    used_ids = {INTRO_ANCHOR}
    for section in rest:
        anchor, number = section.anchor, 2
        while anchor in used_ids:
            anchor, number = f"{section.anchor}-{number}", number + 1
        used_ids.add(anchor)
        body.append(f'<section>\n<h2 id="{_attr(anchor)}">{html.escape(section.title)}</h2>')
        body.extend(_paragraph_html(p) for p in section.paragraphs)
        body.append("</section>")
    content = "\n".join(body)
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(first.title)} | Tweede Kamer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{_attr(urls[PAGE_CSS_PATH])}">
<link rel="stylesheet" href="{_attr(urls['/static/widget.css'])}">
<script src="{_attr(urls['/static/widget.js'])}" defer
  data-endpoint="{_attr(endpoint)}" data-title="{_attr(title)}" data-exit-url="{_attr(exit_url)}"
  data-max-chars="{_attr(max_chars)}" data-timeout-ms="{_attr(timeout_ms)}"></script>
</head>
<body>
<a class="skip-link" href="#{INTRO_ANCHOR}">Direct naar de inhoud</a>
<nav class="exit-bar" aria-label="Snel weg"><a class="quick-exit" href="{_attr(exit_url)}"
  rel="noreferrer" data-quick-exit>Snel weg</a></nav>
<header class="site-header"><p>Tweede Kamer der Staten-Generaal</p>
<p class="safe-browsing">{html.escape(SAFE_BROWSING_TEXT)}</p></header>
<main id="{INTRO_ANCHOR}" tabindex="-1">
<article>
{content}
</article>
</main>
<footer class="site-footer">
<p>Vragen over deze pagina? Stel ze aan de digitale assistent via de knop rechtsonder.</p>
</footer>
</body>
</html>
"""


# -- static files ------------------------------------------------------------------------
@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None  # None when gzip would not make it smaller
    content_type: str
    version: str  # a hash of the content: the ETag and the ?v= of the page's links


def _asset(body: bytes, content_type: str) -> Asset:
    packed = gzip.compress(body, 9, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
    if packed is not None and len(packed) >= len(body):
        packed = None
    return Asset(body, packed, content_type, hashlib.sha256(body).hexdigest()[:20])


class Assets:
    """The static files, read from disk when they change and compressed once per version."""

    def __init__(self, static_dir: Path) -> None:
        self.static_dir = static_dir
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple[int, int], Asset]] = {}
        self._page_css = _asset(PAGE_CSS.encode("utf-8"), "text/css; charset=utf-8")

    def get(self, path: str) -> Asset | None:
        if path == PAGE_CSS_PATH:
            return self._page_css
        if path not in STATIC_FILES:
            return None
        name, content_type = STATIC_FILES[path]
        file = self.static_dir / name
        try:
            stat = file.stat()
            key = (stat.st_mtime_ns, stat.st_size)
            with self._lock:
                cached = self._cache.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
            asset = _asset(file.read_bytes(), content_type)
        except OSError:
            return None
        with self._lock:
            self._cache[path] = (key, asset)
        return asset

    def url(self, path: str) -> str:
        """The address of a static file that changes whenever its content does."""
        asset = self.get(path)
        return f"{path}?v={asset.version}" if asset else path

    def urls(self) -> dict[str, str]:
        return {path: self.url(path) for path in (PAGE_CSS_PATH, *STATIC_FILES)}


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 12.5.3, q-values honoured)."""
    gzip_q: float | None = None
    any_q: float | None = None
    for part in (accept_encoding or "").split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            gzip_q = q
        elif coding == "*":
            any_q = q
    chosen = gzip_q if gzip_q is not None else any_q
    return chosen is not None and chosen > 0


def etag_matches(if_none_match: str | None, version: str) -> bool:
    """If-None-Match against an asset's ETags (weak comparison, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/").strip('"')
        if tag in (version, f"{version}-gzip"):
            return True
    return False


# -- HTTP ------------------------------------------------------------------------------
def _json_bytes(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _busy_response() -> bytes:
    body = _json_bytes({"error": "server_busy", "message": BUSY_TEXT})
    head = [
        "HTTP/1.0 503 Service Unavailable",
        "Content-Type: application/json; charset=utf-8",
        f"Content-Length: {len(body)}",
        f"Retry-After: {BUSY_RETRY_AFTER_S}",
        "Cache-Control: no-store",
        "Connection: close",
        *(f"{name}: {value}" for name, value in SECURITY_HEADERS.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


class _DeadlineReader(io.RawIOBase):
    """Reads from a socket, but only until a deadline set per request.

    A plain socket time-out restarts with every byte, so a client trickling one byte
    every few seconds would hold a worker for ever; the deadline bounds the whole request.
    """

    def __init__(self, sock: socket.socket, write_timeout_s: float) -> None:
        self._sock = sock
        self._write_timeout_s = write_timeout_s
        self.deadline = time.monotonic() + REQUEST_READ_TIMEOUT_S

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._sock.settimeout(remaining)
        try:
            return self._sock.recv_into(buffer)
        finally:
            # Writes get their own, fixed time-out.
            self._sock.settimeout(self._write_timeout_s)


class WebServer(HTTPServer):
    """The page server: a fixed pool of workers takes connections from a bounded queue."""

    def __init__(self, address: tuple[str, int], rasa_url: str,
                 static_dir: Path = STATIC_DIR, *, workers: int = WORKERS,
                 queue_size: int = QUEUE_SIZE,
                 read_timeout_s: float = REQUEST_READ_TIMEOUT_S) -> None:
        super().__init__(address, PageHandler)
        self.rasa_url = rasa_url.rstrip("/")
        self.static_dir = static_dir
        self.assets = Assets(static_dir)
        self.read_timeout_s = read_timeout_s
        self.queue_size = queue_size
        # Unbounded as a data structure so stop sentinels always fit; the bound is
        # checked in process_request, the only producer.
        self._pending: queue.Queue[tuple[socket.socket, object] | None] = queue.Queue()
        self._workers = [threading.Thread(target=self._work, name=f"web-worker-{n}", daemon=True)
                         for n in range(workers)]
        for worker in self._workers:
            worker.start()

    @property
    def waiting(self) -> int:
        """Accepted connections waiting for a worker (approximate while workers take them)."""
        return self._pending.qsize()

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        if self._pending.qsize() >= self.queue_size:
            self._reject(request)
            return
        self._pending.put((request, client_address))

    def _work(self) -> None:
        while True:
            item = self._pending.get()
            if item is None:
                return
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - one bad connection must not end the worker
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def _reject(self, request: socket.socket) -> None:
        """A quick 503 on the accepting thread; it must never wait for the client."""
        try:
            # Whatever the client already sent is read first: closing a socket with
            # unread data resets it, and the client might never see the 503.
            request.setblocking(False)
            try:
                while request.recv(65536):
                    pass
            except OSError:
                pass
            request.settimeout(0.5)
            request.sendall(_busy_response())
        except OSError:
            pass
        finally:
            self.shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        for _ in self._workers:
            self._pending.put(None)


class PageHandler(BaseHTTPRequestHandler):
    server: WebServer
    # No version numbers in the Server header: they only help attackers.
    server_version = "mensenhandel-web"
    # Until the first request's deadline is in place (setup), reads wait this long.
    timeout = REQUEST_READ_TIMEOUT_S

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        # Closed, not just dropped: the socket is only really closed once its files are.
        self.rfile.close()
        self._reader = _DeadlineReader(self.connection, WRITE_TIMEOUT_S)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        # The deadline counts from the moment the server waits for this request.
        self._reader.deadline = time.monotonic() + self.server.read_timeout_s
        super().handle_one_request()

    # Every response, including the standard library's own error pages, gets these.
    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        # Request lines only (no bodies): chat messages may contain personal details.
        sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, status: int, body: bytes, content_type: str,
              cache: str = "no-store", extra_headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if status not in (204, 304):
            # A 204 or 304 has no body, so neither a type nor a length.
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)

    def _send_json(self, status: int, data: object) -> None:
        self._send(status, _json_bytes(data), "application/json; charset=utf-8")

    def _send_text(self, body: bytes, content_type: str, cache: str = "no-store",
                   headers: dict[str, str] | None = None, gzipped: bytes | None = None) -> None:
        """A 200 with a text body, gzipped when the client accepts it."""
        headers = {**(headers or {}), "Vary": "Accept-Encoding"}
        if gzipped is None and len(body) >= GZIP_MIN_BYTES:
            gzipped = gzip.compress(body, 6, mtime=0)
        if gzipped is not None and accepts_gzip(self.headers.get("Accept-Encoding")):
            headers["Content-Encoding"] = "gzip"
            body = gzipped
        self._send(200, body, content_type, cache, headers)

    def _send_asset(self, asset: Asset, query: str) -> None:
        versioned = urllib.parse.parse_qs(query).get("v") == [asset.version]
        cache = IMMUTABLE_CACHE if versioned else REVALIDATE_CACHE
        gzipped = asset.gzipped is not None and accepts_gzip(self.headers.get("Accept-Encoding"))
        # Each encoding is its own representation, so it has its own ETag.
        etag = f'"{asset.version}-gzip"' if gzipped else f'"{asset.version}"'
        headers = {"ETag": etag, "Vary": "Accept-Encoding"}
        if etag_matches(self.headers.get("If-None-Match"), asset.version):
            self._send(304, b"", asset.content_type, cache, headers)
            return
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        self._send(200, asset.gzipped if gzipped and asset.gzipped else asset.body,
                   asset.content_type, cache, headers)

    # -- routes --------------------------------------------------------------------
    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        path = parts.path
        if path.startswith(PROXY_PREFIX):
            self._proxy()
        elif path in ("/", "/index.html"):
            page = render_page(load_sections(), assets=self.server.assets.urls())
            self._send_text(page.encode("utf-8"), "text/html; charset=utf-8")
        elif path == PAGE_CSS_PATH or path in STATIC_FILES:
            asset = self.server.assets.get(path)
            if asset is None:
                self._send_json(404, {"error": "not_found", "message": "Niet gevonden."})
                return
            self._send_asset(asset, parts.query)
        else:
            self._send_json(404, {"error": "not_found", "message": "Deze pagina bestaat niet."})

    def do_HEAD(self) -> None:
        if urllib.parse.urlsplit(self.path).path.startswith(PROXY_PREFIX):
            self._send_json(405, {"error": "method_not_allowed",
                                  "message": "Deze methode wordt niet ondersteund."})
            return
        self.do_GET()

    def do_POST(self) -> None:
        if urllib.parse.urlsplit(self.path).path.startswith(PROXY_PREFIX):
            self._proxy()
        else:
            self._send_json(405, {"error": "method_not_allowed",
                                  "message": "Deze methode wordt niet ondersteund."})

    def do_DELETE(self) -> None:
        """Erasure of one conversation; the only DELETE passed on, and only for a valid id."""
        match = ERASE_PATH.fullmatch(self.path)
        if match is None:
            self._send_json(405, {"error": "method_not_allowed",
                                  "message": "Deze methode wordt niet ondersteund."})
        elif not SENDER_PATTERN.fullmatch(match["sender"]):
            # Checked here too, so nothing but a plain id ever reaches Rasa's router.
            self._send_json(400, {"error": "invalid_sender",
                                  "message": "Het gespreksnummer is ongeldig."})
        else:
            self._proxy(f"{self.server.rasa_url}{self.path}")

    # -- proxy ---------------------------------------------------------------------
    def _upstream_url(self) -> str | None:
        parts = urllib.parse.urlsplit(self.path)
        segments = urllib.parse.unquote(parts.path).split("/")
        # "..": the proxy must only ever reach Rasa's /webhooks/ routes.
        if any(segment in (".", "..") for segment in segments):
            return None
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.server.rasa_url}{parts.path}{query}"

    def _read_body(self) -> bytes | None:
        """The request body, or None when it is too large to be a chat message."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_REQUEST_BYTES:
            return None
        return self.rfile.read(length) if length else b""

    def _proxy(self, url: str | None = None) -> None:
        url = url or self._upstream_url()
        if url is None:
            self._send_json(404, {"error": "not_found", "message": "Deze pagina bestaat niet."})
            return
        data = None
        if self.command == "POST":
            data = self._read_body()
            if data is None:
                # The unread body would be taken for the next request: close instead.
                self.close_connection = True
                self._send_json(413, {"error": "request_too_large",
                                      "message": "Uw bericht is te groot om te versturen."})
                return
        # Only the content type is passed on: no cookies or other headers that could
        # identify the person asking. The two headers the channel trusts are always
        # set here, never taken from the client: a visitor cannot pose as another
        # address to the rate limit, nor as a local tool that may choose its own ids.
        headers = {"Accept": "application/json",
                   FORWARDED_FOR_HEADER: self.client_address[0],
                   VIA_HEADER: VIA_SITE}
        if data is not None:
            headers["Content-Type"] = self.headers.get("Content-Type", "application/json")
        request = urllib.request.Request(url, data=data, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=PROXY_TIMEOUT_S) as response:
                status, upstream_headers = response.status, response.headers
                body = response.read(MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as error:
            status, upstream_headers = error.code, error.headers
            body = error.read(MAX_RESPONSE_BYTES)
        except (urllib.error.URLError, OSError) as error:
            # A time-out shows up bare while reading, or wrapped in URLError while connecting.
            if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None),
                                                             TimeoutError):
                self._send_json(504, {"error": "bot_timeout",
                                      "message": "De assistent reageert niet op tijd. "
                                                 "Probeer het zo opnieuw."})
            else:
                self._send_json(502, {"error": "bot_unreachable",
                                      "message": "De assistent is nu niet bereikbaar. "
                                                 "Probeer het zo opnieuw."})
            return
        content_type = upstream_headers.get("Content-Type", "application/json")
        extra = {}
        # The widget waits as long as the bot asks (429, 503); only a plain number is kept.
        retry_after = (upstream_headers.get("Retry-After") or "").strip()
        if RETRY_AFTER.fullmatch(retry_after):
            extra["Retry-After"] = retry_after
        self._send(status, body, content_type, extra_headers=extra)


# -- command line ----------------------------------------------------------------------
def make_server(host: str, port: int, rasa_url: str) -> WebServer:
    """A server bound to host:port (port 0 picks a free one); call serve_forever()."""
    return WebServer((host, port), rasa_url)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the page with the chat widget.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005",
                        help="where the Rasa server listens (default: %(default)s)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    server = make_server(args.host, args.port, args.rasa_url)
    port = server.server_address[1]
    print(f"Serving the page on http://localhost:{port} (bot: {server.rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
