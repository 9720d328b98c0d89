"""The actions send the crisis card (a json_message) with safety answers, and only with those."""
import pytest
from rasa_sdk import Tracker

from actions.answers import ActionAnswer, ActionSuggestTopics
from bot.crisis_card import PAYLOAD_KEY
from tests.conftest import make_tracker

HREFS = ["tel:112", "tel:09008844", "tel:08007000", "https://www.comensha.nl"]


def _with_signals(tracker: Tracker, language: str, danger: bool) -> Tracker:
    """The tracker as the web channel leaves it: the signals it read before redaction."""
    tracker.events = [{"event": "user", "text": tracker.latest_message["text"],
                       "metadata": {"signals": {"danger": danger, "language": language}}}]
    return tracker


def _card(message: dict) -> dict:
    return message["custom"][PAYLOAD_KEY]


async def test_danger_gets_the_card_with_its_answer_and_the_numbers_stay_in_the_text(dispatcher):
    await ActionAnswer().run(dispatcher, make_tracker("ik word bedreigd en durf niet naar huis",
                                                      "acute_danger"), {})
    [message] = dispatcher.messages
    assert "112" in message["text"] and "0900-8844" in message["text"]
    card = _card(message)
    assert card["lang"] == "nl"
    assert [link["href"] for link in card["links"]] == HREFS
    assert [link["shown"] for link in card["links"]] == ["112", "0900-8844", "0800-7000",
                                                         "www.comensha.nl"]
    assert card["title"] == "Bent u in gevaar of heeft u hulp nodig?"


async def test_a_normal_answer_has_no_card(dispatcher):
    await ActionAnswer().run(dispatcher, make_tracker("wanneer is het debat", "debate_date"), {})
    [message] = dispatcher.messages
    # Its links (the "Bron:" line's section) may travel in the payload; a card does not.
    assert PAYLOAD_KEY not in message["custom"]


@pytest.mark.parametrize("intent", ["report_suspicion", "victim_help"])
async def test_every_safety_topic_gets_the_card(dispatcher, intent):
    await ActionAnswer().run(dispatcher, make_tracker("waar kan ik dit melden", intent), {})
    assert _card(dispatcher.messages[0])["lang"] == "nl"


async def test_danger_in_english_gets_the_card_in_english(dispatcher):
    await ActionAnswer().run(dispatcher, make_tracker("please help, they locked me in", "non_dutch"), {})
    [message] = dispatcher.messages
    assert message["text"].startswith("In danger? Call 112 now.")
    card = _card(message)
    assert card["lang"] == "en"
    assert card["links"][0]["label"].startswith("Emergency number")
    assert [link["href"] for link in card["links"]] == HREFS


async def test_the_language_comes_from_the_channel_signals(dispatcher):
    # What the citizen typed was Polish with a cry for help; the redacted text no longer shows it.
    tracker = _with_signals(make_tracker("[naam] pomocy", "non_dutch"), "pl", danger=True)
    await ActionAnswer().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert "112" in message["text"]
    assert _card(message)["lang"] == "pl"


async def test_a_notice_in_another_language_without_danger_has_no_card(dispatcher):
    await ActionAnswer().run(dispatcher, make_tracker("what time does the debate start tomorrow",
                                                      "non_dutch"), {})
    assert dispatcher.messages[0]["custom"] == {}


async def test_a_suggestion_that_is_the_danger_answer_gets_the_card(dispatcher):
    tracker = make_tracker("ik word bedreigd", "nlu_fallback", confidence=0.4, ranking=[
        ("nlu_fallback", 0.4), ("acute_danger", 0.35), ("debate_date", 0.2)])
    await ActionSuggestTopics().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert "112" in message["text"]
    assert _card(message)["lang"] == "nl"


async def test_a_suggestion_has_no_card(dispatcher):
    tracker = make_tracker("verslag live", "nlu_fallback", confidence=0.4, ranking=[
        ("nlu_fallback", 0.4), ("debate_report", 0.38), ("debate_watch_live", 0.33)])
    await ActionSuggestTopics().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["custom"] == {}
