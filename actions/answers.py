"""The two actions that answer citizens: a known topic, or "Bedoelt u...?"."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import SafeAction
from bot.crisis_card import crisis_message
from bot.dialogue import (
    Decision,
    Signals,
    answer_message,
    final_question_intent,
    latest_user_metadata,
    needs_personal_data_notice,
    suggest_topics,
)
from bot.knowledge import get_knowledge
from bot.languages import warm_up

LAST_TOPIC_SLOT = "last_topic"
PERSONAL_DATA_NOTICE_TOPIC = "personal_data_notice"
# The key of the answer's links in the custom payload (the widget reads it).
LINKS_KEY = "links"

# The action server imports this module at start-up: load language models there (0.3 s).
warm_up()


def _crisis_card(decision: Decision) -> dict[str, Any] | None:
    """The crisis card (bot/crisis_card.py) when the safety route fired, else None.

    The safety route: a safety topic (no page section, a source; or a `form`), which
    includes the danger reply to a message in another language.
    """
    knowledge = get_knowledge()
    topic_id = decision.reply.topic_id
    if not knowledge.has_topic(topic_id) or not knowledge.content.topic(topic_id).is_safety:
        return None
    return crisis_message(decision.language)


def _custom(decision: Decision) -> dict[str, Any] | None:
    """The custom payload of an answer: the crisis card and the answer's links, if any.

    ``links`` (bot/knowledge.py: Reply.links) lets the widget show the links of the
    answer and of its "Bron:" line; the text itself stays plain for other clients.
    """
    custom = dict(_crisis_card(decision) or {})
    links = decision.reply.links_payload()
    if links:
        custom[LINKS_KEY] = links
    return custom or None


def _send(dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision,
          last_topic: str | None, today: dt.date) -> list[dict[str, Any]]:
    buttons = [{"title": s.title, "payload": s.payload} for s in decision.buttons]
    # The card and the links travel with the answer (one bot event); the text keeps the
    # numbers and the sites' names.
    dispatcher.utter_message(text=decision.reply.full_text, buttons=buttons or None,
                             json_message=_custom(decision))
    if needs_personal_data_notice(tracker.events):
        dispatcher.utter_message(text=get_knowledge().reply(PERSONAL_DATA_NOTICE_TOPIC, today).text)
    if decision.context_topic == last_topic:
        return []
    return [SlotSet(LAST_TOPIC_SLOT, decision.context_topic)]


class ActionAnswer(SafeAction):
    """Answers the topic NLU recognised, including short follow-ups."""

    def __init__(self, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._today = today

    def name(self) -> str:
        return "action_answer"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
        today = self._today()
        decision = answer_message(
            get_knowledge(),
            intent=(message.get("intent") or {}).get("name"),
            text=message.get("text"),
            last_topic=last_topic,
            today=today,
            signals=Signals.from_metadata(latest_user_metadata(tracker.events)),
        )
        return _send(dispatcher, tracker, decision, last_topic, today)


class ActionSuggestTopics(SafeAction):
    """Offers the two likeliest topics as buttons when NLU is unsure."""

    def __init__(self, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._today = today

    def name(self) -> str:
        return "action_suggest_topics"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        ranking = [(item.get("name"), float(item.get("confidence") or 0.0))
                   for item in message.get("intent_ranking") or []]
        last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
        today = self._today()
        metadata = latest_user_metadata(tracker.events)
        decision = suggest_topics(
            get_knowledge(),
            text=message.get("text"),
            ranking=ranking,
            last_topic=last_topic,
            today=today,
            signals=Signals.from_metadata(metadata),
            final_question=final_question_intent(metadata),
        )
        return _send(dispatcher, tracker, decision, last_topic, today)
