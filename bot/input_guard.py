"""Checks on what a client sends before any of it reaches Rasa.

Pure functions so they are tested without a server; ``bot.channel`` applies them.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# A chat message plus JSON overhead fits easily; anything larger is not a chat message.
MAX_BODY_BYTES = 16 * 1024
MAX_MESSAGE_CHARS = 1000
# Server-issued ids are 43 characters; client-chosen ids (local runs, tests) are
# accepted in the same alphabet so they cannot carry markup or paths.
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.-]{8,100}")
JSON_MEDIA_TYPE = "application/json"
# The body is decoded as UTF-8, so a client announcing another charset is refused
# rather than misread.
_UTF8_CHARSETS = {"utf-8", "utf8"}

_KEEP_CONTROLS = {"\n", "\t"}
# Control, format, surrogate and private-use characters carry no words.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}
# Markup pasted into the chat ("<b>", "<img src=x onerror=...>") carries no question.
_MARKUP_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
# Script and style elements hold code, never the citizen's words: dropped whole.
_CODE_ELEMENT = re.compile(r"<(script|style)\b[^<>]{0,500}>.{0,2000}?</\1\s*>",
                           re.IGNORECASE | re.DOTALL)
_TAG_START = re.compile(r"<(?=/?[A-Za-z])")


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
    """Drop control and format characters (NUL, RTL override...), NFKC-normalise, drop HTML tags.

    Idempotent, so the text NLU sees and the text stored are the same whichever
    way round the guard and other code apply it.
    """
    # Dropped before NFKC: "e", a zero-width space and an accent would otherwise
    # become "é" only on a second pass. NFKC produces none of these categories.
    kept = []
    for char in text:
        if char in _KEEP_CONTROLS:
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            kept.append(char)
    text = unicodedata.normalize("NFKC", "".join(kept))
    text = _MARKUP_TAG.sub(" ", _CODE_ELEMENT.sub(" ", text))
    # Removing "<b>" from "<scr<b>ipt>" leaves a new tag; a "<" still followed by a
    # letter is split off so no tag remains for a second pass to find.
    text = _TAG_START.sub("< ", text)
    return re.sub(r" {2,}", " ", text).strip()


def is_json_content_type(content_type: str | None) -> bool:
    """``application/json``, optionally with a UTF-8 charset; anything else (or none) is not.

    Browsers send ``text/plain`` and form types across origins without asking first
    (no CORS preflight), so accepting only JSON keeps other sites from posting here.
    """
    if content_type is None:
        return False
    media_type, *parameters = content_type.split(";")
    if media_type.strip().lower() != JSON_MEDIA_TYPE:
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() != "charset" or \
                value.strip().strip('"').lower() not in _UTF8_CHARSETS:
            return False
    return True


def _decode_json(body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    except RecursionError:
        # Thousands of nested brackets fit in the size limit; not worth a traceback.
        logger.warning("Rejected a request body: JSON nested too deeply")
    except ValueError as error:
        # JSONDecodeError, or an integer longer than Python converts (4300 digits).
        if not isinstance(error, json.JSONDecodeError):
            logger.warning("Rejected a request body: a number with too many digits")
    raise RequestError(400, "invalid_json", "Het verzoek is geen geldige JSON.")


def parse_chat_request(body: bytes, *, content_type: str | None = JSON_MEDIA_TYPE) -> ChatRequest:
    """The sender and message of a REST webhook body, or RequestError saying what is wrong.

    ``content_type`` is the request's Content-Type header, None when it is missing.
    """
    if not is_json_content_type(content_type):
        raise RequestError(415, "unsupported_media_type",
                           "Stuur het verzoek als JSON (Content-Type: application/json).")
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(413, "body_too_large",
                           f"Het verzoek is te groot (maximaal {MAX_BODY_BYTES // 1024} kB).")
    data = _decode_json(body)
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
