"""Redaction of personal data from citizen messages before anything is stored or logged.

``redact`` replaces BSNs, phone numbers, e-mail addresses, IBANs, postcodes (with
house number), names after a lead-in ("mijn naam is ..."), street addresses,
full dates and passport/ID-card numbers by Dutch placeholders such as ``[bsn]``.
The detectors err on the side of redacting: a false positive costs a few words
of a log line, a false negative leaks someone's data. Names are the exception:
only a name after a lead-in is found, because without one a name cannot be told
from the capitalised words of an ordinary question.

Detection works on a masked copy of the text: other scripts' digits, dashes and
full-width forms are first mapped to their ASCII look-alikes one character for
one, then every span a detector claims is overwritten with a filler of equal
length, so later detectors cannot match inside it and all spans keep their
original offsets. Every pattern avoids nested variable quantifiers, so matching
stays linear on long input.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from stdnum.iban import mod_97_10
from stdnum.nl import bsn as stdnum_bsn

from bot.page import CONTENT_DIR, PAGE_FILE

BSN = "bsn"
PHONE = "phone"
EMAIL = "email"
IBAN = "iban"
POSTCODE = "postcode"
NAME = "name"
ADDRESS = "address"
DATE = "date"
DOCUMENT = "document"

# Shown to citizens and staff when a conversation is read back, hence Dutch.
# The first five are in the NLU training data; changing them means retraining.
PLACEHOLDERS: dict[str, str] = {
    BSN: "[bsn]",
    PHONE: "[telefoonnummer]",
    EMAIL: "[e-mailadres]",
    IBAN: "[iban]",
    POSTCODE: "[postcode]",
    NAME: "[naam]",
    ADDRESS: "[adres]",
    DATE: "[datum]",
    DOCUMENT: "[documentnummer]",
}

# The bot itself tells citizens to call these; quoting them back is not personal data.
PUBLIC_NUMBERS: tuple[str, ...] = ("112", "0900-8844", "0800-7000", "0800-5151", "0800-0432",
                                   "+31 343 578 844")

# People the page (or the debate) names in public office; "meneer Bolhaar" is a
# question about the page, not a citizen introducing himself.
PUBLIC_NAMES: frozenset[str] = frozenset({
    "bolhaar", "herman", "broekers-knol", "broekers", "knol", "ankie", "grapperhaus", "ferd",
})

# Dates in these are public facts, not someone's date of birth.
PUBLIC_TEXT_FILES = (PAGE_FILE, CONTENT_DIR / "answers.yml")

# Not a word character, digit, separator, "@" or bracket, so a masked span
# looks to the lookarounds of later detectors exactly like a placeholder does.
_MASK = "\x00"

# A separator between digit groups: one space, a dot/dash/slash with optional
# spaces around it, or a bare comma. The branches never match the same string,
# which keeps repetitions of it free of backtracking blow-ups. (Other dashes are
# mapped to "-" before matching.)
_SEP = r"(?:[ ]?[.\-/][ ]?|[ ]|,)?"

_IBAN_SHAPE = r"[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])"
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])" + _IBAN_SHAPE)

# What may stand between a label and its value: "bsn: ", "bsn is ", "bsn-nummer = ".
_LABEL_GAP = r"(?:[ \t]*[:=#\-]?[ \t]*(?:is|nummer|nr\.?|luidt)?[ \t]*[:=#\-]?[ \t]*)"

# A citizen who labels a number means it, so the check digit does not matter: a
# typo in one's own BSN is still one's own BSN.
_LABELLED_IBAN_RE = re.compile(
    r"(?i)\b(?:iban|(?:bank)?rekening(?:nummer|nr\.?)?|rek\.?[ ]?nr\.?)" + _LABEL_GAP
    + r"(?P<value>" + _IBAN_SHAPE + ")"
)
_LABELLED_BSN_RE = re.compile(
    r"(?i)\b(?:bsn|burger[ ]?service[ ]?nummer|sofi[ \-]?(?:nummer|nr\.?))(?:[ \-]?(?:nummer|nr\.?))?"
    + _LABEL_GAP + r"(?P<value>\d(?:[ .\-]?\d){7,8})(?!\d)(?![.,]\d)"
)
_LABELLED_DOCUMENT_RE = re.compile(
    r"(?i)\b(?:paspoort|id[ \-]?kaart|identiteitskaart|identiteitsbewijs|rijbewijs|document"
    r"|verblijfs(?:vergunning|document|pas)|vreemdelingendocument)"
    r"(?:[ \-]?(?:nummer|nr\.?|no\.?))?" + _LABEL_GAP
    # A document number has a digit; "paspoort afgepakt" has none.
    + r"(?P<value>(?<![A-Za-z0-9])(?=[A-Za-z]{0,11}\d)[A-Za-z0-9]{6,12})(?![A-Za-z0-9])"
)
# Dutch passports and ID cards since 2014: two letters, six letters or digits, one
# digit, never the letter O. Unlabelled, only the upper-case form with a digit
# among the six is taken, so that ordinary capitals ("SPECIFIEKE") stay.
_DOCUMENT_RE = re.compile(r"(?<![\w\-])[A-NP-Z]{2}(?=[A-NP-Z]{0,5}\d)[A-NP-Z0-9]{6}[0-9](?![\w\-])")

_AT = r"(?:[ ]?@[ ]?|[ ]?[\[({][ ]?(?:at|@|apenstaartje)[ ]?[\])}][ ]?|[ ](?:at|apenstaartje)[ ])"
_DOT = r"(?:\.|[ ]?[\[({][ ]?(?:dot|punt)[ ]?[\])}][ ]?|[ ](?:dot|punt)[ ])"
_EMAIL_RE = re.compile(
    # The lookbehind lets a local part start only at the beginning of a run,
    # so a long run without "@" is scanned once instead of once per character.
    # "jan [at] voorbeeld [dot] nl" is how people write around spam filters.
    rf"(?i)(?<![\w.+\-])[\w.+\-]+{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}[^\W\d_]{{2,}}\b"
)


def _digits_with_separators(digits: str) -> str:
    return _SEP.join(re.escape(digit) for digit in digits)


# Public numbers as digits, with "+" kept for an international number ("+31 343 578 844").
_PUBLIC_DIGITS = frozenset(re.sub(r"[^\d+]", "", number) for number in PUBLIC_NUMBERS)

_PHONE_RE = re.compile(
    r"(?<![\w+])(?:"
    # Public numbers come first so that, at the same position, they win over
    # the service-number branch that would otherwise swallow "0900-8844 24 uur".
    r"(?P<public>"
    + "|".join(r"\+[ ]?" + _digits_with_separators(digits[1:]) if digits.startswith("+")
               else _digits_with_separators(digits) for digits in sorted(_PUBLIC_DIGITS))
    + r")(?!\d)"
    # "+31 (0)6 ..." and the common slip "+31 06 ...": the trunk zero may be kept.
    rf"|(?:\+|00)[ ]?31{_SEP}(?:\(0\){_SEP})?(?:0{_SEP})?\d(?:{_SEP}\d){{8}}(?!\d)"
    rf"|(?:\+|00)[1-9](?:{_SEP}\d){{7,13}}(?!\d)"
    rf"|0[89]0\d(?:{_SEP}\d){{4,7}}(?!\d)"
    rf"|(?P<national>\(?0(?:\)?{_SEP}\d){{9}})(?!\d)"
    r")"
)

# "05-12-2019 10:00" has the ten digits of a phone number; a date never starts one.
_NUMERIC_DATE_START_RE = re.compile(r"\d{1,2}([\-./])\d{1,2}\1\d{4}")

_MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(
    r"(?i)(?<![\w\-./])(?:"
    # 1-2-1990, 01/02/90, 1.2.1990; a space between the parts only with a label.
    r"(?P<d1>\d{1,2})(?P<sep>[\-./ ])(?P<m1>\d{1,2})(?P=sep)(?P<y1>\d{4}|\d{2})(?![\w\-/]|[.,]\d)"
    r"|(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})(?![\w\-/]|[.,]\d)"
    # 3 maart 1990, 1ste april 1988, 12 jan. 1975; without a year only with a label.
    rf"|(?P<d3>\d{{1,2}})(?:ste|de|e)?[ ](?P<m3>{_MONTH_NAMES})\b\.?(?:[ ](?P<y3>\d{{4}})(?!\d))?"
    r")"
)
# Words that say the date that follows is someone's birthday.
_BIRTH_LABEL_RE = re.compile(
    r"(?i)(?:geboren|geb\.?|geboortedatum|geboortedag|verjaardag|jarig)\W*(?:\w+\W+){0,2}$"
)
_BIRTH_LABEL_WINDOW = 40

_BSN_RE = re.compile(
    r"(?<!\d)(?<!\d[.,])"
    r"(?:\d{9}|\d{4}[ .\-]\d{2}[ .\-]\d{3}|\d{3}[ .\-]\d{3}[ .\-]\d{3})"
    r"(?!\d)(?![.,]\d)"
)

_POSTCODE_RE = re.compile(
    # A dash or slash before the digits means a range such as "2014-2018 EU".
    r"(?<![\w.,\-/])[1-9]\d{3}(?P<letters>[ ]?-[ ]?[A-Za-z]{2}|[ ][A-Za-z]{2}|[A-Za-z]{2})(?![A-Za-z])"
    r"(?:[ ]?\d{1,5}(?:[A-Za-z](?![A-Za-z])|-[A-Za-z0-9]{1,4}(?![A-Za-z0-9]))?(?!\d))?"
)

# Dutch postcodes never use these letter pairs.
_UNUSED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})
# Written after a number these are units ("1000km", "1000 km") or ordinary
# two-letter words ("in 2019 en 2020"), not postcode letters, unless in capitals.
_NOT_POSTCODE_LETTERS = frozenset({
    "cl", "cm", "dl", "dm", "gb", "gw", "ha", "kb", "kg", "km", "kw",
    "mb", "mg", "ml", "mm", "mw", "pk", "tb",
    "af", "al", "ca", "da", "de", "dr", "en", "er", "eu", "ga", "ik", "in", "is", "ja", "je", "jl",
    "me", "na", "nl", "nu", "of", "ok", "om", "on", "op", "pm", "am", "st", "te", "tv", "uw",
    "we", "ze", "zo", "or", "an", "at", "by", "it", "to", "be", "he", "my",
})

# Street names end in one of these. The weak ones also end ordinary words
# ("onderweg", "vergadering", "arbeidsmarkt"), so they count only in a capitalised word.
_STRONG_STREET_SUFFIXES = (
    "straat", "laan", "gracht", "kade", "singel", "steeg", "dreef", "plein", "plantsoen",
    "boulevard", "allee", "burgwal", "dijk", "straatweg", "kanaal",
)
_WEAK_STREET_SUFFIXES = (
    "weg", "pad", "hof", "ring", "baan", "park", "markt", "haven", "veld", "wal", "dam",
    "erf", "hoek", "brink", "lei", "oord", "zijde", "weide", "dwarsweg",
)
_HOUSE_NUMBER = (
    r"(?P<number>\d{1,4})(?!\d)(?![.,:]\d)"
    r"(?:[ ]?[A-Za-z](?![\w])|[ ]?-[ ]?[A-Za-z0-9]{1,4}(?![\w])|[ ](?:bis|hs|huis|boven|bg|I{1,3})(?![\w]))?"
)
_STREET_RE = re.compile(
    r"(?i)(?<![\w\-])(?P<street>[^\W\d_][\w'’\-]*?(?P<suffix>"
    + "|".join(sorted(_STRONG_STREET_SUFFIXES + _WEAK_STREET_SUFFIXES, key=len, reverse=True))
    + r"))[ ]" + _HOUSE_NUMBER
)
# "Laan van Meerdervoort 12", "Plein 1813 ..." is not handled: the type comes first.
_PREFIX_STREET_RE = re.compile(
    r"(?<![\w\-])(?:Laan|Plein|Weg|Kade|Singel|Dreef|Hof|Park|Burgwal|Straat)[ ]"
    r"(?:(?:van|der|den|de|het|ten|ter|op|in|naar|te)[ ]){1,3}[A-Z][\w'’\-]*[ ]" + _HOUSE_NUMBER
)
# After a street number these are amounts ("onderweg 3 uur"), not a house number.
_QUANTITY_WORDS = frozenset({
    "uur", "jaar", "jaren", "maand", "maanden", "week", "weken", "dag", "dagen", "keer", "euro",
    "procent", "mensen", "slachtoffers", "km", "kilometer", "minuten", "min", "personen", "kinderen",
})
# Ordinary words and place names with a street suffix.
_NOT_STREETS = frozenset({
    "onderweg", "halfweg", "snelweg", "zijweg", "regering", "vergadering", "loopbaan", "arbeidsmarkt",
    "amsterdam", "rotterdam", "schiedam", "zaandam", "edam", "volendam", "monnickendam", "veendam",
    "werkveld", "speelveld", "voetbalveld", "sportpark", "pretpark", "driehoek", "hoek", "weg",
    "straat", "laan", "plein", "kade", "dijk", "gracht", "haven", "markt", "park", "veld", "wal",
    "dam", "ring", "baan", "pad", "hof", "erf", "lei", "oord", "zijde", "weide", "brink", "allee",
    "thuishaven", "zeehaven", "woonerf", "erfgoed",
})
_STREET_NAME_PARTS = frozenset({"de", "van", "der", "den", "het", "'t", "ten", "ter", "la", "le"})
# Capitalised words before a street that start the sentence rather than the name.
_NOT_STREET_WORDS = frozenset({
    "in", "op", "aan", "bij", "naar", "uit", "voor", "ik", "ze", "zij", "wij", "we", "hij", "u",
    "mijn", "onze", "het", "een", "adres", "woon", "woont", "wonen", "via", "tot", "langs", "over",
})
_BACKWARD_TOKEN_RE = re.compile(r"([^\W\d_][\w'’\-]*\.?|'t)[ ]$")
_MAX_STREET_WORDS_BEFORE = 4

# --- names ---------------------------------------------------------------------------

# After these the next words are a name even in lower case ("ik heet ahmed").
_STRONG_LEAD_IN = (
    r"mijn[ ](?:voor|achter|roep|volledige[ ]|echte[ ])?naam[ ](?:is|luidt)"
    r"|(?:voor|achter)?naam[ ]?:|ik[ ]heet|heet[ ]ik|noem[ ](?:me|mij)"
)
# "Mijn zus heet Maria", but also "het programma heet Samen tegen mensenhandel".
_THIRD_PERSON_LEAD_IN = r"heet|heten"
# After these only a capitalised word is taken ("Ik ben Sanne", not "ik ben bang").
_WEAK_LEAD_IN = (
    r"ik[ ]ben|ben[ ]ik|(?:met[ ])?(?:vriendelijke[ ])?groet(?:en|jes)?[ ]?,?|u[ ]spreekt[ ]met"
    r"|spreekt[ ]u[ ]met|getekend[ ]?,?"
)
_TITLE_LEAD_IN = r"meneer|mevrouw|mevr\.|mw\.|dhr\.|de[ ]heer|mr\.|juf|juffrouw|dokter"
_LEAD_IN_RE = re.compile(
    rf"(?i)(?<![\w\-])(?:(?P<strong>{_STRONG_LEAD_IN})|(?P<third>{_THIRD_PERSON_LEAD_IN})"
    rf"|(?P<weak>{_WEAK_LEAD_IN})|(?P<title>{_TITLE_LEAD_IN}))\s+"
)
_NAME_TOKEN_RE = re.compile(r"[A-Z]\.(?:[A-Z]\.)*(?!\w)|[^\W\d_](?:[\w'’]|-(?=[^\W\d_]))*")
_NAME_PARTICLES = frozenset({
    "van", "de", "der", "den", "ten", "ter", "te", "het", "'t", "el", "al", "la", "le", "du", "da",
    "di", "dos", "von", "bin", "ben", "ibn", "abu", "op", "in",
})
_MAX_NAME_WORDS = 6


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that end a name or show that the lead-in did not introduce one.
_NOT_NAME_WORDS = _word_set("""
aan al alleen als altijd anders ben bent bij binnenkort blij boos bang beetje dan dat de deze die
dit doe doen door dus echt een eens en er erg even geen geheim gewoon graag had heb hebben heeft
helemaal het hier hij hoe hoor hun iemand iets ik in is ja je jij jou juist kan kom komt kun kunnen
maar me mee meer met mij mijn moe moet moeten mag mogen na naar nee net niet nieuw niks niets nog
nu of om omdat onbekend ons ook op over pas precies sinds snel soms te tegen toch toe tot u uit uw
vaak van veel ver voor vroeger waar waarom wanneer wat we weer wel welk welke werd wie wij wil
willen word wordt worden zal ze zeer zelf zich zij zijn zo zonder zou zullen welkom
help hulp bedreigd bedankt dank hallo hoi doei sorry oke ok prima goed slecht klaar weg thuis
hierbij daarom gisteren vandaag morgen nooit samen
""")
# Capitalised after "ik ben" these describe the citizen, they are not a name.
_NOT_NAME_AFTER_BEN = _word_set("""
slachtoffer student studente docent leraar lerares journalist chauffeur moeder vader ouder ouders
werknemer medewerker medewerkster ambtenaar agent politieagent onderzoeker onderzoekster scholier
leerling vrijwilliger hulpverlener advocaat arts dokter verpleegkundige zwanger ziek bezorgd ongerust
illegaal minderjarig volwassen nederlander belg pool roemeen bulgaar marokkaan turk turks duits
duitser engels frans fins pools fries iers grieks syriër surinamer europeaan vluchteling asielzoeker moslim christen
jood man vrouw meisje jongen kind tiener gevlucht ontsnapt opgesloten uitgebuit mishandeld
verkracht ontvoerd verkocht gedwongen geslagen vastgehouden benieuwd nieuwsgierig boos blij
""")
# "Ik ben Pools", "Ik ben Marokkaanse", "Ik ben Nederlander": nationalities, not names.
_DEMONYM_RE = re.compile(r"(?i)(?:aanse?|ees|ese|andse?|oolse?|eense?|ïense?|ische?|iaanse?|aarse?)$")


@dataclass(frozen=True)
class RedactionResult:
    text: str
    kinds: tuple[str, ...]


def is_valid_bsn(digits: str) -> bool:
    """Nine digits that pass the elfproef (python-stdnum's check)."""
    # stdnum pads eight digits to nine; here only a written nine-digit number counts.
    return len(digits) == 9 and digits.isascii() and digits.isdigit() and stdnum_bsn.is_valid(digits)


def is_valid_iban(iban: str) -> bool:
    """ISO 13616 check digits (mod 97), without stdnum's per-country rules.

    ``stdnum.iban.is_valid`` also applies national account checks (Belgium's, for
    one); a number that fails only those is still someone's mistyped account number.
    """
    compact = re.sub(r"\s", "", iban).upper()
    if not (15 <= len(compact) <= 34 and compact.isascii() and compact.isalnum()):
        return False
    if not (compact[:2].isalpha() and compact[2:4].isdigit()):
        return False
    return mod_97_10.is_valid(compact[4:] + compact[:4])


# --- the detection copy ----------------------------------------------------------------

_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


@lru_cache(maxsize=4096)
def _ascii_look_alike(char: str) -> str:
    # One character for one, so offsets in the copy are offsets in the text.
    if char in _DASHES:
        return "-"
    if unicodedata.category(char) == "Nd":
        return str(unicodedata.decimal(char))
    if "\uff01" <= char <= "\uff5e" or "\ufe50" <= char <= "\ufe6b":
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded.isascii():
            return folded
    return char


def _detection_copy(text: str) -> str:
    if text.isascii():
        return text
    return "".join(map(_ascii_look_alike, text))


# --- dates on the page -----------------------------------------------------------------


def _date_parts(match: re.Match[str]) -> tuple[int, int, int | None] | None:
    if match.group("d1"):
        day, month, year = int(match.group("d1")), int(match.group("m1")), match.group("y1")
    elif match.group("y2"):
        day, month, year = int(match.group("d2")), int(match.group("m2")), match.group("y2")
    else:
        day, month, year = int(match.group("d3")), _MONTHS[match.group("m3").lower()], match.group("y3")
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    if year is None:
        return day, month, None
    full_year = int(year) if len(year) == 4 else 1900 + int(year) if int(year) > 30 else 2000 + int(year)
    return day, month, full_year


@lru_cache(maxsize=1)
def _public_dates() -> frozenset[tuple[int, int, int]]:
    """The full dates on the page and in the bot's answers ("Sinds 1 januari 2022 ...").

    Quoting the debate date back is not personal data, and neither is a date the
    bot said itself; ``make check`` would otherwise call an answer personal data.
    """
    dates = {(5, 12, 2019)}
    for path in PUBLIC_TEXT_FILES:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for match in _DATE_RE.finditer(text):
            parts = _date_parts(match)
            if parts and parts[2] is not None:
                dates.add((parts[0], parts[1], parts[2]))
    return frozenset(dates)


# --- span functions --------------------------------------------------------------------

_SpanFinder = Callable[[re.Match[str], str], "tuple[int, int] | None"]


def _iban_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    # The pattern may run on into the next words ("BE68 5390 0754 7034 voor mij"),
    # so shorter candidates are tried, but only ending where a group ends at a
    # space: cutting anywhere would let 1 in 97 random strings pass.
    found, start = match.group(), match.start()
    ends = [index for index, char in enumerate(found) if char == " "] + [len(found)]
    for end in reversed(ends):
        if is_valid_iban(found[:end]):
            return start, start + end
    return None


def _whole_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    return match.span()


def _value_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    return match.span("value")


def _labelled_iban_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    compact = re.sub(r"\s", "", match.group("value"))
    return match.span("value") if len(compact) >= 15 else None


def _phone_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    if match.group("public") is not None:
        return None
    national = match.group("national")
    # A national number starting "00" that the international branches did not take
    # ("(002)-0854206") is still ten digits someone wrote as a phone number.
    if national is not None and _NUMERIC_DATE_START_RE.match(national):
        return None
    return match.span()


def _bsn_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    return match.span() if is_valid_bsn(re.sub(r"\D", "", match.group())) else None


def _has_birth_label(text: str, start: int) -> bool:
    return bool(_BIRTH_LABEL_RE.search(text[max(0, start - _BIRTH_LABEL_WINDOW):start]))


def _date_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    parts = _date_parts(match)
    if parts is None:
        return None
    labelled = _has_birth_label(text, match.start())
    day, month, year = parts
    if year is None or match.group("sep") == " " or (match.group("y1") and len(match.group("y1")) == 2):
        # "5 december", "1 1 2000" and "3-3-85" are dates only when said to be a birthday.
        return match.span() if labelled else None
    if (day, month, year) in _public_dates() and not labelled:
        return None
    return match.span()


def _postcode_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    written = match.group("letters")
    letters = written.strip(" -")
    if letters.upper() in _UNUSED_POSTCODE_LETTERS:
        return None
    # Nobody writes "2019-en"; a dash means a postcode even in lower case.
    if letters.lower() in _NOT_POSTCODE_LETTERS and not letters.isupper() and "-" not in written:
        return None
    return match.span()


def _followed_by_quantity(text: str, end: int) -> bool:
    following = re.match(r"[ ]?([^\W\d_]+|%)", text[end:end + 16])
    return bool(following) and following.group(1).lower() in _QUANTITY_WORDS | {"%"}


def _is_house_number(match: re.Match[str], text: str) -> bool:
    number = match.group("number")
    # "arbeidsmarkt 2019": a year, not a house number.
    if len(number) == 4 and number[:2] in ("19", "20"):
        return False
    return not _followed_by_quantity(text, match.end())


def _street_start(text: str, start: int) -> int:
    """Extend a street name backwards over "Burg. de", "Van", "Jan van" before its last word."""
    words: list[tuple[int, str]] = []
    position = start
    while len(words) < _MAX_STREET_WORDS_BEFORE:
        found = _BACKWARD_TOKEN_RE.search(text[max(0, position - 40):position])
        if not found:
            break
        word = found.group(1)
        bare = word.rstrip(".").lower()
        if bare in _NOT_STREET_WORDS or not (word[0].isupper() or bare in _STREET_NAME_PARTS):
            break
        position = position - len(found.group(0))
        words.append((position, bare))
    # A leading article belongs to the sentence ("op de Kerkstraat"), not the name.
    while words and words[-1][1] in _STREET_NAME_PARTS and text[words[-1][0]].islower():
        words.pop()
    return words[-1][0] if words else start


def _street_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    street, suffix = match.group("street"), match.group("suffix").lower()
    bare = street.lower()
    if bare in _NOT_STREETS or len(street) <= len(suffix) + 1:
        return None
    if suffix in _WEAK_STREET_SUFFIXES and not street[0].isupper():
        return None
    if not _is_house_number(match, text):
        return None
    return _street_start(text, match.start()), match.end()


def _prefix_street_span(match: re.Match[str], text: str) -> tuple[int, int] | None:
    return match.span() if _is_house_number(match, text) else None


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def _name_end(text: str, position: int, lead_in: str) -> int | None:
    """End of the name that starts at ``position`` after a lead-in, or None when there is none."""
    words: list[tuple[str, int]] = []
    while len(words) < _MAX_NAME_WORDS:
        token = _NAME_TOKEN_RE.match(text, position)
        if not token:
            break
        words.append((token.group(), token.end()))
        after = token.end()
        if after < len(text) and text[after] == " ":
            position = after + 1
        else:
            break
    if not words:
        return None
    first = words[0][0]
    first_lower = first.lower()
    if lead_in in ("strong", "third"):
        if first_lower in _NOT_NAME_WORDS and (first.islower() or first_lower in _NAME_BLOCKERS):
            return None
        if lead_in == "third" and first_lower in _page_words():
            return None
    else:
        # "meneer De Jong", "mevrouw Van den Heuvel": a capitalised particle starts the surname.
        particle_first = lead_in == "title" and first_lower in _NAME_PARTICLES and _is_capitalised(first)
        known_word = first_lower in _NOT_NAME_WORDS and first_lower not in _ALSO_GIVEN_NAMES
        if (not _is_capitalised(first) or known_word) and not particle_first:
            return None
        if lead_in == "weak" and (first_lower in _NOT_NAME_AFTER_BEN or first_lower in _page_words()
                                  or (len(first) >= 6 and _DEMONYM_RE.search(first))):
            return None
    taken = [words[0]]
    lower_case_name = not _is_capitalised(first)
    for index in range(1, len(words)):
        word = words[index][0]
        lower = word.lower()
        if lower in _NAME_PARTICLES:
            following = words[index + 1][0] if index + 1 < len(words) else ""
            if following and (_is_capitalised(following) or lower_case_name
                              or following.lower() in _NAME_PARTICLES):
                taken.append(words[index])
                continue
            break
        # After "van der" comes a surname, even one that is also a word ("Meer").
        if taken[-1][0].lower() in _NAME_PARTICLES:
            taken.append(words[index])
            continue
        if lower in _NOT_NAME_WORDS:
            break
        if _is_capitalised(word) or (lower_case_name and lead_in in ("strong", "third")):
            taken.append(words[index])
            continue
        break
    while taken and taken[-1][0].lower() in _NAME_PARTICLES and len(taken) > 1:
        taken.pop()
    name_words = [word.lower() for word, _ in taken if word.lower() not in _NAME_PARTICLES]
    if name_words and all(part in PUBLIC_NAMES for word in name_words for part in (word, *word.split("-"))):
        return None
    return taken[-1][1]


# Capitalised after "ik ben" these are a name ("Ik ben Ben Vignon").
_ALSO_GIVEN_NAMES = frozenset({"ben", "wil"})
# Words that are never a name, even capitalised after "mijn naam is".
_NAME_BLOCKERS = frozenset({
    "niet", "geen", "u", "dat", "het", "de", "een", "die", "dit", "er", "ook", "nog", "toch", "wel",
    "anders", "geheim", "onbekend", "welkom", "hier", "daar", "zo", "dus",
})


@lru_cache(maxsize=1)
def _page_words() -> frozenset[str]:
    """Words of the page, in lower case: a capitalised page word after "ik ben" is not a name."""
    try:
        page = PAGE_FILE.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(word.lower() for word in re.findall(r"[^\W\d_]+", page)) - PUBLIC_NAMES


def _find_names(masked: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for lead_in in _LEAD_IN_RE.finditer(masked):
        kind = next(group for group in ("strong", "third", "weak", "title") if lead_in.group(group))
        start = lead_in.end()
        end = _name_end(masked, start, kind)
        if end is not None and (not spans or start >= spans[-1][1]):
            spans.append((start, end))
    return spans


_Detector = tuple[str, re.Pattern[str], _SpanFinder]

# IBANs and e-mail addresses go first so their digits are not taken for a phone
# number or BSN; dates before phone numbers and BSNs so "01-02-1990" is one date;
# phone numbers before BSNs so a 10-digit number is never cut; numbers and
# postcodes before streets, so a house number is not a postcode.
_DETECTORS: tuple[_Detector, ...] = (
    (IBAN, _IBAN_RE, _iban_span),
    (IBAN, _LABELLED_IBAN_RE, _labelled_iban_span),
    (EMAIL, _EMAIL_RE, _whole_span),
    (DOCUMENT, _LABELLED_DOCUMENT_RE, _value_span),
    (DATE, _DATE_RE, _date_span),
    (PHONE, _PHONE_RE, _phone_span),
    (BSN, _BSN_RE, _bsn_span),
    (BSN, _LABELLED_BSN_RE, _value_span),
    (DOCUMENT, _DOCUMENT_RE, _whole_span),
    (POSTCODE, _POSTCODE_RE, _postcode_span),
    (ADDRESS, _STREET_RE, _street_span),
    (ADDRESS, _PREFIX_STREET_RE, _prefix_street_span),
)


def _masked(text: str, found: list[tuple[int, int]]) -> str:
    pieces, position = [], 0
    for start, end in found:
        pieces.append(text[position:start])
        pieces.append(_MASK * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _find_spans(text: str) -> list[tuple[int, int, str]]:
    masked = _detection_copy(text)
    spans: list[tuple[int, int, str]] = []
    # A later detector's span can turn the text next to it into a boundary an
    # earlier detector needs ("jan@x.nl111222333" only reads as an e-mail address
    # once the BSN is gone). Repeating until nothing new is found makes the
    # result match what a second ``redact`` would see, so redacting is idempotent.
    found_any = True
    while found_any:
        found_any = False
        for kind, pattern, to_span in _DETECTORS:
            found = [span for span in (to_span(match, masked) for match in pattern.finditer(masked))
                     if span and span[0] < span[1]]
            found = _without_overlaps(found)
            if found:
                found_any = True
                masked = _masked(masked, found)
                spans.extend((start, end, kind) for start, end in found)
        names = _find_names(masked)
        if names:
            found_any = True
            masked = _masked(masked, names)
            spans.extend((start, end, NAME) for start, end in names)
    spans.sort()
    return spans


def _without_overlaps(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # A span extended backwards (a street name) may reach into the previous one.
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if kept and start < kept[-1][1]:
            start = kept[-1][1]
            if start >= end:
                continue
        kept.append((start, end))
    return kept


def redact(text: str) -> RedactionResult:
    """Replace personal data in ``text`` by placeholders and report which kinds were found."""
    spans = _find_spans(text)
    pieces, kinds, position = [], [], 0
    for start, end, kind in spans:
        pieces.append(text[position:start])
        pieces.append(PLACEHOLDERS[kind])
        position = end
        if kind not in kinds:
            kinds.append(kind)
    pieces.append(text[position:])
    return RedactionResult(text="".join(pieces), kinds=tuple(kinds))


def contains_pii(text: str) -> bool:
    """True when ``redact`` would change anything in ``text``."""
    return bool(_find_spans(text))
