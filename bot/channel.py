"""The hardened REST channel the website and local tools talk to.

It keeps Rasa's REST contract (POST /webhooks/rest/webhook with
``{"sender", "message"}`` answered by a JSON list of replies) and adds what a
public bot on a sensitive subject needs: size and type checks with JSON errors,
a message length limit that never reaches NLU, Unicode clean-up, only
bot-offered "/" payloads, no client metadata, personal data removed before
Rasa stores or logs anything, server-issued conversation ids, a readiness
check, and a Dutch error reply instead of silence when something fails.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import input_guard, rasa_patches, sender_ids
from bot.knowledge import get_knowledge
from bot.pii import PLACEHOLDERS, redact

logger = logging.getLogger(__name__)

# Action server time-out (3 s) and faster response validation: see bot/rasa_patches.py.
rasa_patches.apply()
# Last-resort net for anything else that hangs. Deliberately longer than the
# action time-out: under heavy load a slow answer is better than an error.
REPLY_TIMEOUT_S = 10



class WebChannel(InputChannel):
    """Rasa input channel registered in credentials.yml as ``bot.channel.WebChannel``."""

    @classmethod
    def name(cls) -> str:
        # Same name as Rasa's REST channel, so the URL contract stays the same.
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChannel:
        credentials = credentials or {}
        return cls(
            max_message_chars=int(credentials.get("max_message_chars",
                                                  input_guard.MAX_MESSAGE_CHARS)),
            allow_client_sender_ids=bool(credentials.get("allow_client_sender_ids", False)),
        )

    def __init__(self, max_message_chars: int = input_guard.MAX_MESSAGE_CHARS,
                 allow_client_sender_ids: bool = False) -> None:
        self.max_message_chars = max_message_chars
        self.allow_client_sender_ids = allow_client_sender_ids
        self._secret = sender_ids.load_secret()

    # -- helpers -----------------------------------------------------------------
    def _bot_text(self, topic_id: str, **values: Any) -> str:
        return get_knowledge().reply(topic_id, dt.date.today()).text.format(**values)

    def _reply(self, sender: str, text: str) -> dict[str, Any]:
        return {"recipient_id": sender, "text": text}

    @staticmethod
    async def _told_about_personal_data(tracker_store: TrackerStore | None, sender: str) -> bool:
        """True if an earlier message of this conversation already had personal data removed.

        The notice goes with the first such message, so the stored (redacted)
        conversation itself says whether it was given. It lives with the
        conversation, not in one process: with several replicas the citizen
        still sees it once.
        """
        if tracker_store is None:
            return False
        try:
            tracker = await tracker_store.retrieve(sender)
        except Exception:  # noqa: BLE001 - when in doubt, inform the citizen again
            return False
        if tracker is None:
            return False
        return any(placeholder in (event.text or "")
                   for event in tracker.events if isinstance(event, UserUttered)
                   for placeholder in PLACEHOLDERS.values())

    def _accept_sender(self, sender: str) -> bool:
        return self.allow_client_sender_ids or sender_ids.is_issued(sender, self._secret)

    async def _handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      sender: str, message: str,
                      tracker_store: TrackerStore | None = None) -> list[dict[str, Any]]:
        if input_guard.is_too_long(message, self.max_message_chars):
            return [self._reply(sender, self._bot_text("message_too_long",
                                                       limit=self.max_message_chars))]
        text = input_guard.neutralise_payload(input_guard.normalise_text(message),
                                              get_knowledge().offered_payloads)
        redaction = redact(text)
        # Looked up before this message is stored, which would count itself.
        tell_about_personal_data = bool(redaction.kinds) and not await \
            self._told_about_personal_data(tracker_store, sender)
        collector = CollectingOutputChannel()
        user_message = UserMessage(redaction.text, collector, sender, input_channel=self.name())
        try:
            await asyncio.wait_for(on_new_message(user_message), timeout=REPLY_TIMEOUT_S)
        except asyncio.TimeoutError:
            logger.error("No reply within %.1f s (conversation %s)", REPLY_TIMEOUT_S, sender[:8])
        except Exception as error:  # noqa: BLE001 - any failure must become a reply
            # The type only: the message and tracker may hold what the citizen typed.
            logger.error("Handling a message failed: %s", type(error).__name__)
        replies = [m for m in collector.messages if m.get("text") or m.get("buttons")]
        if not replies:
            replies = [self._reply(sender, self._bot_text("technical_error"))]
        if tell_about_personal_data:
            replies.append(self._reply(sender, self._bot_text("personal_data_notice")))
        return replies

    # -- routes ------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("web_channel", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None and agent.is_ready():
                return response.json({"status": "ready"})
            return response.json({"status": "loading", "error": "model_not_loaded"}, status=503)

        @blueprint.route("/conversations", methods=["POST"])
        async def new_conversation(_: Request) -> HTTPResponse:
            return response.json({"sender": sender_ids.issue(self._secret)}, status=201)

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                chat = input_guard.parse_chat_request(request.body or b"")
            except input_guard.RequestError as error:
                return response.json({"error": error.error, "message": error.message},
                                     status=error.status)
            if not self._accept_sender(chat.sender):
                return response.json(
                    {"error": "unknown_sender",
                     "message": "Dit gesprek is onbekend. Start een nieuw gesprek."},
                    status=403)
            agent = getattr(request.app.ctx, "agent", None)
            tracker_store = agent.tracker_store if agent is not None else None
            return response.json(await self._handle(on_new_message, chat.sender, chat.message,
                                                    tracker_store))

        return blueprint
