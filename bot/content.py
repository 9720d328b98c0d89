"""The answers file (``bot/content/answers.yml``): loading and structural checks.

All copy the assistant says lives in that one YAML file so support staff can change
an answer without touching Python or retraining. This module turns it into typed
objects and refuses a file that would make the bot answer wrongly or not at all.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.page import CONTENT_DIR, LINK_HOSTS, section_headings

ANSWERS_FILE = CONTENT_DIR / "answers.yml"

PHASES = ("before", "on_the_day", "after")
# Aspects of a topic a citizen can ask about: a topic links an aspect to the topic
# (often a `detail`) that answers it, so a follow-up asking why, or a question about
# the years a monitor covers, reaches one fact. `only` answers "alleen ...?" misconceptions.
ASPECT_KEYS = ("where", "when", "who", "more", "why", "count", "period", "money", "only")
# Kinds of claim a yes/no question can make that a topic's `checks` can confirm or correct.
CHECK_KINDS = ("year", "number", "place", "role", "country")
KIND_PAGE = "page"
# One fact of the page, reached through a topic's aspect link, not by an intent of its own.
KIND_DETAIL = "detail"
KIND_SAFETY = "safety"
# A form of exploitation a described situation points to: a safety answer chosen by the
# words of a `situation` message (bot/situations.py), not by an intent of its own.
KIND_FORM = "form"
SAFETY_KINDS = (KIND_SAFETY, KIND_FORM)
KIND_CONVERSATION = "conversation"
# Messages the bot sends by itself (fallback, errors), not in reply to an intent.
KIND_SYSTEM = "system"
# The values the web channel fills into its own messages, by plain replacement: a
# stray "{" typed by staff can never break the error path; ``make check`` names
# any other brace in an answer.
TEMPLATE_VALUES: dict[str, tuple[str, ...]] = {"message_too_long": ("limit",),
                                               "too_many_requests": ("seconds",)}


# -- links in answers -------------------------------------------------------------------
# An answer may hold links written as in Markdown: "[comensha.nl](https://www.comensha.nl)"
# or "[0900-8844](tel:09008844)". Only https to a host of LINK_HOSTS and tel: with the
# number that is also written in the link's words; `make check` explains every other
# link (bot/staff/check.py). Clients read the answer as plain text (see render_links),
# the chat widget gets the links beside it (Reply.links in bot/knowledge.py).
LINK_PATTERN = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*)\)")
_HTTPS_LINK = re.compile(r"https://([a-z0-9.-]+)(/[\w./-]*)?")
_TEL_LINK = re.compile(r"tel:(\+?\d{3,15})")
# A list item of an answer: a line that starts with "- " (written in a `|` block).
LIST_ITEM = "- "


@dataclass(frozen=True)
class Link:
    """One link of an answer (or of its source line)."""

    # The words shown as the link.
    text: str
    href: str
    # What stands in the plain text in its place: the words, plus the site when they do
    # not name it ("de website van de Tweede Kamer (tweedekamer.nl)").
    plain: str

    def as_payload(self) -> dict[str, str]:
        return {"text": self.text, "plain": self.plain, "href": self.href}


def link_problem(text: str, href: str) -> str | None:
    """Why a link of an answer may not be shown as a link; None when it may.

    Stable codes for bot.staff.check: ``empty`` (no words), ``scheme`` (not https: or
    tel:), ``http`` (http: instead of https:), ``malformed``, ``host`` (not in
    LINK_HOSTS), ``tel_digits`` (the words do not show the number dialled).
    """
    if not text.strip():
        return "empty"
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if scheme == "tel":
        number = _TEL_LINK.fullmatch(href)
        if not number:
            return "malformed"
        if re.sub(r"\D", "", text) != re.sub(r"\D", "", number.group(1)):
            return "tel_digits"
        return None
    if scheme == "http":
        return "http"
    if scheme != "https":
        return "scheme" if re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme) else "malformed"
    web = _HTTPS_LINK.fullmatch(href)
    if not web or ".." in web.group(1) or "." not in web.group(1):
        return "malformed"
    if web.group(1) not in LINK_HOSTS:
        return "host"
    return None


def _plain(text: str, href: str) -> str:
    if href.startswith("tel:"):
        return text
    site = href.removeprefix("https://").removeprefix("www.").rstrip("/")
    return text if site.lower() in text.lower() else f"{text} ({site})"


def render_links(markup: str) -> tuple[str, tuple[Link, ...]]:
    """The plain text of an answer and its links, in order.

    A safe link becomes its ``plain`` words; an unsafe one (which ``make check``
    refuses) only its words, and no link.
    """
    links: list[Link] = []

    def replace(match: re.Match[str]) -> str:
        text, href = " ".join(match.group(1).split()), match.group(2)
        if link_problem(text, href):
            return text
        link = Link(text, href, _plain(text, href))
        links.append(link)
        return link.plain

    return LINK_PATTERN.sub(replace, markup), tuple(links)


def shown_text(markup: str) -> str:
    """An answer as the chat shows it, each link as its words: what readability is measured on
    (a site in brackets after the words is a reference, not a longer sentence)."""
    return LINK_PATTERN.sub(lambda match: " ".join(match.group(1).split()), markup)


def plain_text(markup: str) -> str:
    """What clients that read only text get for an answer written with links."""
    return render_links(markup)[0]


def answer_lines(value: str) -> str:
    """An answer's text with its whitespace tidied: lines of prose joined by spaces, as
    YAML folds them, but every list item ("- ...") on a line of its own. An indented
    line after an item continues it; a line after the list that is not indented starts
    a new line of prose."""
    lines: list[str] = []
    for raw in value.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        item = line.startswith(LIST_ITEM)
        if lines and not item and (not lines[-1].startswith(LIST_ITEM) or raw[:1].isspace()):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


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
    # One text, or one per debate phase (see PHASES): the plain text citizens read.
    answer: str | Mapping[str, str]
    section: str | None = None
    source: str | None = None
    related: Mapping[str, str] = field(default_factory=dict)
    # Words citizens use for this topic, to find it inside comparisons and double questions.
    names: tuple[str, ...] = ()
    # What a yes/no question about this topic is checked against, per CHECK_KINDS.
    checks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # "ja" when a plain yes/no question about this topic is answered with yes.
    yes_no: str | None = None
    # The answer as written, with its links ("[tekst](https://...)"); same shape as
    # `answer`. None when it has no links.
    markup: str | Mapping[str, str] | None = None

    @property
    def is_date_dependent(self) -> bool:
        return not isinstance(self.answer, str)

    @property
    def answers_a_question(self) -> bool:
        """Page, detail and safety topics answer a question; small talk and system messages do not."""
        return self.kind in (KIND_PAGE, KIND_DETAIL, *SAFETY_KINDS)

    @property
    def has_intent(self) -> bool:
        """Details are reached through another topic's aspect link, forms by a situation's words,
        every other topic by an intent."""
        return self.kind not in (KIND_DETAIL, KIND_FORM)

    @property
    def is_safety(self) -> bool:
        """Safety answers (112 first) are given as they are: no aspect, no "Ja."/"Nee."."""
        return self.kind in SAFETY_KINDS

    @property
    def is_system_message(self) -> bool:
        return self.kind == KIND_SYSTEM


@dataclass(frozen=True)
class Followup:
    intent: str
    # The aspect asked when the words name none ("vertel meer" -> more).
    key: str
    # Per aspect, the topic to give when the previous answer links nothing for it. An
    # aspect without one repeats the previous answer, which is the best reply to
    # "waarom?" about a topic with no why-link.
    defaults: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LanguageCopy:
    """What the bot says to someone writing in another language (no translation of answers)."""

    code: str
    name: str
    notice: str
    danger: str


@dataclass(frozen=True)
class Content:
    updated: dt.date
    page_title: str
    # When the page was written, as citizens read it ("december 2019"): in every source line.
    page_date: str | None
    debate_date: dt.date
    debate_label: str
    # The page's first heading: its title line, above the introduction.
    intro_heading: str
    topics: Mapping[str, Topic]
    followups: Mapping[str, Followup]
    languages: Mapping[str, LanguageCopy] = field(default_factory=dict)

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


def _answer(value: object, where: str) -> str:
    _text(value, where)
    return answer_lines(str(value))


def _parse_answer(value: object, where: str) -> str | dict[str, str]:
    """The answer as written (with its links and list lines); see ``plain_answer``."""
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
        return {phase: _answer(value[phase], f"{where}.{phase}") for phase in PHASES}
    return _answer(value, where)


def _plain_answer(markup: str | Mapping[str, str]) -> str | dict[str, str]:
    if isinstance(markup, str):
        return plain_text(markup)
    return {phase: plain_text(text) for phase, text in markup.items()}


def _parse_topic(topic_id: str, raw: object, headings: list[str]) -> Topic:
    where = f"topics.{topic_id}"
    if not isinstance(raw, Mapping):
        raise ContentError(where, "not_a_mapping", "must be a mapping with title, answer and section")
    section = raw.get("section")
    source = raw.get("source")
    kind = raw.get("kind")
    if kind is None:
        kind = KIND_PAGE if section is not None else KIND_SAFETY
    if kind in (KIND_PAGE, KIND_DETAIL):
        section = _text(section, f"{where}.section")
        if section not in headings:
            raise ContentError(
                f"{where}.section", "unknown_section",
                f"'{section}' is not a heading of the page; use one of: {'; '.join(headings)}",
                section=section,
            )
    elif kind in SAFETY_KINDS:
        source = _text(source, f"{where}.source")
    elif kind not in (KIND_CONVERSATION, KIND_SYSTEM):
        raise ContentError(f"{where}.kind", "unknown_kind", f"unknown kind {kind!r}", kind=kind)
    related = {key: str(raw[key]) for key in ASPECT_KEYS if key in raw}
    markup = _parse_answer(_require(raw, "answer", where), f"{where}.answer")
    answer = _plain_answer(markup)
    return Topic(
        topic_id=topic_id,
        title=_text(_require(raw, "title", where), f"{where}.title"),
        kind=kind,
        answer=answer,
        markup=markup if markup != answer else None,
        section=section,
        source=source,
        related=related,
        names=_names(raw.get("names"), f"{where}.names"),
        checks=_checks(raw.get("checks"), f"{where}.checks"),
        yes_no=_yes_no(raw.get("yes_no"), f"{where}.yes_no"),
    )


def _names(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ContentError(where, "not_a_list", "must be a list of words")
    return tuple(_text(item, f"{where}[{number}]").lower() for number, item in enumerate(value))


def _checks(value: object, where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ContentError(where, "not_a_mapping", f"must map {', '.join(CHECK_KINDS)} to a list")
    unknown = [key for key in value if key not in CHECK_KINDS]
    if unknown:
        raise ContentError(where, "unknown_check", f"unknown kind(s) {unknown}; use {CHECK_KINDS}",
                           unknown=unknown)
    # Years and numbers may be written bare (2019) or quoted ("2019").
    return {str(kind): _names([str(item) for item in (items if isinstance(items, list) else [items])],
                              f"{where}.{kind}")
            for kind, items in value.items()}


def _yes_no(value: object, where: str) -> str | None:
    if value is None:
        return None
    if value not in ("ja", "nee"):
        raise ContentError(where, "bad_yes_no", "must be 'ja' or 'nee'")
    return str(value)


def _parse_languages(raw: object) -> dict[str, LanguageCopy]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ContentError("languages", "not_a_mapping", "must map a language code to its texts")
    found = {}
    for code, spec in raw.items():
        where = f"languages.{code}"
        found[str(code)] = LanguageCopy(
            code=str(code),
            name=_text(_require(spec, "name", where), f"{where}.name"),
            notice=_text(_require(spec, "notice", where), f"{where}.notice"),
            danger=_text(_require(spec, "danger", where), f"{where}.danger"),
        )
    return found


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
        if key not in ASPECT_KEYS:
            raise ContentError(f"{where}.key", "bad_followup_key", f"must be one of {ASPECT_KEYS}")
        defaults = spec.get("defaults") or {}
        if not isinstance(defaults, Mapping):
            raise ContentError(f"{where}.defaults", "not_a_mapping", "must map aspects to topics")
        for aspect, default in defaults.items():
            if aspect not in ASPECT_KEYS:
                raise ContentError(f"{where}.defaults.{aspect}", "bad_followup_key",
                                   f"must be one of {ASPECT_KEYS}")
            if default not in topics:
                raise ContentError(f"{where}.defaults.{aspect}", "unknown_topic", f"unknown topic '{default}'",
                                   topic=default)
        followups[str(intent)] = Followup(str(intent), key, {str(a): str(t) for a, t in defaults.items()})

    debate = _require(raw, "debate", "answers file")
    page = _require(raw, "page", "answers file")
    return Content(
        updated=_date(_require(raw, "updated", "answers file"), "updated"),
        page_title=_text(_require(page, "title", "page"), "page.title"),
        page_date=_text(page["date"], "page.date") if isinstance(page, Mapping) and "date" in page else None,
        debate_date=_date(_require(debate, "date", "debate"), "debate.date"),
        debate_label=_text(_require(debate, "label", "debate"), "debate.label"),
        intro_heading=headings[0],
        topics=topics,
        followups=followups,
        languages=_parse_languages(raw.get("languages")),
    )


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    line: int
    first_line: int


def duplicate_keys(node: yaml.Node | None) -> list[DuplicateKey]:
    """Keys that occur twice in one mapping, anywhere in a YAML node tree (lines 1-based).

    YAML loaders silently keep the last of two equal keys: a copied topic block with
    an existing id would replace the original without a word.
    """
    found: list[DuplicateKey] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    line = key_node.start_mark.line + 1
                    if key_node.value in seen:
                        found.append(DuplicateKey(str(key_node.value), line, seen[key_node.value]))
                    else:
                        seen[key_node.value] = line
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found, key=lambda duplicate: duplicate.line)


def load_yaml(text: str) -> tuple[object, yaml.Node | None]:
    """The data of a YAML document and its node tree (with line numbers), from one parse."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def load_content(path: Path = ANSWERS_FILE) -> Content:
    """Read and check the answers file."""
    try:
        raw, tree = load_yaml(path.read_text(encoding="utf-8"))
        duplicates = duplicate_keys(tree)
    except yaml.YAMLError as error:
        raise ContentError(path.name, "invalid_yaml", f"not valid YAML: {error}") from error
    if duplicates:
        first = duplicates[0]
        raise ContentError(f"line {first.line}", "duplicate_key",
                           f"'{first.key}' occurs twice in one block (also on line {first.first_line})",
                           key=first.key)
    return parse_content(raw, section_headings())


def fill_template(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each ``{name}`` of ``values`` replaced; every other brace stays as it is."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def unknown_template_parts(topic_id: str, text: str) -> list[str]:
    """The braces in an answer that nothing fills in: shown to citizens as typed."""
    allowed = {"{" + name + "}" for name in TEMPLATE_VALUES.get(topic_id, ())}
    leftover = text
    for placeholder in allowed:
        leftover = leftover.replace(placeholder, "")
    return re.findall(r"\{[^{}]{0,30}\}?|\}", leftover)
