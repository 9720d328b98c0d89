"""The table of must-redact and must-keep messages in pii_corpus.yml, run against bot.pii."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.pii import redact

CORPUS_FILE = Path(__file__).with_name("pii_corpus.yml")
CORPUS: dict[str, list[Any]] = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))


def _case_id(case: dict[str, Any] | str) -> str:
    return (case["text"] if isinstance(case, dict) else case)[:60]


def test_corpus_is_large_and_well_formed():
    assert len(CORPUS["redact"]) + len(CORPUS["keep"]) >= 150
    for case in CORPUS["redact"]:
        assert set(case) <= {"text", "kind", "value", "keep"}, case
        for value in case["value"]:
            assert value in case["text"], case
        for words in case.get("keep", []):
            assert words in case["text"], case
    assert all(isinstance(text, str) for text in CORPUS["keep"])


@pytest.mark.parametrize("case", CORPUS["redact"], ids=_case_id)
def test_personal_data_is_redacted(case: dict[str, Any]):
    result = redact(case["text"])
    assert case["kind"] in result.kinds, result
    for value in case["value"]:
        assert value not in result.text, result
    for words in case.get("keep", []):
        assert words in result.text, result


@pytest.mark.parametrize("text", CORPUS["keep"], ids=_case_id)
def test_public_facts_and_ordinary_words_are_kept(text: str):
    result = redact(text)
    assert result.text == text
    assert result.kinds == ()


# --- cases generated with Faker's Dutch provider -----------------------------------
#
# Generated when the tests are collected, from a fixed seed, so every run sees the
# same cases; the check digits are verified with python-stdnum, not with bot.pii.

FAKER_SEED = 20191205
FAKER_CASES_PER_KIND = 40
_PARTICLES = {"van", "de", "der", "den", "ten", "ter", "te", "het", "in", "op", "'t"}


def _faker_cases() -> list[tuple[str, str, list[str]]]:
    from faker import Faker
    from stdnum import iban as stdnum_iban
    from stdnum.nl import bsn as stdnum_bsn

    fake = Faker("nl_NL")
    fake.seed_instance(FAKER_SEED)
    cases: list[tuple[str, str, list[str]]] = []
    lead_ins = ["Mijn naam is {}", "Ik ben {} en ik heb een vraag", "ik heet {}, wat is mensenhandel?",
                "Hallo, mijn naam is {}. Ik word bedreigd", "Met vriendelijke groet, {}"]
    for index in range(FAKER_CASES_PER_KIND):
        name = fake.name()
        parts = [part for word in name.split() for part in word.split("-")
                 if part.lower() not in _PARTICLES and not part.endswith(".")]
        cases.append(("name", lead_ins[index % len(lead_ins)].format(name), parts))
    for index in range(FAKER_CASES_PER_KIND):
        street, number = fake.street_address().rsplit(" ", 1)
        template = ["Ik woon op de {} {}", "adres: {} {}, {}", "ze zit vast in een huis aan de {} {}"][index % 3]
        cases.append(("address", template.format(street, number, fake.city()), [f"{street} {number}"]))
    for index in range(FAKER_CASES_PER_KIND):
        iban = fake.iban()
        assert stdnum_iban.is_valid(iban)
        written = stdnum_iban.format(iban) if index % 2 else iban
        cases.append(("iban", f"Kunt u het geld op {written} storten?", [written]))
    for index in range(FAKER_CASES_PER_KIND):
        number = fake.ssn()
        assert stdnum_bsn.is_valid(number)
        written = stdnum_bsn.format(number) if index % 2 else number
        cases.append(("bsn", f"nummer {written} staat op de brief", [written]))
    for _ in range(FAKER_CASES_PER_KIND):
        phone = fake.phone_number()
        cases.append(("phone", f"u kunt mij bellen op {phone} na zes uur", [phone]))
    for index in range(FAKER_CASES_PER_KIND):
        born = fake.date_of_birth(minimum_age=16, maximum_age=80)
        written = [f"{born:%d-%m-%Y}", f"{born.day} {_DUTCH_MONTHS[born.month - 1]} {born.year}",
                   f"{born:%d/%m/%Y}", f"{born:%Y-%m-%d}"][index % 4]
        cases.append(("date", f"Ik ben geboren op {written}", [written]))
    for index in range(FAKER_CASES_PER_KIND):
        postcode = fake.postcode()
        # Lower case with a dash: "1234 nu" written with a space would be read as a year and a word.
        written = postcode.replace(" ", "")[:4] + "-" + postcode[-2:].lower() if index % 2 else postcode
        cases.append(("postcode", f"ik woon in {written} {fake.city()}", [written]))
    for _ in range(FAKER_CASES_PER_KIND):
        email = fake.email()
        cases.append(("email", f"mail mij op {email} graag", [email]))
    return cases


_DUTCH_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                 "september", "oktober", "november", "december"]
FAKER_CASES = _faker_cases()


def test_faker_cases_are_many_and_distinct():
    assert len(FAKER_CASES) == 8 * FAKER_CASES_PER_KIND
    assert len({text for _, text, _ in FAKER_CASES}) > 0.95 * len(FAKER_CASES)


@pytest.mark.parametrize(("kind", "text", "values"), FAKER_CASES, ids=[text[:60] for _, text, _ in FAKER_CASES])
def test_generated_personal_data_is_redacted(kind: str, text: str, values: list[str]):
    result = redact(text)
    assert kind in result.kinds, result
    for value in values:
        assert value not in result.text, result
