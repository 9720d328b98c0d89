"""The crisis card's content file and payload (bot/crisis_card.py)."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import crisis_card
from bot.content import ANSWERS_FILE
from bot.crisis_card import (
    CARD_FILE,
    PAYLOAD_KEY,
    CrisisCardError,
    _reloading_card,
    crisis_message,
    load,
    parse,
)

HREFS = ["tel:112", "tel:09008844", "tel:08007000", "https://www.comensha.nl"]
SHOWN = ["112", "0900-8844", "0800-7000", "www.comensha.nl"]
# The brief's minimum; answers.yml may have more (checked below).
REQUIRED = ("nl", "en", "pl", "ro", "bg", "uk", "es", "pt", "ar")


def _raw() -> dict[str, Any]:
    return yaml.safe_load(CARD_FILE.read_text(encoding="utf-8"))


def test_the_card_has_the_four_help_lines_with_their_numbers_visible() -> None:
    payload = load().payload("nl")
    assert [link["href"] for link in payload["links"]] == HREFS
    assert [link["shown"] for link in payload["links"]] == SHOWN
    assert all(link["label"] for link in payload["links"])


def test_every_language_of_the_answers_file_and_the_required_ones_have_words() -> None:
    answers = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    card = load()
    assert set(REQUIRED) <= set(card.languages)
    assert set(answers["languages"]) <= set(card.languages)


def test_the_names_of_the_organisations_are_on_the_card_in_every_language() -> None:
    for code, words in load().languages.items():
        assert "Meld Misdaad Anoniem" in words.labels["anonymous"], code
        assert "CoMensha" in words.labels["comensha"], code


def test_labels_are_short_and_plain() -> None:
    for code, words in load().languages.items():
        for text in (words.title, *words.labels.values()):
            assert len(text.split()) <= 10, (code, text)
            assert not re.search(r"[<>{}]|https?:", text), (code, text)


def test_dutch_says_u() -> None:
    words = load().languages["nl"]
    texts = " ".join((words.title, *words.labels.values())).lower()
    assert re.search(r"\bu\b", texts)
    assert not re.search(r"\b(je|jij|jouw|jou)\b", texts)


def test_the_payload_is_marked_with_its_language_and_direction() -> None:
    card = load()
    english = card.payload("en")
    assert english["lang"] == "en" and english["dir"] == "ltr"
    assert english["links"][0]["label"] != card.payload("nl")["links"][0]["label"]
    assert english["new_window"] == "opens in a new window"
    assert card.payload("ar")["dir"] == "rtl"
    assert card.payload("uk")["links"][1]["label"].startswith("Поліція")


@pytest.mark.parametrize(("code", "expected"), [
    ("nl", "nl"), (None, "nl"), ("", "nl"), ("EN", "en"), ("pl", "pl"),
    # A language without card words gets English, as the reply does.
    ("xx", "en"), ("zh", "en"),
])
def test_the_card_language_follows_the_reply(code: str | None, expected: str) -> None:
    assert load().language_for(code) == expected


def test_the_message_is_the_custom_payload_the_widget_reads() -> None:
    message = crisis_message("ro")
    assert list(message) == [PAYLOAD_KEY]
    assert message[PAYLOAD_KEY]["lang"] == "ro"
    assert [link["href"] for link in message[PAYLOAD_KEY]["links"]] == HREFS


@pytest.mark.parametrize(("change", "problem"), [
    (lambda raw: raw["lines"][0].update(href="javascript:alert(1)"), "only tel: and https://"),
    (lambda raw: raw["lines"][3].update(href="http://www.comensha.nl"), "only tel: and https://"),
    (lambda raw: raw["lines"][1].update(href="tel:0900-8844"), "digits only"),
    (lambda raw: raw["lines"][1].update(shown="0900-8845"), "is not the number"),
    (lambda raw: raw["lines"].append(dict(raw["lines"][0])), "used twice"),
    (lambda raw: raw["languages"]["pl"].pop("police"), "languages.pl.police"),
    (lambda raw: raw["languages"]["ro"].update(title="  "), "languages.ro.title"),
    (lambda raw: raw["languages"]["es"].update(polize="x"), "unknown key"),
    (lambda raw: raw["languages"]["ar"].update(dir="up"), "languages.ar.dir"),
    (lambda raw: raw["languages"].pop("en"), "languages.en"),
    (lambda raw: raw.pop("lines"), "lines"),
])
def test_a_broken_file_is_refused_with_where(change, problem: str) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(CrisisCardError, match=re.escape(problem)):
        parse(raw)


def test_the_card_is_reloaded_when_the_file_changes_and_a_broken_edit_keeps_the_last(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "crisis_card.yml"
    raw = _raw()
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    shared = _reloading_card(path)
    assert shared.get().payload("nl")["title"] == raw["languages"]["nl"]["title"]

    raw["languages"]["nl"]["title"] = "Hulp nodig?"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    os.utime(path, ns=(1, 10**18))
    assert shared.get().payload("nl")["title"] == "Hulp nodig?"

    path.write_text("lines: [", encoding="utf-8")
    os.utime(path, ns=(1, 2 * 10**18))
    assert shared.get().payload("nl")["title"] == "Hulp nodig?"
    assert "Kept the previous crisis card" in caplog.text


def test_the_shared_card_is_the_file_in_the_repository() -> None:
    assert crisis_card.get_card() == load()
