import datetime as dt

from rasa_sdk.events import SlotSet

from actions.answers import ActionAnswer, ActionSuggestTopics
from tests.conftest import make_tracker

BEFORE = dt.date(2019, 11, 28)
AFTER = dt.date(2026, 11, 29)


async def test_answer_before_the_debate_uses_future_tense(dispatcher):
    action = ActionAnswer(today=lambda: BEFORE)
    events = await action.run(dispatcher, make_tracker("wanneer is het debat", "debate_date"), {})
    [message] = dispatcher.messages
    assert "is op donderdag 5 december 2019" in message["text"]
    assert "Bron: de pagina Uitgelicht: Mensenhandel (december 2019), inleiding." in message["text"]
    assert events == [SlotSet("last_topic", "debate_date")]


async def test_answer_after_the_debate_uses_past_tense(dispatcher):
    action = ActionAnswer(today=lambda: AFTER)
    await action.run(dispatcher, make_tracker("wanneer was het debat", "debate_date"), {})
    assert "was op donderdag 5 december 2019" in dispatcher.messages[0]["text"]


async def test_followup_reads_the_last_topic_slot(dispatcher):
    tracker = make_tracker("En waar?", "followup", slots={"last_topic": "debate_date"})
    events = await ActionAnswer(today=lambda: AFTER).run(dispatcher, tracker, {})
    assert "Troelstrazaal" in dispatcher.messages[0]["text"]
    assert events == [SlotSet("last_topic", "debate_location")]


async def test_unchanged_context_sets_no_slot(dispatcher):
    tracker = make_tracker("dank je", "thank", slots={"last_topic": "avim"})
    assert await ActionAnswer().run(dispatcher, tracker, {}) == []


async def test_suggestions_are_buttons_with_human_titles(dispatcher):
    tracker = make_tracker("verslag live", "nlu_fallback", confidence=0.4, ranking=[
        ("nlu_fallback", 0.4), ("debate_report", 0.38), ("debate_watch_live", 0.33)])
    await ActionSuggestTopics().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["text"].startswith("Ik weet niet zeker wat u bedoelt")
    assert [b["title"] for b in message["buttons"]] == [
        "Waar lees ik het verslag van het overleg?", "Hoe was het overleg live te volgen?", "Iets anders"]


async def test_empty_message_gets_a_reply(dispatcher):
    await ActionAnswer().run(dispatcher, make_tracker("", "nlu_fallback"), {})
    assert "geen vraag ontvangen" in dispatcher.messages[0]["text"]


async def test_a_failing_action_replies_in_dutch_and_raises_nothing(dispatcher, monkeypatch):
    import actions.answers

    def broken(*args, **kwargs):
        raise RuntimeError("answers file unreadable: wat is mensenhandel")

    monkeypatch.setattr(actions.answers, "answer_message", broken)
    events = await ActionAnswer().run(dispatcher, make_tracker("wat is mensenhandel", "trafficking_definition"), {})
    assert events == []
    [message] = dispatcher.messages
    assert message["text"].startswith("Er ging iets mis")
