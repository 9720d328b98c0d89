"""Small text helpers shared by the safety check and the actions."""
from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not split into a base letter and an accent, the typographic
# apostrophe, and Arabic letter variants that people type interchangeably.
_LETTERS = str.maketrans({"ł": "l", "ı": "i", "ß": "ss", "ø": "o", "’": "'", "ة": "ه", "ى": "ي"})


def fold(text: str) -> str:
    """Lower case without accents and with single spaces, for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.lower().translate(_LETTERS)).strip()


def has_readable_content(text: str | None) -> bool:
    """False for empty, whitespace-only or emoji/punctuation-only messages."""
    return bool(text) and any(c.isalnum() for c in text)
