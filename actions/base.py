"""Base class that keeps every failure inside the action server.

rasa_sdk answers an exception with HTTP 500 and a body that can contain the
tracker, i.e. what the citizen typed. Here an exception becomes a logged error
type plus the Dutch "er ging iets mis" reply, so Rasa gets a normal response.
"""
from __future__ import annotations

import datetime as dt
import logging
from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge import get_knowledge

logger = logging.getLogger(__name__)

TECHNICAL_ERROR_TOPIC = "technical_error"


class SafeAction(Action, metaclass=ABCMeta):
    """Subclasses implement ``answer``; ``run`` guarantees a reply and no escaping exception.

    Abstract, so rasa_sdk's automatic registration skips this base class itself.
    """

    @abstractmethod
    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: dict[str, Any]) -> list[dict[str, Any]]:
        """The action's own work."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            return await self.answer(dispatcher, tracker, domain)
        except Exception as error:  # noqa: BLE001 - the citizen must always get a reply
            logger.error("Action %s failed: %s", self.name(), type(error).__name__)
            dispatcher.messages.clear()
            try:
                text = get_knowledge().reply(TECHNICAL_ERROR_TOPIC, dt.date.today()).text
            except Exception:  # noqa: BLE001 - the answers file itself may be the problem
                text = "Er ging iets mis aan onze kant, probeer het opnieuw."
            dispatcher.utter_message(text=text)
            return []
