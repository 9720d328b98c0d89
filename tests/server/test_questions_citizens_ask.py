"""Over the REST channel: details, follow-ups about a detail, yes/no, situations, languages.

The sentences here are the tests' own; none is in data/nlu (tests/test_consistency.py).
"""
from __future__ import annotations

import pytest

from tests.servers import new_sender

pytestmark = pytest.mark.server


def test_a_detail_inside_a_topic(bot):
    text = bot.text("tot welk jaar loopt de dadermonitor eigenlijk")
    assert "2013 tot en met 2017" in text and "Bron:" in text


def test_a_follow_up_about_a_detail_keeps_the_thread(bot):
    sender = new_sender()
    assert "gehalveerd" in bot.text("vertel iets over de slachtoffermonitor", sender)
    assert "toestemming" in bot.text("hoe kan dat eigenlijk?", sender)
    assert "2014 tot en met 2018" in bot.text("en welke jaren", sender)


def test_who_pays_after_the_avim(bot):
    sender = new_sender()
    assert "Vreemdelingenpolitie" in bot.text("leg me uit wat de avim is", sender)
    assert "Justitie en Veiligheid extra geld" in bot.text("en wie financiert het", sender)


def test_yes_no_question_is_corrected(bot):
    text = bot.text("het overleg was toch in 2021?")
    assert text.startswith("Nee.") and "5 december 2019" in text


def test_misconception_gets_all_forms(bot):
    text = bot.text("is mensenhandel altijd iets met seks?")
    assert text.startswith("Nee.") and "Arbeidsuitbuiting" in text and "Criminele uitbuiting" in text


def test_a_described_situation_names_the_form_and_the_numbers(bot):
    text = bot.text("mijn buurvrouw werkt zeven dagen per week in een restaurant en haar baas houdt haar loon in")
    assert "arbeidsuitbuiting" in text and "0900-8844" in text and "0800-7000" in text and "112" in text


def test_two_questions_in_one_message(bot):
    text = bot.text("waar en wanneer vond dat overleg plaats?")
    assert "Troelstrazaal" in text and "5 december 2019" in text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Please, my employer took my passport and I cannot leave the farm", "In danger? Call 112 now."),
        ("Ajutor, patronul nu mă lasă să plec și mi-a luat actele", "sunați acum la 112"),
        # Short Russian and Bulgarian are hard to tell apart; either way the reply is Cyrillic with 112.
        ("Помогите, меня заперли и не платят", "112 ("),
    ],
)
def test_danger_in_another_language_gets_112_in_that_language(bot, message, expected):
    text = bot.text(message)
    assert expected in text and "In danger? Call 112" in text and "Ik spreek alleen Nederlands" in text


def test_danger_with_typos(bot):
    assert "112" in bot.text("ik wordt bedreigd door mijn baas en ben zo bagn").split(".")[0]
