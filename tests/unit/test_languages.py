"""bot.languages: language identification and danger in other languages.

The sentences in multilingual_sentences.yml were written before the word lists.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.languages import detect_language, sounds_like_danger_abroad
from bot.training_data import NON_DUTCH_INTENT, training_examples

SENTENCES = yaml.safe_load((Path(__file__).parent / "multilingual_sentences.yml").read_text(encoding="utf-8"))
LANGUAGES = SENTENCES["languages"]
ROOT = Path(__file__).resolve().parents[2]


def _cases(kind: str) -> list[tuple[str, str]]:
    return [(code, sentence) for code, lists in LANGUAGES.items() for sentence in lists[kind]]


@pytest.mark.parametrize(("code", "sentence"), _cases("danger"))
def test_danger_in_another_language_leaves_the_dutch_route(code, sentence):
    assert detect_language(sentence).code != "nl"


def test_danger_in_other_languages_is_recognised():
    missed = [sentence for _, sentence in _cases("danger") if not sounds_like_danger_abroad(sentence)]
    # Every one still gets 112 through the notice; the word list must catch nearly all.
    assert len(missed) <= len(_cases("danger")) // 50, missed


@pytest.mark.parametrize(("code", "sentence"), _cases("harmless"))
def test_harmless_sentences_are_not_danger(code, sentence):
    assert not sounds_like_danger_abroad(sentence)


def test_most_harmless_foreign_sentences_are_recognised_as_foreign():
    cases = _cases("harmless")
    dutch = [sentence for _, sentence in cases if detect_language(sentence).code == "nl"]
    assert len(dutch) <= len(cases) // 10, dutch


@pytest.mark.parametrize("code", ["en", "pl", "ro", "bg", "uk", "es", "pt", "ar"])
def test_required_languages_are_identified(code):
    sentences = LANGUAGES[code]["danger"] + LANGUAGES[code]["harmless"]
    right = sum(detect_language(sentence).code == code for sentence in sentences)
    assert right >= 0.75 * len(sentences)


@pytest.mark.parametrize("sentence", SENTENCES["dutch_lookalikes"])
def test_dutch_lookalikes_stay_dutch(sentence):
    assert detect_language(sentence).code == "nl"


def _dutch_sentences(folder: Path) -> list[str]:
    return [text for intent, text in training_examples(folder) if intent != NON_DUTCH_INTENT]


@pytest.mark.parametrize("folder", ["data/nlu", "tests/nlu"])
def test_no_dutch_example_goes_to_the_non_dutch_route(folder):
    leaving = [text for text in _dutch_sentences(ROOT / folder) if detect_language(text).code != "nl"]
    assert not leaving


def test_short_and_empty_messages_are_dutch():
    for text in ["", "  ", "ok", "hoi", "qwerty", "112"]:
        assert detect_language(text).code == "nl"
