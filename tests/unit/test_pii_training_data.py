"""Redaction leaves the bot's own sentences alone: training data, held-out sets, answers, page."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.page import CONTENT_DIR, PAGE_FILE
from bot.pii import PLACEHOLDERS, redact
from bot.training_data import training_examples

ROOT = Path(__file__).resolve().parents[2]
HELDOUT_DIR = ROOT / "tests" / "nlu"
EVAL_DIR = ROOT / "tests" / "eval"


def _questions(node: Any) -> Iterator[str]:
    """Every ``q:`` of an end-to-end question file, at any depth (cases and their turns)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "q" and isinstance(value, str):
                yield value
            else:
                yield from _questions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _questions(value)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


TRAINING = [text for _, text in training_examples()]
HELDOUT = [text for _, text in training_examples(HELDOUT_DIR)]
EVAL = [question for path in sorted(EVAL_DIR.glob("*.yml"))
        for question in _questions(yaml.safe_load(path.read_text(encoding="utf-8")))]
ANSWERS = [" ".join(text.split()) for text in
           _strings(yaml.safe_load((CONTENT_DIR / "answers.yml").read_text(encoding="utf-8")))]
PAGE = [line for line in PAGE_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_sets_are_read():
    # Guards against a moved folder silently turning the checks below into no-ops.
    assert len(TRAINING) > 2000
    assert len(HELDOUT) > 200
    assert len(EVAL) > 50
    assert len(ANSWERS) > 100
    assert any("Bolhaar" in line for line in PAGE)


def _changed(texts: list[str]) -> list[tuple[str, str]]:
    return [(text, result.text) for text in texts if (result := redact(text)).text != text]


@pytest.mark.parametrize(("name", "texts"), [("training", TRAINING), ("held-out", HELDOUT),
                                               ("end-to-end questions", EVAL)])
def test_redaction_changes_no_question_of_the_bot(name: str, texts: list[str]):
    # A sentence with a placeholder in it must come back as it is, too: the
    # redactor must not read its own placeholders as personal data.
    assert _changed(texts) == [], name


def test_placeholders_in_training_data_are_known():
    with_placeholder = [text for text in TRAINING if "[" in text]
    assert with_placeholder, "data/nlu has examples with placeholders"
    known = set(PLACEHOLDERS.values())
    for text in with_placeholder:
        assert any(placeholder in text for placeholder in known), text


def test_redaction_changes_no_answer_or_page_line():
    # `make check` runs every answer through redact(); a public fact must not read as personal data.
    assert _changed(ANSWERS) == []
    assert _changed(PAGE) == []
