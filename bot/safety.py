"""Recognise messages from someone who may be in danger.

The NLU model has an ``acute_danger`` intent, but a model can be wrong. For this
subject a missed cry for help costs far more than an unneeded 112 line, so this
keyword check runs on every message as a second, independent net.
"""
from __future__ import annotations

import re

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
    rf"\b(?:mijn|m'n|mn)\s+\w+\s+(?:wordt|is|worden|zijn)\s+{_WORDS}{_HARM}",
    # "ik durf niet weg te gaan", "ik kan niet weg", "ik mag het huis niet uit"
    rf"\b(?:durf|kan|mag)\s+{_WORDS}niet\s+(?:\w+\s+){{0,2}}(?:weg|vluchten|ontsnappen)",
    r"\b(?:mag|kan|durf)\s+(?:\w+\s+){0,3}niet\s+(?:naar\s+)?buiten\b",
    r"\bhelp\s*(?:me|mij)\b|\bred\s+(?:me|mij)\b",
    r"\bin (?:direct |acuut |groot )?gevaar\b",
    r"\bik ben (?:zo |heel |erg )?bang\b",
    r"\b(?:paspoort|id|identiteitsbewijs|papieren)\b.*\b(?:afgepakt|afgenomen|ingenomen|ingehouden|houdt|houden)\b",
    r"\b(?:bedreigt|bedreigen|slaat|slaan|mishandelt|mishandelen)\s+(?:me|mij|ons)\b",
    r"\bmoet\s+(?:\w+\s+){0,4}(?:seks|prostitutie|werken zonder loon)\b.*\b(?:ik|me|mij)\b",
    r"\b(?:ik|me|mij)\b.*\bmoet\s+(?:\w+\s+){0,4}(?:seks hebben|tippelen|in de prostitutie)\b",
]
_DANGER = re.compile("|".join(f"(?:{p})" for p in _DANGER_PATTERNS))


def sounds_like_danger(text: str | None) -> bool:
    """True when the message reads like someone who is (or knows someone) in danger."""
    return bool(text) and _DANGER.search(fold(text)) is not None
