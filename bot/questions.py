"""The shape of a question: which aspect it asks about, yes/no, comparison, two questions.

NLU decides the topic of a message; this module reads what kind of question it is,
so the answer can be one fact of that topic (topic x aspect), a "Ja."/"Nee." verdict,
or two answers. Rule-based on folded text: the cues are closed-class Dutch words
(question words, "alleen", "verschil"), which a short list captures better than a
model trained on a few hundred examples would.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.text import fold

# Aspect cues, most specific first: "wie betaalt" is about money, not about who.
_ASPECT_CUES: tuple[tuple[str, str], ...] = (
    # Present and past tense: "wie betaalt het?", "wie financierde de uitbreiding?".
    ("money", (r"\b(?:wie|wat) (?:betaalt|betalen|betaalde|betaalden|financiert|financierde|financierden"
               r"|bekostigt|bekostigde|bekostigden)\b|\bbetaal(?:t|de|den)\b|\bgeld\b|\bkosten\b"
              r"|\bbudget\b|\bfinanciering\b|\bwie draait .* op\b")),
    ("period", (r"\bperiode\b|\bwelke jaren\b|\bover welke tijd\b|\btijdvak\b|\blooptijd\b"
               r"|\bvan welk jaar\b|\btot welk jaar\b|\bwelk(?:e)? jaar\b")),
    ("why", (r"\bwaarom\b|\bhoe (?:komt|kan) (?:dat|het)\b|\bwaardoor\b|\bom welke reden\b|\bwat is de reden\b"
            r"|\bwat is daar de reden\b|\bhoezo\b")),
    ("count", r"\bhoeveel\b"),
    ("when", r"\bwanneer\b|\bsinds wanneer\b|\bhoe lang\b|\bwelke datum\b|\bwelke dag\b|\bsinds\b"),
    ("who", (r"\bwie\b|\bmet wie\b|\bwelke (?:partijen|organisaties|instanties|experts|specialisten|mensen"
            r"|deskundigen|partners)\b|\bwat (?:doet|deed|gaat|ging) de (?:staatssecretaris|minister|regering|overheid)\b")),
    ("where", (r"\bwaar (?:is|was|vindt|vond|zit|zat|kan|kun|ligt)\b|\bin welke zaal\b|\bwelke zaal\b"
              r"|\bwelke landen\b|\bwaar precies\b|^(?:en )?waar\??$")),
)
_ASPECT_PATTERNS = tuple((aspect, re.compile(pattern)) for aspect, pattern in _ASPECT_CUES)

# "Alleen"-claims are the typical misconception ("alleen vrouwen?", "altijd prostitutie?",
# "toch gewoon hetzelfde als ...?").
_ONLY = re.compile(r"\b(?:alleen|enkel|uitsluitend|slechts|puur|only|altijd|toch gewoon|niets anders dan"
                   r"|hetzelfde als)\b")

# A yes/no question starts with a finite verb or a confirmation formula.
_YES_NO_START = re.compile(
    r"^(?:klopt het|is het waar|het is toch|toch)\b"
    r"|^(?:is|zijn|was|waren|gaat|gaan|ging|heeft|hebben|had|kan|kunnen|mag|mogen|moet|moeten|wordt|worden"
    r"|werd|werken|werkt|hoort|horen|komt|komen|kwam|klopt|betekent|valt|vallen|doet|doen|speelt|bestaat"
    r"|bestaan|krijgt|krijgen|zit|zitten|ligt|vindt|vond|spreekt|sprak|telt|tellen|letten|let|geldt"
    r"|helpt|helpen|zal|zullen|zou|zouden|wil|willen|heet|staat|stond|werd|blijft|blijkt)\b")
_YES_NO_END = re.compile(r"\b(?:toch|of niet|klopt dat|klopt het|is dat zo)\s*\??$")

# Values a yes/no question can claim, per check kind of bot.content.CHECK_KINDS.
_NUMBER_WORDS = {"een": "1", "één": "1", "twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6",
                 "zeven": "7", "acht": "8", "negen": "9", "tien": "10"}
_CLAIM_PATTERNS: Mapping[str, re.Pattern[str]] = {
    "year": re.compile(r"\b(?:19|20)\d\d\b"),
    "number": re.compile(r"\b(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|[2-9]|10)\b"
                         r"(?= (?:ministeries|ministers|thema|themas|thema's|landen|vormen|soorten|partijen))"),
    "place": re.compile(r"\b(?:plenaire zaal|[a-z]+zaal|vergaderzaal)\b"),
    "role": re.compile(r"\b(?:minister-president|premier|staatssecretaris|minister|kamerlid|burgemeester"
                       r"|rapporteur)\b"),
    "country": re.compile(r"\b(?:polen|italie|roemenie|bulgarije|duitsland|belgie|frankrijk|spanje|oekraine"
                          r"|hongarije|nigeria|china|turkije|griekenland|balkan(?:route)?)\b"),
}

# "wat is het verschil tussen X en Y", "hoe verschilt X van Y", "X of Y: wat is het verschil"
_COMPARISON = (
    re.compile(r"verschil(?:len)? (?:(?:is|zit|zitten|bestaat|bestaan) )?(?:er )?tussen (?P<a>.+?) en (?P<b>.+?)\s*\??$"),
    # "verschil slachtoffermonitor en dadermonitor?": the noun phrase without "tussen".
    re.compile(r"^(?:(?:en )?(?:wat is )?(?:het )?)verschil (?!tussen\b)(?P<a>.+?) en (?P<b>.+?)\s*\??$"),
    re.compile(r"(?:hoe|waarin) verschil(?:t|len) (?P<a>.+?) (?:van|met) (?P<b>.+?)\s*\??$"),
    re.compile(r"(?:vergelijk|vergelijking van) (?P<a>.+?) (?:en|met) (?P<b>.+?)\s*\??$"),
    re.compile(r"^(?P<a>.+?) (?:en|versus|vs\.?|of) (?P<b>.+?)[,:]? (?:wat is )?(?:het|de) verschil"),
    re.compile(r"^(?P<a>.+?) anders dan (?P<b>.+?)\s*\??$"),
)

# Sentence ends inside a message: a comparison is looked for in each sentence.
_SENTENCE_PARTS = re.compile(r"(?<=[?!.])\s+")
_QUESTION_WORD = r"(?:wat|wie|waar|wanneer|waarom|hoe|hoeveel|welke|welk|sinds wanneer)"
# "wanneer en waar was het overleg": two question words sharing one question.
_SHARED_QUESTION = re.compile(rf"^(?:en )?(?P<first>{_QUESTION_WORD}) en (?P<second>{_QUESTION_WORD})\b")
# "wat is mensenhandel en welke vormen zijn er": a second question after "en" or "?".
_SECOND_QUESTION = re.compile(
    rf"\?\s+|,?\s+(?:en|of) (?=(?:(?:in|bij|met|voor|over|op|van|naar) )?{_QUESTION_WORD}\b)"
    # "... en kan ik later nalezen wat er is gezegd?": a yes/no question after "en".
    r"|,?\s+en (?=(?:kan|kun|mag|moet|is|zijn|heeft|hebben|wordt|worden|komt|komen|gaat|gaan|bestaat)"
    r" (?:ik|u|je|jij|er|het|ze|hij|zij|men)\b)")
_QUESTION_WORD_ASPECT = {"wanneer": "when", "sinds wanneer": "when", "waar": "where", "wie": "who",
                         "waarom": "why", "hoeveel": "count"}

# A fuzzy name match must be this close (0-100) to count; names shorter than
# _FUZZY_MIN_LENGTH must appear exactly, as short words have too many neighbours.
_NAME_MATCH = 88
_FUZZY_MIN_LENGTH = 6


def aspects(text: str | None) -> list[str]:
    """The aspects a question asks about, most specific first ("wie financiert het?" -> money, who)."""
    folded = fold(text or "")
    return [aspect for aspect, pattern in _ASPECT_PATTERNS if pattern.search(folded)]


# A follow-up is short and often names its aspect without a question word ("op welke
# plek?", "en de reden?", "jaartallen?"), or misspells that word ("wanneerr", "wrm").
# These cues come after the general ones above, in the same most-specific-first order.
_FOLLOWUP_CUES: tuple[tuple[str, str], ...] = (
    ("period", (r"\b(?:jaren|jarren|jaartal\w*|jaargang\w*|tijdspanne|tijdsbestek|tijdsperiode|bestrijk\w*"
               r"|beslaat|(?:begin|start) en eind\w*|van wanneer tot wanneer|hoeveel jaar (?:beslaat|loopt|duurt))\b")),
    ("why", (r"\b(?:reden|oorzaak|doel|verklaring|verklaar\w*|achterliggende|waar (?:komt|ligt) (?:dat|het)|hoe (?:dat|zo)"
            r"|waarvoor is)\b")),
    ("count", r"\b(?:aantal\w*|cijfers?|getal\w*|hoe vaak|hoe groot)\b"),
    ("when", (r"\b(?:hoe laat|datum|tijdstip|moment|maand|jaar|hoelang geleden|al (?:geweest|voorbij)"
             r"|om welke tijd)\b")),
    ("who", r"\b(?:persoon|personen|hoe heet|regering|ministerie|kabinet)\b"),
    ("where", (r"\b(?:plek|plaats|locatie|adres|gebouw|stad|zaal\w*|waarheen|waarzo|hoe kom ik daar"
              r"|welk deel van)\b")),
)
_FOLLOWUP_PATTERNS = tuple((aspect, re.compile(pattern)) for aspect, pattern in _FOLLOWUP_CUES)
# Question words as typed in a hurry: abbreviations, and misspellings close to the word.
_QUESTION_WORD_SHORTHAND = {"wrm": "waarom", "wr": "waar", "wi": "wie", "wnr": "wanneer"}
_QUESTION_WORD_MATCH = 80


def followup_aspects(text: str | None) -> list[str]:
    """The aspects a short follow-up asks about, most specific first; [] for "tell me more".

    The general cues of ``aspects`` first, then words a follow-up uses instead of a
    question word, then question words written with a typo ("waarr", "hoevel").
    """
    folded = fold(text or "")
    found = aspects(text)
    for aspect, pattern in _FOLLOWUP_PATTERNS:
        if aspect not in found and pattern.search(folded):
            found.append(aspect)
    for word in re.findall(r"\w+", folded):
        word = _QUESTION_WORD_SHORTHAND.get(word, word)
        match = process.extractOne(word, _QUESTION_WORD_ASPECT.keys(), scorer=fuzz.ratio,
                                   score_cutoff=_QUESTION_WORD_MATCH) if len(word) >= 2 else None
        if match and match[0] != "sinds wanneer":
            aspect = _QUESTION_WORD_ASPECT[match[0]]
            if aspect not in found:
                found.append(aspect)
    return found


def is_yes_no_question(text: str | None) -> bool:
    """A question to be answered with yes or no, also as a statement with "?" ("Dat is strafbaar?")."""
    folded = fold(text or "").lstrip("¿¡ ")
    if _YES_NO_START.search(folded) or _YES_NO_END.search(folded):
        return True
    # A statement with "?" has no question word anywhere ("bij welke inspectie ...?" is open).
    return folded.endswith("?") and not re.search(rf"\b{_QUESTION_WORD}\b", folded)


def claims_only(text: str | None) -> bool:
    return bool(_ONLY.search(fold(text or "")))


def claimed_values(text: str | None) -> dict[str, set[str]]:
    """Per check kind, the values a question mentions ("is het debat in 2020" -> year {2020})."""
    folded = fold(text or "")
    found: dict[str, set[str]] = {}
    for kind, pattern in _CLAIM_PATTERNS.items():
        values = {_NUMBER_WORDS.get(match, match) for match in pattern.findall(folded)}
        if values:
            found[kind] = values
    return found


def verdict(text: str | None, checks: Mapping[str, Iterable[str]], default: str | None) -> str | None:
    """"ja" or "nee" for a yes/no question checked against a topic's values; None if unknown.

    A claimed value of a kind the topic knows is right when the topic lists it
    (by its start, so "balkan" matches "westelijke balkanroute"); anything else is a
    correction. Without such a claim the topic's own default (``yes_no``) holds.
    """
    claimed = claimed_values(text)
    known = {kind: [_NUMBER_WORDS.get(value, value) for value in values] for kind, values in checks.items()}
    judged = False
    for kind, values in claimed.items():
        if kind not in known:
            continue
        judged = True
        for value in values:
            if not any(fold(option).startswith(value) or value in fold(option) for option in known[kind]):
                return "nee"
    if judged:
        return "ja"
    return default


def comparison_parts(text: str | None) -> tuple[str, str] | None:
    """The two things compared in "wat is het verschil tussen X en Y?", else None.

    Each sentence is tried on its own: "verschil tussen X en Y? zijn dat niet allebei Z"
    compares X and Y.
    """
    for sentence in _SENTENCE_PARTS.split(fold(text or "")):
        for pattern in _COMPARISON:
            match = pattern.search(sentence.strip())
            if match:
                return match.group("a").strip(" ,?.!"), match.group("b").strip(" ,?.!")
    return None


@dataclass(frozen=True)
class QuestionParts:
    """A message holding two questions: either two question words sharing the rest
    ("wanneer en waar ...") or two full questions."""

    shared_aspects: tuple[str, ...] = ()
    fragments: tuple[str, ...] = ()


def split_questions(text: str | None) -> QuestionParts | None:
    folded = fold(text or "")
    shared = _SHARED_QUESTION.search(folded)
    if shared:
        found = tuple(_QUESTION_WORD_ASPECT.get(shared.group(word), "what") for word in ("first", "second"))
        return QuestionParts(shared_aspects=found)
    fragments = tuple(part.strip(" ?,.") for part in _SECOND_QUESTION.split(folded) if part.strip(" ?,."))
    if len(fragments) >= 2 and all(len(part.split()) >= 2 for part in fragments):
        return QuestionParts(fragments=fragments[:2])
    return None


def name_score(fragment: str, name: str) -> float:
    """How well a topic's name occurs in a fragment (100 = literally), typo-tolerant for long names."""
    folded_fragment, folded_name = fold(fragment), fold(name)
    if re.search(rf"(?<!\w){re.escape(folded_name)}", folded_fragment):
        return 100.0 + len(folded_name)  # longer literal names are more specific
    if len(folded_name) < _FUZZY_MIN_LENGTH:
        return 0.0
    score = fuzz.partial_ratio(folded_name, folded_fragment)
    return score if score >= _NAME_MATCH else 0.0


# A story with a question at the end ("Ik ben journalist en schrijf over ... Wie kwam
# er namens het kabinet?"): the question alone is what NLU should classify when the
# whole story leaves it unsure. Only for messages this long, split into sentences.
MIN_STORY_WORDS = 15
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def final_question(text: str | None) -> str | None:
    """The last question of a longer, multi-sentence message; None for a short or single-sentence one."""
    text = (text or "").strip()
    if len(text.split()) < MIN_STORY_WORDS:
        return None
    sentences = [sentence for sentence in _SENTENCE_END.split(text) if sentence.strip()]
    if len(sentences) < 2:
        return None
    questions = [sentence for sentence in sentences if sentence.rstrip().endswith("?")]
    return (questions or sentences)[-1].strip()
