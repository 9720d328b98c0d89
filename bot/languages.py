"""Which language a message is in, and whether it reads like a cry for help in that language.

Many victims of labour exploitation in the Netherlands do not read Dutch. The bot
does not translate its answers, but it must never leave someone in danger without
112 and the help lines. Language identification uses lingua (its models ship inside
the wheel; nothing is downloaded) restricted to the languages below, in low-accuracy
mode: 30 MB and 0.2 s to load instead of 450 MB (docs/languages.md has the figures).

Dutch wins whenever it plausibly is Dutch: short messages and messages made mostly of
Dutch words never take the non-Dutch route, because an answer in Dutch to a Dutch
citizen matters more than a notice in English to a tourist saying "hi".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.page import CONTENT_DIR, PAGE_FILE
from bot.text import fold
from bot.training_data import NON_DUTCH_INTENT, training_examples

# ISO 639-1 codes the bot has texts for (answers.yml `languages:`), plus languages
# it must be able to tell apart from them.
_DETECTED = ("nl", "en", "pl", "ro", "bg", "uk", "es", "pt", "ar", "de", "fr", "tr", "ru", "it")
# Low-accuracy mode spreads its confidence over related languages (Spanish and
# Portuguese, say), so the route depends on Dutch being unlikely, not on one language
# being certain: a message leaves Dutch when the detector gives Dutch at most
# _MAX_DUTCH and at most _DUTCH_SHARE of its words are known Dutch words, or when
# one other language is _SURE. Either way it needs _MIN_WORDS words, except a
# sure guess on a message without a single Dutch word ("Guten Tag!").
_MAX_DUTCH = 0.1
_SURE = 0.9
_MIN_WORDS = 3
_DUTCH_SHARE = 0.5
# With this share of known Dutch words a message is Dutch whatever the detector says.
_SURELY_DUTCH_SHARE = 0.75
_WORD = re.compile(r"[^\W\d_]+")
_FUZZY_MIN_LENGTH = 7
# Letters Dutch does not use: one of them makes a short message's foreign guess credible.
_FOREIGN_LETTERS = re.compile(r"[ąćęłńśźżșțşăîñçãõğıőűßœ¿¡]")
_NON_LATIN = {"ar": re.compile(r"[\u0600-\u06ff]"), "cyrillic": re.compile(r"[\u0400-\u04ff]")}

# Frequent Dutch words that are rare in the other languages; the page's own words are added.
_DUTCH_WORDS = frozenset(["aan", "al", "alle", "alleen", "als", "altijd", "ben", "bij", "dan", "dat", "de", "den", "deze", "die", "dit", "doe", "doen", "door", "dus", "een", "eens", "en", "er", "ermee", "geen", "ging", "graag", "had", "hebben", "heb", "heeft", "het", "hier", "hij", "hoe", "hoeveel", "hun", "iemand", "iets", "ik", "in", "is", "ja", "je", "jij", "jullie", "kan", "keer", "komt", "krijg", "kun", "kunnen", "maar", "me", "mee", "meer", "mijn", "mij", "mn", "moet", "moeten", "mag", "naar", "niet", "nog", "nu", "of", "om", "omdat", "ons", "onze", "ook", "op", "over", "te", "tegen", "tot", "u", "uit", "uw", "van", "veel", "voor", "waar", "waarom", "wanneer", "wat", "we", "welk", "welke", "werd", "wie", "wij", "word", "wordt", "worden", "zal", "ze", "zei", "zelf", "zich", "zij", "zijn", "zo", "zonder", "zou", "hallo", "hoi", "dag", "doei", "bedankt", "dank", "goedemorgen", "goedemiddag", "goedenavond", "oke", "prima", "fijn", "vraag", "vragen", "debat", "kamer", "zaal", "uitbuiting"])


@dataclass(frozen=True)
class Detected:
    code: str
    confidence: float


@lru_cache(maxsize=1)
def _dutch_vocabulary() -> frozenset[str]:
    """Dutch words: frequent function words, the page, and the Dutch training examples.

    Words of the `non_dutch` examples and of the danger word list are left out, so
    an English message is not made Dutch by the English words staff trained on.
    """
    words = set(_DUTCH_WORDS)
    words |= {word for word in _WORD.findall(fold(PAGE_FILE.read_text(encoding="utf-8"))) if len(word) > 2}
    foreign: set[str] = set()
    for intent, example in training_examples():
        (foreign if intent == NON_DUTCH_INTENT else words).update(_WORD.findall(fold(example)))
    foreign.update(_WORD.findall(fold(DANGER_WORDS_FILE.read_text(encoding="utf-8"))))
    return frozenset(words - (foreign - _DUTCH_WORDS))


def _is_dutch_word(word: str, vocabulary: frozenset[str]) -> bool:
    if word in vocabulary:
        return True
    # One typo away from a longer Dutch word ("bedanktt") still counts as Dutch.
    if len(word) < _FUZZY_MIN_LENGTH:
        return False
    match = process.extractOne(word, vocabulary, scorer=Levenshtein.distance,
                               score_cutoff=1, processor=None)
    return match is not None


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in _DETECTED]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def warm_up() -> None:
    """Load the language models, the Dutch vocabulary and the danger words now, not on a citizen's message."""
    detect_language("this loads the language models before the first message arrives")
    sounds_like_danger_abroad("")
    _danger_cues()


def dutch_share(text: str) -> float:
    """The share of a message's words that are Dutch (or one typo from a Dutch word)."""
    # One-letter words ("s" of "'s", "u") say nothing about the language.
    words = [word for word in _WORD.findall(fold(text)) if len(word) > 1]
    if not words:
        return 0.0
    vocabulary = _dutch_vocabulary()
    return sum(_is_dutch_word(word, vocabulary) for word in words) / len(words)


def detect_language(text: str | None) -> Detected:
    """The language of a message; "nl" unless another language is clearly more likely."""
    if not text or not text.strip():
        return Detected("nl", 1.0)
    words = _WORD.findall(text)
    non_latin = bool(_NON_LATIN["ar"].search(text) or _NON_LATIN["cyrillic"].search(text))
    share = dutch_share(text)
    if not non_latin and share >= _SURELY_DUTCH_SHARE:
        return Detected("nl", 1.0)
    values = _detector().compute_language_confidence_values(text)
    confidence = {value.language.iso_code_639_1.name.lower(): value.value for value in values}
    if not confidence:
        return Detected("nl", 1.0)
    best = max(confidence, key=confidence.__getitem__)
    if non_latin:
        # Arabic or Cyrillic script is never Dutch; keep the script's likeliest language.
        return Detected(best if best != "nl" else ("ar" if _NON_LATIN["ar"].search(text) else "uk"),
                        confidence[best])
    dutch = confidence.get("nl", 0.0)
    if best != "nl" and confidence[best] >= _SURE and len(words) >= 2 and (
            share == 0.0 or (len(words) >= _MIN_WORDS and share < _DUTCH_SHARE)):
        return Detected(best, confidence[best])
    if best != "nl" and len(words) >= 2 and _FOREIGN_LETTERS.search(text.lower()) and share < _DUTCH_SHARE:
        return Detected(best, confidence[best])
    if len(words) >= _MIN_WORDS and share < _DUTCH_SHARE and dutch <= _MAX_DUTCH:
        return Detected(best, confidence[best])
    return Detected("nl", dutch)


DANGER_WORDS_FILE = CONTENT_DIR / "danger_words.yml"
# Up to three other words may stand between the words of a cue.
_GAP = r"(?:\W+\w+){0,3}?\W+"


def _cue_pattern(cue: str, language: str) -> str:
    anchored = cue.startswith("^")
    words = [re.escape(word) for word in fold(cue.lstrip("^")).split()]
    if language == "ar":
        body = r"\W+(?:\w+\W+){0,3}?".join(words)
        return ("^" if anchored else "") + body
    return ("^" if anchored else r"(?<!\w)") + _GAP.join(words)


@lru_cache(maxsize=1)
def _danger_cues() -> re.Pattern[str]:
    import yaml

    raw = yaml.safe_load(DANGER_WORDS_FILE.read_text(encoding="utf-8")) or {}
    patterns = [_cue_pattern(str(cue), str(language)) for language, cues in raw.items() for cue in cues or []]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def sounds_like_danger_abroad(text: str | None) -> bool:
    """True when a non-Dutch message reads like a cry for help in any language the bot knows."""
    return bool(text) and _danger_cues().search(fold(text)) is not None
