"""Redaction of personal data from citizen messages before anything is stored or logged.

``redact`` replaces BSNs, phone numbers, e-mail addresses, IBANs and postcodes
(with house number) by Dutch placeholders such as ``[bsn]``. The detectors err
on the side of redacting: a false positive costs a few words of a log line, a
false negative leaks someone's data.

Detection works on a masked copy of the text: every span a detector claims is
overwritten with a filler of equal length, so later detectors cannot match
digits inside it and all spans keep their original offsets. Every pattern
avoids nested variable quantifiers, so matching stays linear on long input.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

BSN = "bsn"
PHONE = "phone"
EMAIL = "email"
IBAN = "iban"
POSTCODE = "postcode"

# Shown to citizens and staff when a conversation is read back, hence Dutch.
PLACEHOLDERS: dict[str, str] = {
    BSN: "[bsn]",
    PHONE: "[telefoonnummer]",
    EMAIL: "[e-mailadres]",
    IBAN: "[iban]",
    POSTCODE: "[postcode]",
}

# The bot itself tells citizens to call these; quoting them back is not personal data.
PUBLIC_NUMBERS: tuple[str, ...] = ("112", "0900-8844", "0800-7000", "0800-5151", "0800-0432",
                                   "+31 343 578 844")

# Not a word character, digit, separator, "@" or bracket, so a masked span
# looks to the lookarounds of later detectors exactly like a placeholder does.
_MASK = "\x00"

# A separator between digit groups: one space, or a dot/dash with optional
# spaces around it. The two branches never match the same string, which keeps
# repetitions of it free of backtracking blow-ups.
_SEP = r"(?:[ ]?[.\-\u2013][ ]?|[ ])?"

_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}"
    r"(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)

_EMAIL_RE = re.compile(
    # The lookbehind lets a local part start only at the beginning of a run,
    # so a long run without "@" is scanned once instead of once per character.
    r"(?<![\w.+\-])[\w.+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"
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
    rf"|(?:\+|00)[ ]?31{_SEP}(?:\(0\){_SEP})?[1-9](?:{_SEP}\d){{8}}(?!\d)"
    rf"|(?:\+|00)[1-9](?:{_SEP}\d){{7,13}}(?!\d)"
    rf"|0[89]0\d(?:{_SEP}\d){{4,7}}(?!\d)"
    rf"|(?P<national>\(?0(?:\)?{_SEP}\d){{9}})(?!\d)"
    r")"
)

# "01-01-2019 10:00" has the ten digits of a phone number; a date never starts one.
_DATE_RE = re.compile(r"\d{1,2}([\-./])\d{1,2}\1\d{4}")

_BSN_RE = re.compile(
    r"(?<!\d)(?<!\d[.,])"
    r"(?:\d{9}|\d{4}[ .\-]\d{2}[ .\-]\d{3}|\d{3}[ .\-]\d{3}[ .\-]\d{3})"
    r"(?!\d)(?![.,]\d)"
)

_POSTCODE_RE = re.compile(
    # A dash or slash before the digits means a range such as "2014-2018 EU".
    r"(?<![\w.,\-/])[1-9]\d{3}(?P<letters>[ ][A-Z]{2}|[A-Za-z]{2})(?![A-Za-z])"
    r"(?:[ ]?\d{1,5}(?:[A-Za-z](?![A-Za-z])|-[A-Za-z0-9]{1,4}(?![A-Za-z0-9]))?(?!\d))?"
)

# Dutch postcodes never use these letter pairs.
_UNUSED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})
# Written straight after a number these are units ("1000km"), not postcode letters.
_UNITS = frozenset({
    "cl", "cm", "dl", "dm", "gb", "gw", "ha", "kb", "kg", "km", "kw",
    "mb", "mg", "ml", "mm", "mw", "pk", "tb",
})

_IBAN_MIN_LENGTH = 15
_IBAN_MAX_LENGTH = 34


@dataclass(frozen=True)
class RedactionResult:
    text: str
    kinds: tuple[str, ...]


def is_valid_bsn(digits: str) -> bool:
    """Elfproef: 9*d1 + 8*d2 + ... + 2*d8 - d9 must be a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(digit) * weight for digit, weight in zip(digits, weights)) % 11 == 0


def is_valid_iban(iban: str) -> bool:
    """ISO 13616 check: the rearranged number, letters as 10..35, is 1 mod 97."""
    compact = re.sub(r"\s", "", iban).upper()
    if not (_IBAN_MIN_LENGTH <= len(compact) <= _IBAN_MAX_LENGTH and compact.isalnum()):
        return False
    if not (compact[:2].isalpha() and compact[2:4].isdigit()):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _iban_span(match: re.Match[str]) -> tuple[int, int] | None:
    # The pattern may run on into the next words ("BE68 5390 0754 7034 voor mij"),
    # so shorter candidates are tried, but only ending where a group ends at a
    # space: cutting anywhere would let 1 in 97 random strings pass.
    text, start = match.group(), match.start()
    ends = [index for index, char in enumerate(text) if char == " "] + [len(text)]
    for end in reversed(ends):
        if is_valid_iban(text[:end]):
            return start, start + end
    return None


def _email_span(match: re.Match[str]) -> tuple[int, int] | None:
    return match.span()


def _phone_span(match: re.Match[str]) -> tuple[int, int] | None:
    if match.group("public") is not None:
        return None
    national = match.group("national")
    if national is not None:
        digits = re.sub(r"\D", "", national)
        # "00" starts an international number; those have their own branches.
        if digits[1] == "0" or _DATE_RE.match(national):
            return None
    return match.span()


def _bsn_span(match: re.Match[str]) -> tuple[int, int] | None:
    return match.span() if is_valid_bsn(re.sub(r"\D", "", match.group())) else None


def _postcode_span(match: re.Match[str]) -> tuple[int, int] | None:
    letters = match.group("letters")
    if letters.strip().upper() in _UNUSED_POSTCODE_LETTERS:
        return None
    if not letters.startswith(" ") and letters.lower() in _UNITS:
        return None
    return match.span()


_Detector = tuple[str, re.Pattern[str], Callable[[re.Match[str]], tuple[int, int] | None]]

# IBANs and e-mail addresses go first so their digits are not taken for a phone
# number or BSN; phone numbers before BSNs so a 10-digit number is never cut.
_DETECTORS: tuple[_Detector, ...] = (
    (IBAN, _IBAN_RE, _iban_span),
    (EMAIL, _EMAIL_RE, _email_span),
    (PHONE, _PHONE_RE, _phone_span),
    (BSN, _BSN_RE, _bsn_span),
    (POSTCODE, _POSTCODE_RE, _postcode_span),
)


def _find_spans(text: str) -> list[tuple[int, int, str]]:
    masked = text
    spans: list[tuple[int, int, str]] = []
    # A later detector's span can turn the text next to it into a boundary an
    # earlier detector needs ("jan@x.nl111222333" only reads as an e-mail address
    # once the BSN is gone). Repeating until nothing new is found makes the
    # result match what a second ``redact`` would see, so redacting is idempotent.
    found_any = True
    while found_any:
        found_any = False
        for kind, pattern, to_span in _DETECTORS:
            found = [span for span in map(to_span, pattern.finditer(masked)) if span]
            if not found:
                continue
            found_any = True
            pieces, position = [], 0
            for start, end in found:
                pieces.append(masked[position:start])
                pieces.append(_MASK * (end - start))
                position = end
                spans.append((start, end, kind))
            pieces.append(masked[position:])
            masked = "".join(pieces)
    spans.sort()
    return spans


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
