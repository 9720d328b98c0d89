"""The table of must-redact and must-keep messages in pii_corpus.yml, run against bot.pii."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.pii import redact

CORPUS_FILE = Path(__file__).with_name("pii_corpus.yml")
CORPUS: dict[str, list[Any]] = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))


def _case_id(case: dict[str, Any] | str) -> str:
    return (case["text"] if isinstance(case, dict) else case)[:60]


def test_corpus_is_large_and_well_formed():
    assert len(CORPUS["redact"]) + len(CORPUS["keep"]) >= 150
    for case in CORPUS["redact"]:
        assert set(case) <= {"text", "kind", "value", "keep"}, case
        for value in case["value"]:
            assert value in case["text"], case
        for words in case.get("keep", []):
            assert words in case["text"], case
    assert all(isinstance(text, str) for text in CORPUS["keep"])


@pytest.mark.parametrize("case", CORPUS["redact"], ids=_case_id)
def test_personal_data_is_redacted(case: dict[str, Any]):
    result = redact(case["text"])
    assert case["kind"] in result.kinds, result
    for value in case["value"]:
        assert value not in result.text, result
    for words in case.get("keep", []):
        assert words in result.text, result


@pytest.mark.parametrize("text", CORPUS["keep"], ids=_case_id)
def test_public_facts_and_ordinary_words_are_kept(text: str):
    result = redact(text)
    assert result.text == text
    assert result.kinds == ()
