"""Answer look-up: which text to send for a topic, a follow-up or an unclear question."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.content import ANSWERS_FILE, Content, ContentError, Link, Topic, load_content, render_links
from bot.debate import debate_phase
from bot.page import INTRO_ANCHOR, section_anchor
from bot.questions import name_score
from bot.reloading import ReloadingFile

logger = logging.getLogger(__name__)

DANGER_TOPIC = "acute_danger"
FALLBACK_TOPIC = "fallback"
EMPTY_MESSAGE_TOPIC = "empty_message"
OUT_OF_SCOPE_TOPIC = "out_of_scope"
SOMETHING_ELSE_TOPIC = "something_else"
FEEDBACK_TOPICS = ("feedback_positive", "feedback_negative")


@dataclass(frozen=True)
class Reply:
    topic_id: str
    text: str
    # Where the answer comes from, already phrased for the citizen; None for small talk.
    source_line: str | None
    # The links of `text` and the source line, in order (bot/content.py: Link). `text`
    # stays plain text; the chat widget gets these beside it and makes each `plain`
    # span of the text a link.
    links: tuple[Link, ...] = ()

    @property
    def full_text(self) -> str:
        # One newline: Rasa splits a text on blank lines into separate messages.
        return f"{self.text}\n{self.source_line}" if self.source_line else self.text

    def links_payload(self) -> list[dict[str, str]]:
        """The links as the widget reads them from the custom payload (key ``links``)."""
        return [link.as_payload() for link in self.links]


@dataclass(frozen=True)
class Suggestion:
    topic_id: str
    title: str

    @property
    def payload(self) -> str:
        return f"/{self.topic_id}"


class Knowledge:
    """Look-ups over one loaded answers file."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def has_topic(self, topic_id: str | None) -> bool:
        return topic_id is not None and topic_id in self.content.topics

    def is_followup(self, intent: str | None) -> bool:
        return intent in self.content.followups

    def source_line(self, topic: Topic) -> str | None:
        page = self.content.page_title
        if self.content.page_date:
            page = f"{page} ({self.content.page_date})"
        if topic.section == self.content.intro_heading:
            return f"Bron: de pagina {page}, inleiding."
        if topic.section:
            return f"Bron: de pagina {page}, onderdeel ‘{topic.section}’."
        if topic.source:
            return f"Bron: {topic.source}."
        return None

    def source_link(self, topic: Topic) -> Link | None:
        """The words of the source line that link to the topic's section of the web page."""
        if not topic.section:
            return None
        if topic.section == self.content.intro_heading:
            return Link("inleiding", f"/#{INTRO_ANCHOR}", "inleiding")
        words = f"onderdeel ‘{topic.section}’"
        return Link(words, f"/#{section_anchor(topic.section)}", words)

    def _version(self, answer: str | Mapping[str, str], today: dt.date) -> str:
        if isinstance(answer, str):
            return answer
        return answer[debate_phase(today, self.content.debate_date)]

    def answer_text(self, topic_id: str, today: dt.date) -> str:
        """The plain text of a topic's answer on ``today``."""
        return self._version(self.content.topic(topic_id).answer, today)

    def answer_with_links(self, topic_id: str, today: dt.date) -> tuple[str, tuple[Link, ...]]:
        """The plain text of a topic's answer on ``today`` and the links in it."""
        topic = self.content.topic(topic_id)
        if topic.markup is None:
            return self.answer_text(topic_id, today), ()
        return render_links(self._version(topic.markup, today))

    def reply(self, topic_id: str, today: dt.date, verdict: str | None = None) -> Reply:
        """The answer for a topic as it reads on ``today``; ``verdict`` ("ja"/"nee") leads it."""
        text, links = self.answer_with_links(topic_id, today)
        if verdict:
            text = f"{verdict.capitalize()}. {text}"
        topic = self.content.topic(topic_id)
        source = self.source_link(topic)
        return Reply(topic_id, text, self.source_line(topic), links + ((source,) if source else ()))

    def combined_reply(self, topic_ids: Sequence[str], today: dt.date) -> Reply:
        """Several answers in one message (two questions, or a comparison), one source line."""
        topics = [self.content.topic(topic_id) for topic_id in topic_ids]
        parts = [self.answer_with_links(topic_id, today) for topic_id in topic_ids]
        text = "\n".join(part_text for part_text, _ in parts)
        links = [link for _, part_links in parts for link in part_links]
        sources = list(dict.fromkeys(line for line in map(self.source_line, topics) if line))
        if len(sources) > 1:
            source_line = "Bron: " + "; ".join(line.removeprefix("Bron: ").rstrip(".") for line in sources) + "."
        else:
            source_line = sources[0] if sources else None
        if source_line:
            links.extend(dict.fromkeys(link for link in map(self.source_link, topics) if link))
        return Reply(topic_ids[-1], text, source_line, tuple(links))

    def linked(self, topic_id: str, aspects: Iterable[str]) -> str | None:
        """The first topic ``topic_id`` links for one of ``aspects``, if any.

        A detail without such a link answers for its topic: after "waarom minder
        registraties?" (a detail of the Slachtoffermonitor), "en welke jaren?" asks
        the period of the monitor itself.
        """
        aspects = list(aspects)
        related = self.content.topic(topic_id).related
        found = next((related[aspect] for aspect in aspects if aspect in related), None)
        if found is None and not self.content.topic(topic_id).has_intent:
            for parent in self._parents.get(topic_id, ()):
                related = self.content.topic(parent).related
                found = next((related[aspect] for aspect in aspects if aspect in related), None)
                if found:
                    break
        return found

    @cached_property
    def _parents(self) -> dict[str, list[str]]:
        """detail -> the topics with an intent that link to it, in file order."""
        parents: dict[str, list[str]] = {}
        for topic in self.content.topics.values():
            if topic.has_intent:
                for target in topic.related.values():
                    if topic.topic_id not in parents.setdefault(target, []):
                        parents[target].append(topic.topic_id)
        return parents

    def resolve_followup(self, intent: str, last_topic: str | None, aspects: Sequence[str] = ()) -> str:
        """The topic a short follow-up ("en waar?", "wie financiert het?") refers to, given the previous answer.

        ``aspects`` are read from the words (bot/questions.py, most specific first:
        "wie financiert het?" -> money, who); without any, the follow-up's own key
        ("vertel meer" -> more). The first aspect the previous answer links wins.
        """
        followup = self.content.followups[intent]
        asked = list(aspects) or [followup.key]
        if self.has_topic(last_topic):
            target = self.linked(last_topic, asked)
            if target:
                return target
            if asked[0] not in followup.defaults:
                # "waarom?" about a topic with no why-link: that answer again.
                return last_topic
        return next((followup.defaults[aspect] for aspect in asked if aspect in followup.defaults), "capabilities")

    def topic_by_name(self, fragment: str) -> str | None:
        """The question topic whose `names` best occur in ``fragment`` ("de dadermonitor")."""
        best, best_score = None, 0.0
        for topic in self.question_topics():
            for name in topic.names:
                score = name_score(fragment, name)
                if score > best_score:
                    best, best_score = topic.topic_id, score
        return best

    def suggestions(self, ranking: Iterable[tuple[str, float]], limit: int = 2) -> list[Suggestion]:
        """The ``limit`` most likely question topics from an NLU intent ranking."""
        found: list[Suggestion] = []
        for intent, _confidence in sorted(ranking, key=lambda item: -item[1]):
            if self.has_topic(intent) and self.content.topic(intent).answers_a_question:
                found.append(Suggestion(intent, self.content.topic(intent).title))
            if len(found) == limit:
                break
        return found

    def something_else(self) -> Suggestion:
        return Suggestion(SOMETHING_ELSE_TOPIC, self.content.topic(SOMETHING_ELSE_TOPIC).title)

    @cached_property
    def offered_payloads(self) -> frozenset[str]:
        """Every "/intent" payload the bot or widget offers as a button.

        Computed once per loaded answers file: the channel asks on every message.
        """
        payloads = {Suggestion(t.topic_id, t.title).payload for t in self.question_topics()}
        payloads.add(self.something_else().payload)
        payloads.update(f"/{topic_id}" for topic_id in FEEDBACK_TOPICS)
        return frozenset(payloads)

    def question_topics(self) -> Sequence[Topic]:
        return [t for t in self.content.topics.values() if t.answers_a_question]


def _staff_check_errors(path: Path) -> list[str]:
    """The Dutch messages of ``make check``'s errors in the answers file (bot/staff/check.py)."""
    from bot.staff.check import answers_file_errors  # the staff tools import this module's siblings

    return [str(finding) for finding in answers_file_errors(path)]


def _reloading_knowledge(path: Path) -> ReloadingFile[Knowledge]:
    """The Knowledge of one answers file, reloaded when it changes.

    Staff edit the YAML while the bot runs. An edit goes live only when it passes the
    same checks as ``make check`` (personal data, links, length, duplicate keys, ...);
    otherwise the last good version stays in use and the Dutch findings are logged.
    """
    return ReloadingFile(path, lambda file: Knowledge(load_content(file)), (ContentError,), "answers",
                         validate=_staff_check_errors)


_shared = _reloading_knowledge(ANSWERS_FILE)


def get_knowledge() -> Knowledge:
    """The process-wide Knowledge, reloaded when the answers file changes."""
    return _shared.get()
