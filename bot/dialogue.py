"""What to answer to one message: the decisions behind the custom actions.

Kept free of Rasa so it can be tested directly; ``actions/`` only translates
between these decisions and rasa_sdk events.

A message is answered in this order:
1. nothing to read, another language, or danger (these win over NLU);
2. two questions in one, or a comparison: two answers;
3. the NLU topic, refined by the aspect the question asks about (topic x aspect:
   "welke jaren beslaat de Dadermonitor?" -> the period of that monitor),
   or for a follow-up, that aspect of the previous answer;
4. for a yes/no question, "Ja." or "Nee." before it when the answer decides it.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.knowledge import (
    DANGER_TOPIC,
    EMPTY_MESSAGE_TOPIC,
    FALLBACK_TOPIC,
    OUT_OF_SCOPE_TOPIC,
    Knowledge,
    Reply,
    Suggestion,
)
from bot.languages import detect_language, sounds_like_danger_abroad
from bot.questions import (
    aspects,
    claimed_values,
    claims_only,
    comparison_parts,
    followup_aspects,
    is_yes_no_question,
    split_questions,
    verdict,
)
from bot.safety import sounds_like_danger
from bot.situations import SITUATION_TOPIC, situation_form
from bot.text import fold, has_readable_content

# Below this NLU confidence the best guess is too weak to offer as "Bedoelt u...?":
# the message is most likely about something else entirely (or keyboard mashing).
MIN_SUGGESTION_CONFIDENCE = 0.2
CAPABILITIES_TOPIC = "capabilities"
NON_DUTCH_TOPIC = "non_dutch"
# How sure NLU must be of a long story's final question alone to answer it directly.
FINAL_QUESTION_CONFIDENCE = 0.7
# Keys of the metadata the web channel stores with a message (bot/channel.py) and the
# actions read back: what redaction removed, danger and language read before it, and
# NLU's intent for a long message's final question.
REDACTED_KEY = "redacted"
SIGNALS_KEY = "signals"
FINAL_QUESTION_KEY = "final_question"
DUTCH = "nl"
# Aspects that refine a topic question directly. "where" and "more" are left out:
# "waar kan ik het debat live volgen?" asks for the live-stream topic itself.
DIRECT_ASPECTS = ("money", "period", "why", "count", "who", "when")
# One part of a double question ("... en in welke zaal?") may also ask "where".
PART_ASPECTS = (*DIRECT_ASPECTS, "where")
# A short message that points back is a follow-up even when NLU heard a topic in it:
# a pronoun or pronominal adverb ("en wat gaat de staatssecretaris daarmee doen?")
# always points back; a leading "en" only when the message names no other topic.
_POINTS_BACK = re.compile(r"\b(?:ermee|daarmee|daarvan|ervan|daarover|erover|daarvoor|ervoor|daarbij|erbij"
                          r"|daaraan|eraan|daar\b.*\b(?:aan|mee|bij|voor|van|over)|dat|die|dit|hun|hen|hij|zij|ze)\b")
_CONTINUES = re.compile(r"^(?:en|maar|dus|oke?|ok)\b")
_FOLLOWUP_MAX_WORDS = 9
# Aspects for which repeating the previous answer is the right reply when it links
# nothing more specific ("hoeveel zijn het er?" after an answer that names the number).
RESTATE_ASPECTS = ("why", "count", "period", "who")


@dataclass(frozen=True)
class Decision:
    reply: Reply
    buttons: list[Suggestion] = field(default_factory=list)
    # The question topic later follow-ups refer to ("en waar?").
    context_topic: str | None = None
    # The language the reply speaks to the citizen in (ISO 639-1), for the crisis card.
    language: str = DUTCH


def _other_language(knowledge: Knowledge, code: str, text: str, last_topic: str | None,
                    signals: Signals | None = None) -> Decision:
    languages = knowledge.content.languages
    copy = languages.get(code) or languages["en"]
    danger = bool(signals and signals.danger) or sounds_like_danger_abroad(text) or sounds_like_danger(text)
    lines = [copy.danger if danger else copy.notice]
    if DUTCH in languages:
        lines.append(languages[DUTCH].notice)
    topic_id = DANGER_TOPIC if danger else NON_DUTCH_TOPIC
    return Decision(Reply(topic_id, "\n".join(lines), None),
                    context_topic=DANGER_TOPIC if danger else last_topic, language=code)


@dataclass(frozen=True)
class Signals:
    """What the channel read from the message before personal data was removed from it."""
    danger: bool = False
    language: str = DUTCH

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any] | None) -> Signals | None:
        raw = (metadata or {}).get(SIGNALS_KEY)
        if not isinstance(raw, Mapping):
            return None
        return cls(danger=bool(raw.get("danger")), language=str(raw.get("language") or DUTCH))


def _override(knowledge: Knowledge, text: str | None, today: dt.date,
              last_topic: str | None, intent: str | None = None,
              signals: Signals | None = None) -> Decision | None:
    """Replies that win over whatever NLU thought: nothing to read, another language, or danger.

    A described situation keeps its own answer even when it sounds like danger: that
    answer starts with 112 too, and also names the form and the help lines.
    """
    if not has_readable_content(text):
        return Decision(knowledge.reply(EMPTY_MESSAGE_TOPIC, today), context_topic=last_topic)
    if is_button_payload(text):
        # A button the bot itself offered ("/debate_location"): its topic, in no language.
        return None
    # A redacted message is judged on what the citizen typed (a name or number replaced
    # by a placeholder must not change its language or hide a cry for help).
    language = signals.language if signals else detect_language(text).code
    if language != DUTCH and knowledge.content.languages:
        return _other_language(knowledge, language, str(text), last_topic, signals)
    danger = (signals.danger if signals else False) or sounds_like_danger(text)
    if danger and intent != SITUATION_TOPIC:
        # Danger in a situation whose words name the form ("mijn baas houdt mijn paspoort
        # vast en ik werk 70 uur"): that form's answer, which starts with 112 as well.
        topic_id = situation_form(text) or DANGER_TOPIC
        return Decision(knowledge.reply(topic_id, today), context_topic=topic_id)
    return None


def is_button_payload(text: str | None) -> bool:
    """True for an "/intent" payload sent by a button (the channel lets only offered ones through)."""
    return bool(text) and re.fullmatch(r"/[a-z_]+", str(text).strip()) is not None


def _question_topic(knowledge: Knowledge, intent: str | None) -> str | None:
    if knowledge.has_topic(intent) and knowledge.content.topic(intent).answers_a_question:
        return intent
    return None


def _unique(topic_ids: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(topic_id for topic_id in topic_ids if topic_id))


def _several(knowledge: Knowledge, intent: str | None, text: str | None,
             last_topic: str | None = None) -> list[str]:
    """The topics of a comparison or of two questions in one message; [] for one question."""
    parts = comparison_parts(text)
    if parts:
        found = _unique(knowledge.topic_by_name(part) for part in parts)
        if len(found) == 2:
            return found
    split = split_questions(text)
    base = _question_topic(knowledge, intent)
    if split is None:
        # "wat voor specialisten komen er en waarom?": two aspects of one topic.
        if base is None or not re.search(r"\ben\b", fold(text or "")):
            return []
        asked = [aspect for aspect in aspects(text) if aspect in PART_ASPECTS]
        found = _unique(knowledge.linked(base, [aspect]) for aspect in asked)
        return found if len(found) >= 2 else []
    if split.shared_aspects:
        if base is None and knowledge.is_followup(intent):
            # "en wanneer en waar?": each question word as a follow-up of its own.
            return _unique(knowledge.resolve_followup(str(intent), last_topic, [aspect])
                           for aspect in split.shared_aspects if aspect != "what")
        if base is None:
            return []
        return _unique(base if aspect == "what" else (knowledge.linked(base, [aspect]) or base)
                       for aspect in split.shared_aspects)
    found: list[str] = []
    for fragment in split.fragments:
        # A fragment names its topic ("welke vormen zijn er"), or asks an aspect of
        # the message's topic ("... en in welke zaal?"); either way its aspect refines it.
        topic_id = knowledge.topic_by_name(fragment) or (found[-1] if found else base)
        if topic_id:
            asked = [aspect for aspect in aspects(fragment) if aspect in PART_ASPECTS]
            topic_id = knowledge.linked(topic_id, asked) or topic_id
        found.append(topic_id or "")
    found = _unique(found)
    if base and base not in found and len(found) == 1:
        found.insert(0, base)
    return found if len(found) >= 2 else []


def _followup_by_words(knowledge: Knowledge, text: str | None, last_topic: str | None,
                       intent: str | None) -> str | None:
    """The topic a short message that points back at the previous answer asks for, if it is one."""
    folded = fold(text or "")
    if not knowledge.has_topic(last_topic) or len(folded.split()) > _FOLLOWUP_MAX_WORDS:
        return None
    points_back = _POINTS_BACK.search(folded) is not None
    if not points_back and not _CONTINUES.search(folded):
        return None
    named = knowledge.topic_by_name(folded)
    heard_a_question = _question_topic(knowledge, intent) is not None
    asked = aspects(text)
    if points_back or named in (None, last_topic):
        target = knowledge.linked(last_topic, asked)
        if target:
            return target
    if not heard_a_question and named:
        # NLU heard no question ("en bij welke moet je stelen?" as out of scope).
        return named
    if points_back and set(asked) & set(RESTATE_ASPECTS) and (named is None or not heard_a_question):
        # The previous answer already covers it ("hoeveel zijn het er?" after "vier thema's").
        return last_topic
    return None


def _refine(knowledge: Knowledge, topic_id: str, text: str | None) -> tuple[str, str | None]:
    """The topic that answers what this question asks of ``topic_id``, and a yes/no verdict."""
    yes_no = is_yes_no_question(text)
    topic = knowledge.content.topic(topic_id)
    if topic.is_safety:
        return topic_id, None
    if yes_no and claims_only(text) and "only" in topic.related:
        return topic.related["only"], "nee"
    asked = [aspect for aspect in aspects(text) if aspect in DIRECT_ASPECTS]
    topic_id = knowledge.linked(topic_id, asked) or topic_id
    if not yes_no:
        return topic_id, None
    # A claim this topic cannot check ("is het debat in de Ridderzaal?" heard as the
    # date question) goes to the linked topic that can.
    claimed = claimed_values(text)
    topic = knowledge.content.topic(topic_id)
    if claimed and not set(claimed) & set(topic.checks):
        for target in topic.related.values():
            if set(claimed) & set(knowledge.content.topic(target).checks):
                topic_id = target
                break
    topic = knowledge.content.topic(topic_id)
    return topic_id, verdict(text, topic.checks, topic.yes_no)


def _answer_despite_doubt(knowledge: Knowledge, candidates: Sequence[str], text: str | None) -> str | None:
    """A topic to answer although NLU hesitated between ``candidates`` (likeliest first), if the doubt is harmless.

    - Danger among them: the likeliest help topic, as every one of them names 112.
    - A described situation whose words name the form (bot/situations.py), or a
      situation and its form of exploitation: both answers name the form.
    - The question's shape settles it: the likeliest topic links the aspect asked
      ("waarom ..."), corrects an "alleen"-claim, or checks a claimed value ("in 2021?").
    """
    first = candidates[0]
    safety = [c for c in candidates if knowledge.content.topic(c).is_safety]
    if DANGER_TOPIC in candidates and safety:
        return safety[0]
    if SITUATION_TOPIC in candidates[:2]:
        # A described situation whose words settle the form: answer it (112 and help lines first).
        form = situation_form(text)
        if form:
            return form
    refined, judged = _refine(knowledge, first, text)
    if refined != first or (judged and claimed_values(text)) or judged == "nee":
        return first
    return None


def _story_question_topic(knowledge: Knowledge, candidates: Sequence[str], text: str | None,
                          final_question: tuple[str, float] | None) -> str | None:
    """The topic of a long story's final question, when NLU is sure of that question alone.

    Only a topic NLU already offered for the whole story, and never when the story
    itself reads as a situation (a safety topic first, or words that name a form): a
    story of abuse ending in "is dat mensenhandel?" must keep its help answer, not get
    the definition.
    """
    if not final_question:
        return None
    intent, confidence = final_question
    if confidence < FINAL_QUESTION_CONFIDENCE or intent not in candidates:
        return None
    if knowledge.content.topic(candidates[0]).is_safety or situation_form(text):
        return None
    return _question_topic(knowledge, intent)


def _decide(knowledge: Knowledge, topic_ids: Sequence[str], text: str | None, today: dt.date,
            last_topic: str | None) -> Decision:
    if len(topic_ids) > 1:
        return Decision(knowledge.combined_reply(topic_ids, today), context_topic=topic_ids[-1])
    topic_id = topic_ids[0]
    topic = knowledge.content.topic(topic_id)
    if not topic.answers_a_question:
        return Decision(knowledge.reply(topic_id, today), context_topic=last_topic)
    topic_id, judged = _refine(knowledge, topic_id, text)
    return Decision(knowledge.reply(topic_id, today, judged), context_topic=topic_id)


def answer_message(knowledge: Knowledge, intent: str | None, text: str | None,
                   last_topic: str | None, today: dt.date, signals: Signals | None = None) -> Decision:
    """The answer to a message NLU classified as ``intent``."""
    override = _override(knowledge, text, today, last_topic, intent, signals)
    if override:
        return override
    if is_button_payload(text):
        topic_id = intent if knowledge.has_topic(intent) else CAPABILITIES_TOPIC
        context = topic_id if knowledge.content.topic(topic_id).answers_a_question else last_topic
        return Decision(knowledge.reply(topic_id, today), context_topic=context)
    several = _several(knowledge, intent, text, last_topic)
    if several:
        return _decide(knowledge, several, text, today, last_topic)
    # A message that points back wins, also over a follow-up's default topic ("en met
    # wie werken ze samen?" after CoMensha is about CoMensha, not about the debate).
    target = _followup_by_words(knowledge, text, last_topic, intent)
    if target:
        return Decision(knowledge.reply(target, today), context_topic=target)
    if knowledge.is_followup(intent):
        topic_id = knowledge.resolve_followup(intent, last_topic, followup_aspects(text))
        return Decision(knowledge.reply(topic_id, today), context_topic=topic_id)
    topic_id = intent if knowledge.has_topic(intent) else CAPABILITIES_TOPIC
    if topic_id in (SITUATION_TOPIC, DANGER_TOPIC):
        # A situation, or danger told as one ("mijn baas houdt mijn paspoort vast en ik werk
        # zeventig uur"): the words judge the form, whose answer starts with 112 as well.
        topic_id = situation_form(text) or topic_id
    return _decide(knowledge, [topic_id], text, today, last_topic)


def suggest_topics(knowledge: Knowledge, text: str | None,
                   ranking: Iterable[tuple[str, float]], last_topic: str | None,
                   today: dt.date, signals: Signals | None = None,
                   final_question: tuple[str, float] | None = None) -> Decision:
    """The reply when NLU is unsure: "Bedoelt u...?" with the two likeliest topics.

    Two questions, comparisons and follow-ups about an aspect of the previous answer
    often get a low NLU confidence because they mix topics; those are answered.
    """
    ranking = list(ranking)
    likeliest = next((name for name, _ in sorted(ranking, key=lambda item: -item[1])
                      if knowledge.has_topic(name)), None)
    # A situation, even a hesitant one, keeps its own answer over the general danger
    # reply: it starts with 112 too and also names the form and the help lines.
    override = _override(knowledge, text, today, last_topic,
                         intent=likeliest if likeliest == SITUATION_TOPIC else None, signals=signals)
    if override:
        return override
    several = _several(knowledge, likeliest, text, last_topic)
    if several:
        return _decide(knowledge, several, text, today, last_topic)
    target = _followup_by_words(knowledge, text, last_topic, None)
    if target:
        return Decision(knowledge.reply(target, today), context_topic=target)
    confidence = dict(ranking)
    suggestions = knowledge.suggestions(ranking)
    if not suggestions or confidence[suggestions[0].topic_id] < MIN_SUGGESTION_CONFIDENCE:
        return Decision(knowledge.reply(OUT_OF_SCOPE_TOPIC, today), context_topic=last_topic)
    sure = _answer_despite_doubt(knowledge, [s.topic_id for s in suggestions], text)
    if sure:
        return _decide(knowledge, [sure], text, today, last_topic)
    asked = _story_question_topic(knowledge, [s.topic_id for s in suggestions], text, final_question)
    if asked:
        return _decide(knowledge, [asked], text, today, last_topic)
    return Decision(
        knowledge.reply(FALLBACK_TOPIC, today),
        buttons=[*suggestions, knowledge.something_else()],
        context_topic=last_topic,
    )


def final_question_intent(metadata: Mapping[str, Any]) -> tuple[str, float] | None:
    """(intent, confidence) the channel found for a long message's final question, if any."""
    raw = metadata.get(FINAL_QUESTION_KEY)
    if not isinstance(raw, Mapping) or not raw.get("intent"):
        return None
    return str(raw["intent"]), float(raw.get("confidence") or 0.0)


def latest_user_metadata(events: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The metadata the channel stored with the latest message (Rasa keeps it out of ``latest_message``)."""
    for event in reversed(events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def needs_personal_data_notice(events: Sequence[Mapping[str, Any]]) -> bool:
    """True when the latest message had personal data removed and no earlier one of the conversation had.

    Decided by the action, so inside the conversation lock and from the stored
    events: two messages sent at once, or to two replicas, never both get it.
    """
    redacted = [bool((event.get("metadata") or {}).get(REDACTED_KEY))
                for event in events if event.get("event") == "user"]
    return bool(redacted) and redacted[-1] and not any(redacted[:-1])
