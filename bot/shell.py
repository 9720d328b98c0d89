"""Chat with the assistant in the terminal, through the same web channel the website uses.

    python -m bot.shell [--url http://127.0.0.1:5005]

``make shell`` starts the servers and this client. Going through the REST channel
(instead of ``rasa shell``) means the terminal gets exactly what citizens get: the
input guard, redaction of personal data before anything is stored, the length limit
and the Dutch error replies.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable

TIMEOUT_S = 15
STARTUP_WAIT_S = 180


def _post(url: str, body: dict | None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else b""
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None


def wait_until_ready(base_url: str, wait_s: float = STARTUP_WAIT_S) -> bool:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/webhooks/rest/ready", timeout=2) as response:
                if response.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    return False


def new_conversation(base_url: str) -> str:
    status, reply = _post(f"{base_url}/webhooks/rest/conversations", None)
    if status != 201 or not isinstance(reply, dict):
        raise RuntimeError(f"Kon geen gesprek starten (HTTP {status}).")
    return str(reply["sender"])


def replies_for(base_url: str, sender: str, message: str) -> tuple[list[str], list[str]]:
    """The lines to print for one message and the payloads of its buttons, or the channel's error."""
    status, reply = _post(f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message})
    if status != 200 or not isinstance(reply, list):
        text = reply.get("message") if isinstance(reply, dict) else None
        return [f"Bot: {text or f'Er ging iets mis (HTTP {status}).'}"], []
    lines: list[str] = []
    payloads: list[str] = []
    for item in reply:
        if item.get("text"):
            lines.append(f"Bot: {item['text']}")
        for button in item.get("buttons") or []:
            payloads.append(str(button.get("payload")))
            lines.append(f"  [{len(payloads)}] {button.get('title')}")
    return lines, payloads


def chat(base_url: str, read: Callable[[str], str] = input,
         write: Callable[[str], None] = print) -> int:
    """Read questions until /stop or end of input; a button is chosen by typing its number."""
    sender = new_conversation(base_url)
    write("Typ uw vraag. Een knop kiest u met het nummer. Stoppen: /stop of Ctrl-D.")
    payloads: list[str] = []
    while True:
        try:
            message = read("U: ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return 0
        if message in ("/stop", "/exit", "/quit"):
            return 0
        if message.isdigit() and 0 < int(message) <= len(payloads):
            message = payloads[int(message) - 1]
        lines, payloads = replies_for(base_url, sender, message)
        for line in lines:
            write(line)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not wait_until_ready(args.url):
        print(f"De assistent op {args.url} is niet bereikbaar.", file=sys.stderr)
        return 1
    return chat(args.url)


if __name__ == "__main__":
    sys.exit(main())
