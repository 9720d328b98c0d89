"""Every answer as a citizen reads it in 2026: true today, B1, safety answers in first-aid order.

The page is from December 2019. The patterns below are what an editor found stated
as the present (issue "Every answer true today and easy to read"); none may return.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.content import KIND_SAFETY, load_content
from bot.knowledge import Knowledge
from bot.staff import readability

TODAY = dt.date(2026, 11, 29)
CONTENT = load_content()
KNOWLEDGE = Knowledge(CONTENT)
SAFETY_TOPICS = sorted(t.topic_id for t in CONTENT.topics.values() if t.kind == KIND_SAFETY)
PHONE_NUMBERS = re.compile(r"\b(?:112|0900-8844|0800-7000|0800-5151|0800-0432)\b|\+31 343 578 844")

# People, plans and figures of 2019 told as today's facts.
PRESENT_TENSE = [
    r"\bis Herman Bolhaar\b",
    r"\bBolhaar (?:is|benadrukt)\b",
    r"\bHij benadrukt\b",
    r"\bspreekt op\b",
    r"(?<!toenmalig )(?<!toenmalige )staatssecretaris(?: van Justitie en Veiligheid)?,? Broekers-Knol",
    r"\bgaan vaker ingrijpen\b",
    r"\bgaat (?:de politie )?(?:internationaal )?samenwerken\b",
    r"\bgaat (?:daarom )?verkennen\b",
    r"\bstelt\b[^.]*\bbeschikbaar\b",
    r"\bkomen er\b[^.]*\bbij\b",
    r"\bworden\b[^.]*\baangetrokken\b",
    r"\bde afgelopen jaren\b",
    r"\bwanneer en waar het debat is\b",
    r"\bEr zijn drie vormen\b",
    r"\bHet doel\b",
    r"\bcommissiedebat\b",
    r"\bvond plaats in de Troelstrazaal\b",
]
PRESENT_TENSE_TITLES = [r"^Wanneer is het debat\?$", r"^Wie komt er namens het kabinet\?$"]


def _texts() -> list[tuple[str, str]]:
    return [(topic_id, KNOWLEDGE.answer_text(topic_id, TODAY)) for topic_id in CONTENT.topics]


@pytest.mark.parametrize(("topic_id", "text"), _texts())
def test_no_2019_fact_is_told_as_today(topic_id, text):
    found = [pattern for pattern in PRESENT_TENSE if re.search(pattern, text)]
    assert not found, f"{topic_id}: {found} in {text!r}"


@pytest.mark.parametrize(("topic_id", "text"), _texts())
def test_the_old_name_of_the_labour_inspectorate_comes_with_the_new_one(topic_id, text):
    if "Inspectie SZW" in text:
        assert "Arbeidsinspectie" in text, topic_id


@pytest.mark.parametrize("topic_id", sorted(CONTENT.topics))
def test_button_titles_are_in_the_right_tense(topic_id):
    title = CONTENT.topics[topic_id].title
    assert not any(re.search(pattern, title) for pattern in PRESENT_TENSE_TITLES), title


@pytest.mark.parametrize(("topic_id", "text"), _texts())
def test_no_answer_starts_with_yes_or_no_by_itself(topic_id, text):
    assert not text.startswith(("Ja.", "Nee.", "Ja,", "Nee,")), topic_id


@pytest.mark.parametrize(("name", "text"), list(readability.answer_texts()))
def test_every_answer_is_b1(name, text):
    figures = readability.measure(text)
    assert figures.words_per_sentence <= readability.MAX_AVERAGE_WORDS, (name, figures)
    assert figures.longest_sentence <= readability.MAX_SENTENCE_WORDS, (name, figures)


def test_every_page_answer_names_the_date_of_the_page():
    for topic in CONTENT.topics.values():
        if topic.section:
            assert "(december 2019)" in (KNOWLEDGE.source_line(topic) or ""), topic.topic_id


@pytest.mark.parametrize("topic_id", SAFETY_TOPICS)
def test_safety_answers_put_112_first_and_speak_to_the_reader(topic_id):
    text = KNOWLEDGE.answer_text(topic_id, TODAY)
    first_sentence = readability.sentences(text)[0]
    assert "112" in first_sentence, topic_id
    assert re.search(r"\bu\b|\buw\b", text), topic_id


@pytest.mark.parametrize("topic_id", SAFETY_TOPICS)
def test_safety_source_lines_name_every_number_given(topic_id):
    topic = CONTENT.topics[topic_id]
    given = set(PHONE_NUMBERS.findall(KNOWLEDGE.answer_text(topic_id, TODAY))) - {"112"}
    named = set(PHONE_NUMBERS.findall(topic.source or ""))
    assert given <= named, (topic_id, given - named)


def test_safety_answers_link_to_each_other():
    for topic_id in ("acute_danger", "report_suspicion", "victim_help"):
        assert CONTENT.topics[topic_id].related.get("more") in SAFETY_TOPICS, topic_id


@pytest.mark.parametrize("topic_id", ["non_dutch", "fallback"])
def test_messages_without_an_answer_still_name_112(topic_id):
    assert "112" in KNOWLEDGE.answer_text(topic_id, TODAY)
