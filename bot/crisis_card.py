"""The crisis card: the help lines as large tap targets, sent with every safety answer.

When the safety route fires (a safety topic of ``answers.yml``, or the danger text for
another language) the action sends, besides the answer's text, a custom payload that
the chat widget shows as a card: 112, the police, Meld Misdaad Anoniem and CoMensha,
each a ``tel:``/``https:`` link with the number also written out, in the citizen's
language. The answer's text keeps the numbers, so clients that read only text miss
nothing. The words live in ``content/crisis_card.yml`` and are reloaded when it changes.

No Rasa here: ``actions/answers.py`` decides when to send the card.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.page import CONTENT_DIR
from bot.reloading import ReloadingFile

logger = logging.getLogger(__name__)

CARD_FILE = CONTENT_DIR / "crisis_card.yml"
# The key of the custom payload (``json_message``) the widget looks for.
PAYLOAD_KEY = "crisis_card"
DUTCH = "nl"
# The language for a non-Dutch citizen whose language has no card words, as the
# reply itself falls back to English (bot/dialogue.py).
FALLBACK = "en"
# The words every language needs besides one label per line.
LANGUAGE_KEYS = ("title", "new_window")
DIRECTIONS = ("ltr", "rtl")
_TEL = re.compile(r"tel:\+?\d{3,15}")
_HTTPS = re.compile(r"https://[a-z0-9.-]+\.[a-z]{2,}(?:/[\w./-]*)?")


class CrisisCardError(ValueError):
    """The card file is not usable; the message says where and why."""


@dataclass(frozen=True)
class Line:
    """One help line: what a tap does and what the card shows."""

    key: str
    href: str
    shown: str

    @property
    def is_phone(self) -> bool:
        return self.href.startswith("tel:")


@dataclass(frozen=True)
class Words:
    """The card's words in one language."""

    title: str
    new_window: str
    labels: Mapping[str, str]
    direction: str = "ltr"


@dataclass(frozen=True)
class CrisisCard:
    lines: tuple[Line, ...]
    languages: Mapping[str, Words]

    def language_for(self, code: str | None) -> str:
        """The card language for a reply language: its own, else English (Dutch stays Dutch)."""
        code = (code or DUTCH).lower()
        if code in self.languages:
            return code
        return DUTCH if code == DUTCH else FALLBACK

    def payload(self, code: str | None) -> dict[str, Any]:
        """The card as the widget reads it (docs/widget.md, "The crisis card")."""
        language = self.language_for(code)
        words = self.languages[language]
        return {
            "lang": language,
            "dir": words.direction,
            "title": words.title,
            "new_window": words.new_window,
            "links": [{"label": words.labels[line.key], "shown": line.shown, "href": line.href}
                      for line in self.lines],
        }

    def message(self, code: str | None) -> dict[str, Any]:
        """The ``json_message`` for ``dispatcher.utter_message``."""
        return {PAYLOAD_KEY: self.payload(code)}


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key) if isinstance(raw, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        raise CrisisCardError(f"{where}.{key}: missing or empty")
    return value.strip()


def _line(raw: Any, where: str) -> Line:
    line = Line(_text(raw, "key", where), _text(raw, "href", where), _text(raw, "shown", where))
    if line.is_phone:
        if not _TEL.fullmatch(line.href):
            raise CrisisCardError(f"{where}.href: a tel: link has digits only, got {line.href!r}")
        # The number written out must be the number a tap dials.
        if re.sub(r"\D", "", line.shown) != re.sub(r"\D", "", line.href):
            raise CrisisCardError(f"{where}.shown: {line.shown!r} is not the number of {line.href!r}")
    elif not _HTTPS.fullmatch(line.href):
        raise CrisisCardError(f"{where}.href: only tel: and https:// links, got {line.href!r}")
    return line


def _words(raw: Any, keys: tuple[str, ...], where: str) -> Words:
    direction = raw.get("dir", "ltr") if isinstance(raw, Mapping) else "ltr"
    if direction not in DIRECTIONS:
        raise CrisisCardError(f"{where}.dir: {direction!r} is not one of {DIRECTIONS}")
    unknown = sorted(set(raw) - {*keys, *LANGUAGE_KEYS, "dir"}) if isinstance(raw, Mapping) else []
    if unknown:
        raise CrisisCardError(f"{where}: unknown key(s) {unknown}")
    return Words(title=_text(raw, "title", where), new_window=_text(raw, "new_window", where),
                 labels={key: _text(raw, key, where) for key in keys}, direction=direction)


def parse(raw: Any) -> CrisisCard:
    """The card from the parsed YAML; raises ``CrisisCardError`` for anything the widget could not show."""
    if not isinstance(raw, Mapping):
        raise CrisisCardError("the file must be a mapping with `lines` and `languages`")
    raw_lines = raw.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise CrisisCardError("lines: a list of help lines is needed")
    lines = tuple(_line(item, f"lines[{index}]") for index, item in enumerate(raw_lines))
    keys = tuple(line.key for line in lines)
    if len(set(keys)) != len(keys):
        raise CrisisCardError(f"lines: a key is used twice in {list(keys)}")
    raw_languages = raw.get("languages")
    if not isinstance(raw_languages, Mapping):
        raise CrisisCardError("languages: a mapping of language codes is needed")
    languages = {str(code): _words(words, keys, f"languages.{code}")
                 for code, words in raw_languages.items()}
    for required in (DUTCH, FALLBACK):
        if required not in languages:
            raise CrisisCardError(f"languages.{required}: this language is required")
    return CrisisCard(lines, languages)


def load(path: Path = CARD_FILE) -> CrisisCard:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))


def _reloading_card(path: Path) -> ReloadingFile[CrisisCard]:
    """The card of one file, read again when the file changes; a broken edit keeps the last good card."""
    return ReloadingFile(path, load, (CrisisCardError, yaml.YAMLError), "crisis card")


_shared = _reloading_card(CARD_FILE)


def get_card() -> CrisisCard:
    """The process-wide crisis card, reloaded when ``crisis_card.yml`` changes."""
    return _shared.get()


def crisis_message(language: str | None) -> dict[str, Any]:
    """The ``json_message`` of the crisis card for a reply in ``language`` (ISO 639-1)."""
    return get_card().message(language)
