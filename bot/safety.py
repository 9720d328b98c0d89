"""Recognise messages from someone who may be in danger.

The NLU model has an ``acute_danger`` intent, but a model can be wrong. For this
subject a missed cry for help costs far more than an unneeded 112 line, so this
keyword check runs on every message as a second, independent net.
"""
from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.text import fold

_WORDS = r"(?:\w+\s+){0,3}"
_HARM = (
    r"(?:uitgebuit|gedwongen|bedreigd|opgesloten|mishandeld|geslagen|vastgehouden"
    r"|verkocht|misbruikt|verkracht|in gevaar)"
)

_DANGER_PATTERNS = [
    # "ik word gedwongen", "wij worden uitgebuit", "ik ben opgesloten"
    rf"\b(?:ik|we|wij)\s+(?:word|wordt|worden|ben|zijn)\s+{_WORDS}{_HARM}",
    # "mijn zus wordt uitgebuit", "m'n vriendin is opgesloten"
    rf"\b(?:mijn|m'n|mn)\s+\w+\s+(?:wordt|word|is|worden|zijn)\s+{_WORDS}{_HARM}",
    # "ik durf niet weg te gaan", "ik kan niet weg", "ik mag het huis niet uit"
    # ... and about someone else: "ze durft niet weg", "hij mag niet naar buiten".
    rf"\b(?:durf|durft|durven|kan|kunnen|mag|mogen)\s+{_WORDS}niet\s+(?:\w+\s+){{0,2}}(?:weg|vluchten|ontsnappen)",
    r"\b(?:mag|mogen|kan|kunnen|durf|durft|durven)\s+(?:\w+\s+){0,3}niet\s+(?:naar\s+)?buiten\b",
    r"\bhelp\s*(?:me|mij)\b|\bred\s+(?:me|mij)\b",
    # A message that opens with a cry for help: "help!", "plz help er staat een man ..."
    # (a bare "help" asks what the bot can do, and is answered so).
    r"^\W*(?:plz|pls|please|aub|alsjeblieft|alstublieft)?\W*help+(?:\s*!|\W+(?!(?:bij|met|je|jij|u)\b)\w)",
    r"\bin (?:direct |acuut |groot )?gevaar\b",
    r"\bik ben (?:zo |heel |erg )?bang\b",
    r"\b(?:paspoort|id|identiteitsbewijs|papieren)\b.*\b(?:afgepakt|afgenomen|ingenomen|ingehouden|houdt|houden)\b",
    r"\b(?:bedreigt|bedreigen|slaat|slaan|mishandelt|mishandelen|dwingt|dwingen)\s+(?:me|mij|ons)\b",
    # "hij wil me dwingen", "ze dwingen mij om ..."
    r"\b(?:me|mij|ons)\s+(?:\w+\s+){0,2}(?:dwingen|te dwingen)\b",
    r"\bmoet\s+(?:\w+\s+){0,4}(?:seks|prostitutie|werken zonder loon)\b.*\b(?:ik|me|mij)\b",
    r"\b(?:ik|me|mij)\b.*\bmoet\s+(?:\w+\s+){0,4}(?:seks hebben|tippelen|in de prostitutie)\b",
]
_DANGER = re.compile("|".join(f"(?:{p})" for p in _DANGER_PATTERNS))
# The first two patterns read a state ("ik ben uitgebuit"); told as the past
# ("ik ben vroeger uitgebuit, waar kan ik praten?") it asks for help, not rescue.
_DANGER_NOW = re.compile("|".join(f"(?:{p})" for p in _DANGER_PATTERNS[2:]))
_PAST = re.compile(r"\b(?:vroeger|geleden|geweest|in het verleden|destijds|toen ik)\b")


# The words the patterns above are built on. People in distress type fast: a word
# one slip away from one of these ("bedreigt", "mishandelt", "bnag") is read as it.
_KEY_WORDS = (
    "uitgebuit", "gedwongen", "bedreigd", "opgesloten", "mishandeld", "geslagen", "vastgehouden",
    "verkocht", "misbruikt", "verkracht", "gevaar", "bang", "durf", "vluchten", "ontsnappen",
    "paspoort", "afgepakt", "afgenomen", "ingenomen", "bedreigen", "mishandelen", "prostitutie", "dwingen",
)
# Short words only take a swapped pair of letters ("bnag"); longer ones any single slip.
_FUZZY_MIN_LENGTH = 6
# Real words one slip from a key word, which must stay themselves.
_NOT_TYPOS = frozenset({"bank", "band", "bange", "banger", "durft", "durven", "gevaarlijk", "paspoorten"})


def _correct_typos(folded: str) -> str:
    words = folded.split(" ")
    for number, word in enumerate(words):
        bare = word.strip(".,!?;:")
        if bare in _KEY_WORDS or bare in _NOT_TYPOS or len(bare) < 4:
            continue
        match = process.extractOne(bare, _KEY_WORDS, scorer=OSA.distance, score_cutoff=1, processor=None)
        if match is None:
            continue
        key_word = match[0]
        is_swap = sorted(bare) == sorted(key_word)
        if len(key_word) >= _FUZZY_MIN_LENGTH or is_swap:
            words[number] = key_word
    return " ".join(words)


def sounds_like_danger(text: str | None) -> bool:
    """True when the message reads like someone who is (or knows someone) in danger."""
    if not text:
        return False
    folded = fold(text)
    pattern = _DANGER_NOW if _PAST.search(folded) else _DANGER
    return pattern.search(folded) is not None or pattern.search(_correct_typos(folded)) is not None
