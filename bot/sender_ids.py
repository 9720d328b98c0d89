"""Conversation ids issued by the server: random and signed, so they cannot be guessed or forged."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

SECRET_ENV = "BOT_SENDER_ID_SECRET"
DEFAULT_SECRET_FILE = Path(__file__).resolve().parent.parent / "var" / "sender-id-secret"
_SIGNATURE_CHARS = 16
# An issued id that has carried no message for this long is refused: a copied or
# leaked id cannot be used to continue (and learn) someone's conversation later.
IDLE_EXPIRY_S = 30 * 60


def load_secret(path: Path = DEFAULT_SECRET_FILE) -> bytes:
    """The signing secret: from the environment, else a file created on first use."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env.encode()
    if not path.exists():
        _create_secret_file(path)
    return path.read_text().strip().encode()


def _create_secret_file(path: Path) -> None:
    # Several replicas may start at once: the secret is written to a private
    # temporary file and linked into place, so no process ever reads a
    # half-written file and exactly one secret wins.
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(32))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def _signature(secret: bytes, token: str) -> str:
    digest = hmac.new(secret, token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_SIGNATURE_CHARS]


def issue(secret: bytes, now: float | None = None) -> str:
    """A new conversation id: 128 random bits, the time of issue, and a signature over both."""
    token = f"{secrets.token_urlsafe(16)}.{int(time.time() if now is None else now):x}"
    return f"{token}.{_signature(secret, token)}"


def is_issued(sender: str, secret: bytes) -> bool:
    """True if ``sender`` was issued with ``secret`` (constant-time comparison)."""
    token, dot, signature = sender.rpartition(".")
    return bool(dot and token) and hmac.compare_digest(signature, _signature(secret, token))


def issued_at(sender: str) -> float | None:
    """When an issued id was issued (seconds since the epoch); None if it carries no time."""
    token = sender.rpartition(".")[0]
    _random, dot, stamp = token.rpartition(".")
    try:
        return float(int(stamp, 16)) if dot else None
    except ValueError:
        return None


def is_expired(sender: str, last_activity: float | None, now: float | None = None) -> bool:
    """True when an issued id has been idle for ``IDLE_EXPIRY_S``: since its last message, or since issue."""
    now = time.time() if now is None else now
    since = last_activity if last_activity is not None else issued_at(sender)
    return since is None or now - since > IDLE_EXPIRY_S


def storage_key(sender: str, secret: bytes) -> str:
    """The id a conversation is stored and locked under: a keyed hash of what the client sent.

    Client-chosen ids can be personal data (a phone number, a BSN) and issued ids are
    bearer tokens; neither is stored. The key is stable, so a conversation carries on,
    but the database alone does not let anyone continue or name a conversation.
    """
    digest = hmac.new(secret, b"conversation:" + sender.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
