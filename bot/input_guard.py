"""Checks on what a client sends before any of it reaches Rasa.

Pure functions so they are tested without a server; ``bot.channel`` applies them.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

# A chat message plus JSON overhead fits easily; anything larger is not a chat message.
MAX_BODY_BYTES = 16 * 1024
MAX_MESSAGE_CHARS = 1000
# Server-issued ids are 43 characters; client-chosen ids (local runs, tests) are
# accepted in the same alphabet so they cannot carry markup or paths.
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.-]{8,100}")

_KEEP_CONTROLS = {"\n", "\t"}
# Markup pasted into the chat ("<b>", "<img src=x onerror=...>") carries no question.
_MARKUP_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
# Script and style elements hold code, never the citizen's words: dropped whole.
_CODE_ELEMENT = re.compile(r"<(script|style)\b[^<>]{0,500}>.{0,2000}?</\1\s*>",
                           re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class RequestError(Exception):
    status: int
    error: str
    # Dutch, safe to show in the widget.
    message: str


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str


def normalise_text(text: str) -> str:
    """NFKC-normalise, drop control and format characters (NUL, RTL override...) and HTML tags."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKUP_TAG.sub(" ", _CODE_ELEMENT.sub(" ", text))
    kept = []
    for char in text:
        if char in _KEEP_CONTROLS:
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            kept.append(char)
    return re.sub(r" {2,}", " ", "".join(kept)).strip()


def parse_chat_request(body: bytes) -> ChatRequest:
    """The sender and message of a REST webhook body, or RequestError saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(413, "body_too_large",
                           f"Het verzoek is te groot (maximaal {MAX_BODY_BYTES // 1024} kB).")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RequestError(400, "invalid_json", "Het verzoek is geen geldige JSON.") from None
    if not isinstance(data, dict):
        raise RequestError(400, "invalid_body",
                           "Stuur een JSON-object met 'sender' en 'message'.")
    sender = data.get("sender")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        raise RequestError(400, "invalid_sender",
                           "Het gespreksnummer ('sender') ontbreekt of is ongeldig.")
    message = data.get("message")
    if not isinstance(message, str):
        raise RequestError(400, "invalid_message", "Het bericht ('message') moet tekst zijn.")
    return ChatRequest(sender=sender, message=message)


def is_too_long(message: str, limit: int = MAX_MESSAGE_CHARS) -> bool:
    return len(message) > limit


def neutralise_payload(message: str, offered_payloads: Collection[str]) -> str:
    """Keep a "/intent" payload only if the bot itself offers it; else treat it as text.

    Rasa reads any message starting with "/" as an intent with slot values, which
    would let a client skip NLU and set slots.
    """
    if not message.startswith("/") or message in offered_payloads:
        return message
    return message.lstrip("/").strip()
