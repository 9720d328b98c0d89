"""The hardened REST channel the website and local tools talk to.

It keeps Rasa's REST contract (POST /webhooks/rest/webhook with
``{"sender", "message"}`` answered by a JSON list of replies) and adds what a
public bot on a sensitive subject needs: size and type checks with JSON errors,
a message length limit that never reaches NLU, Unicode clean-up, only
bot-offered "/" payloads, no client metadata, personal data removed before
Rasa stores or logs anything (conversations are stored under a keyed hash of
their id), server-issued ids that expire, erasure on request, a per-client rate
limit and a bounded queue per conversation (bot/admission.py), a readiness
check, and a Dutch reply within 4.5 s instead of silence when something fails.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import admission, input_guard, rasa_patches, sender_ids
from bot.content import fill_template
from bot.dialogue import FINAL_QUESTION_KEY, REDACTED_KEY, SIGNALS_KEY
from bot.knowledge import get_knowledge
from bot.languages import detect_language, sounds_like_danger_abroad, warm_up
from bot.pii import redact
from bot.questions import final_question
from bot.safety import sounds_like_danger
from bot.tracker_store import underlying

logger = logging.getLogger(__name__)

# Rasa and Sanic fixes (time-outs, limits, CORS, no banner, no silent fallbacks): see
# bot/rasa_patches.py. Applied on import, before Rasa builds its server.
rasa_patches.apply()

# Set by our own proxies (bot/web.py, nginx) and never by a browser: the request came
# from the website, which uses only ids issued by POST /conversations.
VIA_HEADER = "x-bot-via"
VIA_SITE = "site"


def client_address(forwarded_for: str | None, peer: str) -> str:
    """The client a rate limit counts: the first address our proxy passes on, else the peer."""
    first = (forwarded_for or "").split(",")[0].strip()
    return first[:64] or peer


def signals_before_redaction(text: str) -> dict[str, Any]:
    """Danger and language read from what the citizen typed, before redaction replaces words."""
    return {"danger": bool(sounds_like_danger(text) or sounds_like_danger_abroad(text)),
            "language": detect_language(text).code}


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
            rate_per_s=float(credentials.get("rate_limit_per_s", 1.0)),
            rate_burst=int(credentials.get("rate_limit_burst", 10)),
        )

    def __init__(self, max_message_chars: int = input_guard.MAX_MESSAGE_CHARS,
                 allow_client_sender_ids: bool = False, rate_per_s: float = 1.0,
                 rate_burst: int = 10) -> None:
        self.max_message_chars = max_message_chars
        self.allow_client_sender_ids = allow_client_sender_ids
        self._secret = sender_ids.load_secret()
        self._rate_limiter = admission.ClientRateLimiter(rate_per_s=rate_per_s, burst=rate_burst)
        # The language models (19 MB, 0.3 s) are needed only for a redacted message; loaded
        # beside start-up so that first message does not wait for them.
        threading.Thread(target=warm_up, name="language-models", daemon=True).start()

    # -- helpers -----------------------------------------------------------------
    def _bot_text(self, topic_id: str, **values: Any) -> str:
        return fill_template(get_knowledge().reply(topic_id, dt.date.today()).text, values)

    def _reply(self, sender: str, text: str) -> dict[str, Any]:
        return {"recipient_id": sender, "text": text}

    def _error(self, status: int, error: str, message: str) -> HTTPResponse:
        return response.json({"error": error, "message": message}, status=status)

    def _too_many(self, retry_after_s: float) -> HTTPResponse:
        seconds = max(1, math.ceil(retry_after_s))
        return response.json(
            {"error": "too_many_requests", "message": self._bot_text("too_many_requests", seconds=seconds)},
            status=429, headers={"Retry-After": str(seconds)})

    def _storage_key(self, sender: str) -> str:
        return sender_ids.storage_key(sender, self._secret)

    async def _sender_problem(self, sender: str, from_site: bool,
                              tracker_store: TrackerStore | None) -> HTTPResponse | None:
        """Why this conversation id may not be used, as the HTTP reply; None if it may."""
        if not sender_ids.is_issued(sender, self._secret):
            if self.allow_client_sender_ids and not from_site:
                return None
            return self._error(403, "unknown_sender", "Dit gesprek is onbekend. Start een nieuw gesprek.")
        store = underlying(tracker_store) if tracker_store is not None else None
        last_activity = None
        if store is not None and hasattr(store, "last_activity"):
            try:
                last_activity = await store.last_activity(self._storage_key(sender))
            except Exception as error:  # noqa: BLE001 - the store being down is answered below
                # Handling the message meets the same failure and sends the Dutch error reply.
                logger.error("Reading the conversation's last activity failed: %s", type(error).__name__)
                return None
        if sender_ids.is_expired(sender, last_activity):
            return self._error(403, "expired_sender",
                               "Dit gesprek is verlopen omdat het een half uur stil was. Start een nieuw gesprek.")
        return None

    @staticmethod
    async def _classify(agent: Any, text: str) -> dict[str, Any]:
        """NLU's intent for ``text`` alone (one extra parse, a few ms), without storing anything."""
        try:
            intent = (await agent.parse_message(text)).get("intent") or {}
        except Exception as error:  # noqa: BLE001 - the whole message is still classified
            logger.error("Classifying the final question failed: %s", type(error).__name__)
            return {}
        return {"intent": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)}

    async def _handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      sender: str, message: str, agent: Any = None) -> list[dict[str, Any]]:
        """The replies to one message; raises admission.ConversationBusy when its queue is full."""
        # Normalised first: NFKC can make one character many (U+FDFA is 18), and the
        # limit is on what NLU and the database would get.
        text = input_guard.normalise_text(message)
        if input_guard.is_too_long(text, self.max_message_chars):
            return [self._reply(sender, self._bot_text("message_too_long", limit=self.max_message_chars))]
        text = input_guard.neutralise_payload(text, get_knowledge().offered_payloads)
        redaction = redact(text)
        metadata: dict[str, Any] = {}
        if redaction.kinds:
            # The action tells about removed data once per conversation, deciding inside
            # the conversation lock from the stored events (see actions/answers.py).
            metadata[REDACTED_KEY] = list(redaction.kinds)
            metadata[SIGNALS_KEY] = signals_before_redaction(text)
        question = final_question(redaction.text)
        if question and agent is not None:
            # Read by the action only when NLU is unsure about the whole story.
            metadata[FINAL_QUESTION_KEY] = await self._classify(agent, question)
        collector = CollectingOutputChannel()
        user_message = UserMessage(redaction.text, collector, self._storage_key(sender),
                                   input_channel=self.name(), metadata=metadata or None)
        deadline = admission.lock_deadline.set(time.monotonic() + admission.LOCK_WAIT_S)
        try:
            await asyncio.wait_for(on_new_message(user_message), timeout=admission.REPLY_DEADLINE_S)
        except admission.ConversationBusy:
            raise
        except admission.LockWaitExpired:
            return [self._reply(sender, self._bot_text("conversation_busy"))]
        except asyncio.TimeoutError:
            logger.error("No reply within %.1f s (conversation %s)", admission.REPLY_DEADLINE_S,
                         user_message.sender_id[:8])
        except Exception as error:  # noqa: BLE001 - any failure must become a reply
            # The type only: the message and tracker may hold what the citizen typed.
            logger.error("Handling a message failed: %s", type(error).__name__)
        finally:
            admission.lock_deadline.reset(deadline)
        # `custom`: the crisis card (bot/crisis_card.py), sent after its answer's text.
        replies = [{**m, "recipient_id": sender} for m in collector.messages
                   if m.get("text") or m.get("buttons") or m.get("custom")]
        return replies or [self._reply(sender, self._bot_text("technical_error"))]

    # -- routes ------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("web_channel", __name__)

        def tracker_store_of(request: Request) -> TrackerStore | None:
            agent = getattr(request.app.ctx, "agent", None)
            return agent.tracker_store if agent is not None else None

        def from_site(request: Request) -> bool:
            return request.headers.get(VIA_HEADER, "").strip().lower() == VIA_SITE

        def rate_limited(request: Request) -> HTTPResponse | None:
            # Only what came through a proxy is counted: the website's visitors. Local
            # tools on this machine (tests, ask.py, make bench) talk to 127.0.0.1 directly,
            # which `make run` alone listens on.
            forwarded_for = request.headers.get("x-forwarded-for")
            if not forwarded_for:
                return None
            retry_after = self._rate_limiter.retry_after(client_address(forwarded_for, request.ip or ""))
            return self._too_many(retry_after) if retry_after is not None else None

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
        async def new_conversation(request: Request) -> HTTPResponse:
            return rate_limited(request) or response.json(
                {"sender": sender_ids.issue(self._secret)}, status=201)

        @blueprint.route("/conversations/<sender>", methods=["DELETE"])
        async def delete_conversation(request: Request, sender: str) -> HTTPResponse:
            """The right to erasure: the stored conversation is deleted at once."""
            limited = rate_limited(request)
            if limited:
                return limited
            if not input_guard.SENDER_PATTERN.fullmatch(sender):
                return self._error(400, "invalid_sender", "Het gespreksnummer is ongeldig.")
            if not sender_ids.is_issued(sender, self._secret) and (
                    from_site(request) or not self.allow_client_sender_ids):
                return self._error(403, "unknown_sender", "Dit gesprek is onbekend.")
            store = tracker_store_of(request)
            store = underlying(store) if store is not None else None
            if store is None or not hasattr(store, "delete"):
                return self._error(501, "not_supported", "Wissen is hier niet mogelijk.")
            deleted = await store.delete(self._storage_key(sender))
            logger.info("Conversation erased on request (%d events)", deleted)
            return response.empty(status=204)

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            limited = rate_limited(request)
            if limited:
                return limited
            try:
                chat = input_guard.parse_chat_request(request.body or b"",
                                                      content_type=request.headers.get("content-type"))
            except input_guard.RequestError as error:
                return self._error(error.status, error.error, error.message)
            tracker_store = tracker_store_of(request)
            problem = await self._sender_problem(chat.sender, from_site(request), tracker_store)
            if problem:
                return problem
            try:
                return response.json(await self._handle(on_new_message, chat.sender, chat.message,
                                                        getattr(request.app.ctx, "agent", None)))
            except admission.ConversationBusy as busy:
                return self._too_many(busy.retry_after_s)

        return blueprint
