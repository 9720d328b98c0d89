"""Talk to the real servers over the REST channel, as the website does."""
from __future__ import annotations

import pytest

from tests.servers import new_sender

pytestmark = pytest.mark.server


def test_answers_a_question_with_its_source(bot):
    text = bot.text("wat is mensenhandel eigenlijk")
    assert "dwang" in text and "uitbuiting" in text
    assert "Bron:" in text and "Wat is mensenhandel?" in text


def test_greeting_introduces_the_bot_and_asks_for_no_personal_details(bot):
    text = bot.text("goedemorgen")
    assert "digitale assistent" in text
    assert "persoonlijke gegevens" in text


def test_debate_date_is_in_the_past_tense_today(bot):
    assert "was op donderdag 5 december 2019" in bot.text("wanneer is het debat")


def test_followup_uses_the_previous_answer(bot):
    sender = new_sender()
    assert "5 december 2019" in bot.text("Wanneer is het debat?", sender)
    assert "Troelstrazaal" in bot.text("En waar?", sender)


def test_rapporteur_followup(bot):
    sender = new_sender()
    assert "Bolhaar" in bot.text("wie is de nationaal rapporteur", sender)
    assert "zorgen" in bot.text("Waar maakt hij zich zorgen over?", sender)


def test_programme_followup(bot):
    sender = new_sender()
    assert "ministeries" in bot.text("wat is samen tegen mensenhandel", sender)
    assert "opvangplekken" in bot.text("en wat heeft het opgeleverd?", sender)


def test_danger_gets_112_in_the_first_sentence(bot):
    text = bot.text("ze houden mijn paspoort vast en ik mag niet naar buiten")
    assert "112" in text.split(".")[0]


def test_unclear_question_offers_buttons(bot):
    replies = bot.say("verslag live kijken")
    buttons = [b for r in replies for b in r.get("buttons") or []]
    texts = " ".join(r.get("text") or "" for r in replies)
    assert buttons or "Bron:" in texts, replies
    if buttons:
        assert buttons[-1] == {"title": "Iets anders", "payload": "/something_else"}


def test_button_payload_answers_that_topic(bot):
    assert "Troelstrazaal" in bot.text("/debate_location")


def test_english_gets_a_dutch_reply_and_one_english_sentence(bot):
    text = bot.text("Hello, what is human trafficking?")
    assert "alleen Nederlands" in text and "I only speak Dutch" in text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "geen vraag ontvangen"),
        ("     ", "geen vraag ontvangen"),
        ("🙂👍🙏", "geen vraag ontvangen"),
        ("<b>wat is</b> <img src=x onerror=alert(1)> mensenhandel", "uitbuiting"),
    ],
)
def test_odd_messages_get_a_dutch_reply(bot, message, expected):
    assert expected in bot.text(message)


def test_very_long_message_gets_a_reply_and_the_server_keeps_answering(bot):
    long_message = ("wat is mensenhandel " * 250)[:5000]
    assert bot.text(long_message).strip()
    assert "Troelstrazaal" in bot.text("waar is het overleg")
