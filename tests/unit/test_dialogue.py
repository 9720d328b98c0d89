import datetime as dt

import pytest

from bot.dialogue import MIN_SUGGESTION_CONFIDENCE, answer_message, suggest_topics
from bot.knowledge import get_knowledge

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def knowledge():
    return get_knowledge()


def test_topic_answer_sets_context(knowledge):
    decision = answer_message(knowledge, "debate_date", "wanneer is het debat", None, TODAY)
    assert "5 december 2019" in decision.reply.text
    assert decision.context_topic == "debate_date"


def test_followup_uses_context(knowledge):
    decision = answer_message(knowledge, "followup_where", "en waar?", "debate_date", TODAY)
    assert "Troelstrazaal" in decision.reply.text
    assert decision.context_topic == "debate_location"


def test_small_talk_keeps_context(knowledge):
    decision = answer_message(knowledge, "thank", "bedankt", "programme", TODAY)
    assert decision.context_topic == "programme"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🙂🙂", "?!", None])
def test_nothing_to_read_gets_a_clear_reply(knowledge, text):
    decision = answer_message(knowledge, "greet", text, None, TODAY)
    assert decision.reply.topic_id == "empty_message"
    assert "geen vraag ontvangen" in decision.reply.text


def test_danger_wins_over_any_intent_and_starts_with_112(knowledge):
    decision = answer_message(knowledge, "labour_exploitation",
                              "ik word uitgebuit en durf niet weg te gaan", None, TODAY)
    first_sentence = decision.reply.text.split(". ")[0]
    assert "112" in first_sentence


def test_unknown_intent_explains_what_the_bot_can_do(knowledge):
    decision = answer_message(knowledge, "no_such_intent", "iets", None, TODAY)
    assert decision.reply.topic_id == "capabilities"


def test_unsure_nlu_offers_two_topics_and_something_else(knowledge):
    ranking = [("nlu_fallback", 0.4), ("debate_date", 0.35), ("debate_location", 0.3), ("greet", 0.1)]
    decision = suggest_topics(knowledge, "wanneer waar", ranking, None, TODAY)
    assert "Bedoelt u" in decision.reply.text
    assert [b.title for b in decision.buttons] == [
        "Wanneer is het debat?", "Waar vindt het debat plaats?", "Iets anders"]
    assert [b.payload for b in decision.buttons] == ["/debate_date", "/debate_location", "/something_else"]


def test_very_unsure_nlu_says_what_the_bot_is_for(knowledge):
    ranking = [("nlu_fallback", 0.4), ("avim", MIN_SUGGESTION_CONFIDENCE / 2)]
    decision = suggest_topics(knowledge, "xkcd plop", ranking, None, TODAY)
    assert decision.reply.topic_id == "out_of_scope"
    assert decision.buttons == []


def test_fallback_still_catches_danger(knowledge):
    decision = suggest_topics(knowledge, "help me ik word bedreigd", [("nlu_fallback", 0.4)], None, TODAY)
    assert decision.reply.topic_id == "acute_danger"
