"""bot.staff.readability: the B1 figures make check enforces."""
from __future__ import annotations

from bot.staff import readability


def test_syllables_count_dutch_vowel_groups():
    assert readability.syllables("mensenhandel") == 4
    assert readability.syllables("vrouw") == 1
    assert readability.syllables("uitbuiting") == 3
    assert readability.syllables("112") == 1


def test_short_plain_text_is_b1():
    figures = readability.measure("Bel 112 bij gevaar. U kunt ook de politie bellen.")
    assert figures.sentences == 2 and figures.words == 10 and figures.is_b1
    assert figures.flesch_douma > 60


def test_a_long_sentence_is_not_b1():
    text = ("De overheid pakt de bestrijding van mensenhandel integraal aan en schakelt daarbij alle partijen in "
            "die daaraan op welke manier dan ook kunnen bijdragen.")
    figures = readability.measure(text)
    assert figures.longest_sentence > readability.MAX_SENTENCE_WORDS and not figures.is_b1


def test_names_do_not_make_a_sentence_long():
    text = ("AVIM is de Afdeling Vreemdelingenpolitie, Identificatie en Mensenhandel van de Nationale Politie "
            "in Nederland en het Koninkrijk.")
    assert readability.measure(text).longest_sentence < 12


def test_make_check_names_an_answer_above_b1(project):
    from bot.staff import check
    from tests.staff.conftest import set_answer

    set_answer(project, "debate_documents",
               "U kunt alle stukken doornemen die bij deze vergadering horen en die u op de website van de "
               "Tweede Kamer bij het overleg over mensenhandel van december vindt als u daar naar zoekt.")
    _, findings = check.run_checks(project)
    messages = [str(f) for f in findings if f.is_error]
    assert any("debate_documents" in m and "niet eenvoudig genoeg (B1)" in m for m in messages), messages
