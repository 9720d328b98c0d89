import random
import time

import pytest

from bot.pii import (
    ADDRESS,
    BSN,
    DATE,
    DOCUMENT,
    EMAIL,
    IBAN,
    NAME,
    PHONE,
    PLACEHOLDERS,
    POSTCODE,
    PUBLIC_NUMBERS,
    RedactionResult,
    contains_pii,
    is_valid_bsn,
    is_valid_iban,
    redact,
)

VALID_IBAN = "NL91ABNA0417164300"
VALID_BSN = "111222333"
INVALID_BSN = "123456789"


def make_bsn(rng: random.Random) -> str:
    """A random nine-digit number that passes the elfproef, computed here and not in bot.pii."""
    while True:
        head = [rng.randint(0, 9) for _ in range(8)]
        weighted = sum(digit * weight for digit, weight in zip(head, range(9, 1, -1)))
        last = weighted % 11
        if last < 10 and any(head + [last]):
            return "".join(map(str, head + [last]))


def make_iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits for ``bban``, computed here and not in bot.pii."""
    as_number = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(as_number) % 97:02d}{bban}"


def grouped(compact: str) -> str:
    return " ".join(compact[index:index + 4] for index in range(0, len(compact), 4))


def broken_check_digits(iban: str) -> str:
    wrong = (int(iban[2:4]) + 1) % 100
    return f"{iban[:2]}{wrong:02d}{iban[4:]}"


def test_helpers_agree_with_known_values():
    assert make_iban("NL", "ABNA0417164300") == VALID_IBAN
    assert make_bsn(random.Random(0)) != make_bsn(random.Random(1))


def test_result_is_frozen():
    result = redact("niets bijzonders")
    assert isinstance(result, RedactionResult)
    with pytest.raises(AttributeError):
        result.text = "anders"  # type: ignore[misc]


# --- BSN --------------------------------------------------------------------


@pytest.mark.parametrize("written", ["111222333", "111.222.333", "1112 22 333", "1112.22.333"])
def test_bsn_formats_are_redacted(written):
    result = redact(f"Mijn BSN is {written}, klopt dat?")
    assert result.text == "Mijn BSN is [bsn], klopt dat?"
    assert result.kinds == (BSN,)


def test_known_and_generated_bsns_pass_elfproef():
    rng = random.Random(42)
    for bsn in ["111222333", "123456782", *(make_bsn(rng) for _ in range(50))]:
        assert is_valid_bsn(bsn), bsn
        assert redact(f"bsn {bsn}").text == "bsn [bsn]"


@pytest.mark.parametrize("number", [INVALID_BSN, "111222334", "000000000", "999999999"])
def test_nine_digits_failing_elfproef_are_kept(number):
    assert not is_valid_bsn(number)
    assert redact(f"zaaknummer {number}").text == f"zaaknummer {number}"


def test_bsn_inside_longer_number_is_kept():
    # Ten or more digits are not a BSN, even when nine of them pass the elfproef.
    assert redact(f"kenmerk {VALID_BSN}4").kinds == ()
    assert redact(f"kenmerk 4{VALID_BSN}").kinds == ()
    assert redact(f"bedrag 1.{VALID_BSN[:3]}.{VALID_BSN[3:6]}.{VALID_BSN[6:]}").kinds == ()


# --- Phone numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "06-12345678",
        "06 12 34 56 78",
        "0612345678",
        "06 - 12345678",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)6 12345678",
        "0031 6 12345678",
        "020-1234567",
        "010 123 4567",
        "(020) 1234567",
        "0900-1234567",
        "0800-1234",
        "+32 2 123 45 67",
    ],
)
def test_phone_formats_are_redacted(written):
    result = redact(f"Bel mij op {written} aub")
    assert result.text == "Bel mij op [telefoonnummer] aub"
    assert result.kinds == (PHONE,)


@pytest.mark.parametrize("public", PUBLIC_NUMBERS)
def test_public_help_numbers_are_kept(public):
    message = f"Moet ik {public} bellen?"
    assert redact(message) == RedactionResult(text=message, kinds=())
    assert not contains_pii(message)


def test_public_number_is_not_merged_with_following_number():
    message = "0900-8844 is 24 uur per dag bereikbaar, ook 0800 7000"
    assert redact(message).text == message


def test_public_number_next_to_private_number():
    result = redact("niet 0900-8844 maar 06-12345678")
    assert result.text == "niet 0900-8844 maar [telefoonnummer]"


def test_dates_and_times_are_not_phone_numbers():
    # The debate date is on the page, so it is kept; its ten digits are still no phone number.
    message = "Het debat is op 05-12-2019 10:00 begonnen"
    assert redact(message).text == message
    assert redact("Het gebeurde op 01-01-2019 10:00").text == "Het gebeurde op [datum] 10:00"


# --- E-mail -----------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["jan@example.nl", "j.de.vries+faq@gemeente-utrecht.nl", "ANNA_1990@mail.example.com"],
)
def test_email_addresses_are_redacted(written):
    result = redact(f"Mail naar {written}.")
    assert result.text == "Mail naar [e-mailadres]."
    assert result.kinds == (EMAIL,)


def test_digits_in_email_are_not_a_phone_number():
    result = redact("mail 0612345678@example.nl")
    assert result == RedactionResult(text="mail [e-mailadres]", kinds=(EMAIL,))


# --- IBAN -------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        VALID_IBAN,
        grouped(VALID_IBAN),
        VALID_IBAN.lower(),
        make_iban("NL", "RABO0123456789"),
        grouped(make_iban("NL", "INGB0001234567")),
        make_iban("BE", "539007547034"),
        grouped(make_iban("DE", "370400440532013000")),
    ],
)
def test_ibans_are_redacted(written):
    assert is_valid_iban(written)
    result = redact(f"Rekening {written} graag")
    assert result.text == "Rekening [iban] graag"
    assert result.kinds == (IBAN,)


def test_iban_followed_by_words_is_cut_at_the_right_place():
    belgian = grouped(make_iban("BE", "539007547034"))
    assert redact(f"{belgian} voor mij").text == "[iban] voor mij"


@pytest.mark.parametrize("iban", [VALID_IBAN, make_iban("BE", "539007547034")])
def test_iban_failing_mod97_is_not_an_iban(iban):
    wrong = broken_check_digits(iban)
    assert not is_valid_iban(wrong)
    assert redact(f"kenmerk {wrong}").text == f"kenmerk {wrong}"
    # Labelled by the citizen, a mistyped IBAN is still theirs.
    assert redact(f"rekening {wrong}").text == "rekening [iban]"


def test_digits_in_iban_are_not_a_bsn_or_phone():
    # Chosen so that the digits after the bank code form a valid BSN.
    iban = make_iban("NL", f"ABNA0{VALID_BSN}")
    assert redact(iban) == RedactionResult(text="[iban]", kinds=(IBAN,))


# --- Postcode ---------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["1234 AB 12", "1234AB", "1234ab 5a", "1234 AB", "2511CV 4", "3511 KL 12-2"]
)
def test_postcodes_with_house_number_are_redacted(written):
    result = redact(f"Ik woon op {written} in Utrecht")
    assert result.text == "Ik woon op [postcode] in Utrecht"
    assert result.kinds == (POSTCODE,)


@pytest.mark.parametrize(
    "message",
    ["een route van 1000km", "sinds 2018 is het anders", "in 2019 ss", "1234 SS is geen postcode"],
)
def test_number_followed_by_letters_is_not_always_a_postcode(message):
    assert redact(message).text == message


# --- Ordinary questions and combinations -----------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "wanneer is het debat op 5 december 2019",
        "mensenhandel 2014-2018",
        "de Dadermonitor 2013–2017",
        "vier ministeries sinds eind 2018",
        "0900-8844 bellen",
        "Wat doet het Centrum tegen Mensenhandel?",
        "Hoeveel slachtoffers waren er in 2017, 2018 en 2019?",
        "Bel 112 bij direct gevaar",
        "artikel 273f Sr, 3 jaar, 12 maanden",
    ],
)
def test_ordinary_questions_are_unchanged(message):
    assert redact(message) == RedactionResult(text=message, kinds=())
    assert not contains_pii(message)


def test_multiple_kinds_in_one_message_in_order_of_appearance():
    message = (
        f"Ik ben Jan (jan@example.nl, 06-12345678), BSN {VALID_BSN}, "
        f"rekening {grouped(VALID_IBAN)}, adres 1234 AB 12. Nogmaals: 0612345678."
    )
    result = redact(message)
    assert result.text == (
        "Ik ben [naam] ([e-mailadres], [telefoonnummer]), BSN [bsn], "
        "rekening [iban], adres [postcode]. Nogmaals: [telefoonnummer]."
    )
    assert result.kinds == (NAME, EMAIL, PHONE, BSN, IBAN, POSTCODE)
    assert contains_pii(message)


def test_placeholders_are_dutch():
    # The first five are in the NLU training data: renaming one means retraining.
    assert {kind: PLACEHOLDERS[kind] for kind in (BSN, PHONE, EMAIL, IBAN, POSTCODE)} == {
        BSN: "[bsn]", PHONE: "[telefoonnummer]", EMAIL: "[e-mailadres]", IBAN: "[iban]",
        POSTCODE: "[postcode]",
    }
    assert {kind: PLACEHOLDERS[kind] for kind in (NAME, ADDRESS, DATE, DOCUMENT)} == {
        NAME: "[naam]", ADDRESS: "[adres]", DATE: "[datum]", DOCUMENT: "[documentnummer]",
    }


@pytest.mark.parametrize(
    "message",
    [
        "jan@example.nl111222333",
        "1234AB0612345678",
        f"{VALID_BSN}{VALID_IBAN} (0)0800-7000",
        "NL91 ABNA 0417 1643 00NL91ABNA0417164300",
        f"Ik ben Jan (jan@example.nl, 06-12345678), BSN {VALID_BSN}, adres 1234 AB 12.",
    ],
)
def test_redaction_is_idempotent(message):
    once = redact(message).text
    assert redact(once).text == once
    assert redact(once).kinds == ()


def test_redaction_is_idempotent_on_random_mixtures():
    rng = random.Random(7)
    fragments = [
        "06", "12345678", "-", " ", ".", "@", "jan@x.nl", "b.nl", VALID_BSN, "123.456.782",
        VALID_IBAN, grouped(VALID_IBAN), "1234AB", "1234 AB", "5a", "0900-8844", "+31",
        "(0)", "2018", "01-01-2019", "x", "[bsn]",
    ]
    for _ in range(3000):
        message = "".join(rng.choice(fragments) for _ in range(rng.randint(1, 10)))
        once = redact(message).text
        assert redact(once).text == once, message


def _redact_timed(message: str) -> tuple[RedactionResult, float]:
    started = time.perf_counter()
    result = redact(message)
    return result, time.perf_counter() - started


def test_long_message_is_redacted_quickly():
    unit = f"Vraag over mensenhandel 2014-2018, bel 06-12345678 of mail jan@example.nl. BSN {VALID_BSN}. "
    message = (unit * (100_000 // len(unit) + 1))[:100_000]
    result, elapsed = _redact_timed(message)
    assert elapsed < 1.0
    assert set(result.kinds) == {PHONE, EMAIL, BSN}
    assert "06-12345678" not in result.text


@pytest.mark.parametrize(
    "message",
    [
        "1" * 100_000,
        "0 " * 50_000,
        "a" * 100_000,
        "a@" * 50_000,
        "a@b." + "a." * 49_998,
        "NL91" * 25_000,
        "0-" * 50_000,
        "1234 AB " * 12_500,
    ],
)
def test_adversarial_long_input_is_fast(message):
    _, elapsed = _redact_timed(message)
    assert elapsed < 1.0
