"""What to answer to one message: the decisions behind the custom actions.

Kept free of Rasa so it can be tested directly; ``actions/`` only translates
between these decisions and rasa_sdk events.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.knowledge import (
    DANGER_TOPIC,
    EMPTY_MESSAGE_TOPIC,
    FALLBACK_TOPIC,
    OUT_OF_SCOPE_TOPIC,
    Knowledge,
    Reply,
    Suggestion,
)
from bot.safety import sounds_like_danger
from bot.text import has_readable_content

# Below this NLU confidence the best guess is too weak to offer as "Bedoelt u...?":
# the message is most likely about something else entirely (or keyboard mashing).
MIN_SUGGESTION_CONFIDENCE = 0.2
CAPABILITIES_TOPIC = "capabilities"


@dataclass(frozen=True)
class Decision:
    reply: Reply
    buttons: list[Suggestion] = field(default_factory=list)
    # The question topic later follow-ups refer to ("en waar?").
    context_topic: str | None = None


def _override(knowledge: Knowledge, text: str | None, today: dt.date,
              last_topic: str | None) -> Decision | None:
    """Replies that win over whatever NLU thought: nothing to read, or danger."""
    if not has_readable_content(text):
        return Decision(knowledge.reply(EMPTY_MESSAGE_TOPIC, today), context_topic=last_topic)
    if sounds_like_danger(text):
        return Decision(knowledge.reply(DANGER_TOPIC, today), context_topic=DANGER_TOPIC)
    return None


def answer_message(knowledge: Knowledge, intent: str | None, text: str | None,
                   last_topic: str | None, today: dt.date) -> Decision:
    """The answer to a message NLU classified as ``intent``."""
    override = _override(knowledge, text, today, last_topic)
    if override:
        return override
    if knowledge.is_followup(intent):
        topic_id = knowledge.resolve_followup(intent, last_topic)
    elif knowledge.has_topic(intent):
        topic_id = intent
    else:
        topic_id = CAPABILITIES_TOPIC
    topic = knowledge.content.topic(topic_id)
    context = topic_id if topic.answers_a_question else last_topic
    return Decision(knowledge.reply(topic_id, today), context_topic=context)


def suggest_topics(knowledge: Knowledge, text: str | None,
                   ranking: Iterable[tuple[str, float]], last_topic: str | None,
                   today: dt.date) -> Decision:
    """The reply when NLU is unsure: "Bedoelt u...?" with the two likeliest topics."""
    override = _override(knowledge, text, today, last_topic)
    if override:
        return override
    ranking = list(ranking)
    confidence = dict(ranking)
    suggestions = knowledge.suggestions(ranking)
    if not suggestions or confidence[suggestions[0].topic_id] < MIN_SUGGESTION_CONFIDENCE:
        return Decision(knowledge.reply(OUT_OF_SCOPE_TOPIC, today), context_topic=last_topic)
    return Decision(
        knowledge.reply(FALLBACK_TOPIC, today),
        buttons=[*suggestions, knowledge.something_else()],
        context_topic=last_topic,
    )
