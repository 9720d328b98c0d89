"""The answers file (``bot/content/answers.yml``): loading and structural checks.

All copy the assistant says lives in that one YAML file so support staff can change
an answer without touching Python or retraining. This module turns it into typed
objects and refuses a file that would make the bot answer wrongly or not at all.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.page import CONTENT_DIR, section_headings

ANSWERS_FILE = CONTENT_DIR / "answers.yml"

PHASES = ("before", "on_the_day", "after")
FOLLOWUP_KEYS = ("where", "when", "who", "more")
KIND_PAGE = "page"
KIND_SAFETY = "safety"
KIND_CONVERSATION = "conversation"
# Messages the bot sends by itself (fallback, errors), not in reply to an intent.
KIND_SYSTEM = "system"


class ContentError(ValueError):
    """The answers file is not usable; the message says where and why.

    ``where`` is the dotted path in the file ("topics.avim.section"), ``problem``
    a stable code and ``detail`` its values, so other tools (the Dutch checks in
    ``bot.staff.check``) can explain the error without parsing the English text.
    """

    def __init__(self, where: str, problem: str, explanation: str, **detail: object) -> None:
        super().__init__(f"{where}: {explanation}" if where else explanation)
        self.where = where
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class Topic:
    topic_id: str
    title: str
    kind: str
    # One text, or one per debate phase (see PHASES).
    answer: str | Mapping[str, str]
    section: str | None = None
    source: str | None = None
    related: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_date_dependent(self) -> bool:
        return not isinstance(self.answer, str)

    @property
    def answers_a_question(self) -> bool:
        """Page and safety topics answer a question; small talk and system messages do not."""
        return self.kind in (KIND_PAGE, KIND_SAFETY)

    @property
    def is_system_message(self) -> bool:
        return self.kind == KIND_SYSTEM


@dataclass(frozen=True)
class Followup:
    intent: str
    key: str
    default_topic: str


@dataclass(frozen=True)
class Content:
    updated: dt.date
    page_title: str
    debate_date: dt.date
    debate_label: str
    # The page's first heading: its title line, above the introduction.
    intro_heading: str
    topics: Mapping[str, Topic]
    followups: Mapping[str, Followup]

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]


def _require(mapping: Mapping, key: str, where: str) -> object:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise ContentError(where, "missing", f"missing '{key}'", key=key)
    return mapping[key]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(where, "empty_text", "must be a non-empty text")
    return " ".join(value.split())


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ContentError(where, "not_a_date", f"not a date (YYYY-MM-DD): {value!r}") from error


def _parse_answer(value: object, where: str) -> str | dict[str, str]:
    if isinstance(value, Mapping):
        missing = [phase for phase in PHASES if phase not in value]
        extra = [key for key in value if key not in PHASES]
        if missing or extra:
            raise ContentError(
                where, "phases",
                f"a dated answer needs exactly {', '.join(PHASES)}"
                f" (missing: {missing}, unknown: {extra})",
                missing=missing, unknown=extra,
            )
        return {phase: _text(value[phase], f"{where}.{phase}") for phase in PHASES}
    return _text(value, where)


def _parse_topic(topic_id: str, raw: object, headings: list[str]) -> Topic:
    where = f"topics.{topic_id}"
    if not isinstance(raw, Mapping):
        raise ContentError(where, "not_a_mapping", "must be a mapping with title, answer and section")
    section = raw.get("section")
    source = raw.get("source")
    kind = raw.get("kind")
    if kind is None:
        kind = KIND_PAGE if section is not None else KIND_SAFETY
    if kind == KIND_PAGE:
        section = _text(section, f"{where}.section")
        if section not in headings:
            raise ContentError(
                f"{where}.section", "unknown_section",
                f"'{section}' is not a heading of the page; use one of: {'; '.join(headings)}",
                section=section,
            )
    elif kind == KIND_SAFETY:
        source = _text(source, f"{where}.source")
    elif kind not in (KIND_CONVERSATION, KIND_SYSTEM):
        raise ContentError(f"{where}.kind", "unknown_kind", f"unknown kind {kind!r}", kind=kind)
    related = {key: str(raw[key]) for key in FOLLOWUP_KEYS if key in raw}
    return Topic(
        topic_id=topic_id,
        title=_text(_require(raw, "title", where), f"{where}.title"),
        kind=kind,
        answer=_parse_answer(_require(raw, "answer", where), f"{where}.answer"),
        section=section,
        source=source,
        related=related,
    )


def parse_content(raw: object, headings: list[str]) -> Content:
    """Build and check Content from the parsed YAML of the answers file."""
    if not isinstance(raw, Mapping):
        raise ContentError("", "not_a_yaml_mapping", "the answers file must be a YAML mapping")
    raw_topics = _require(raw, "topics", "answers file")
    if not isinstance(raw_topics, Mapping) or not raw_topics:
        raise ContentError("topics", "no_topics", "must list at least one topic")
    topics = {str(tid): _parse_topic(str(tid), value, headings) for tid, value in raw_topics.items()}

    for topic in topics.values():
        for key, target in topic.related.items():
            if target not in topics:
                raise ContentError(f"topics.{topic.topic_id}.{key}", "unknown_topic",
                                   f"unknown topic '{target}'", topic=target)

    followups: dict[str, Followup] = {}
    for intent, spec in (raw.get("followups") or {}).items():
        where = f"followups.{intent}"
        key = str(_require(spec, "key", where))
        default = str(_require(spec, "default", where))
        if key not in FOLLOWUP_KEYS:
            raise ContentError(f"{where}.key", "bad_followup_key", f"must be one of {FOLLOWUP_KEYS}")
        if default not in topics:
            raise ContentError(f"{where}.default", "unknown_topic", f"unknown topic '{default}'",
                               topic=default)
        followups[str(intent)] = Followup(str(intent), key, default)

    debate = _require(raw, "debate", "answers file")
    page = _require(raw, "page", "answers file")
    return Content(
        updated=_date(_require(raw, "updated", "answers file"), "updated"),
        page_title=_text(_require(page, "title", "page"), "page.title"),
        debate_date=_date(_require(debate, "date", "debate"), "debate.date"),
        debate_label=_text(_require(debate, "label", "debate"), "debate.label"),
        intro_heading=headings[0],
        topics=topics,
        followups=followups,
    )


def load_content(path: Path = ANSWERS_FILE) -> Content:
    """Read and check the answers file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError(path.name, "invalid_yaml", f"not valid YAML: {error}") from error
    return parse_content(raw, section_headings())
