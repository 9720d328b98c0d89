import datetime as dt
import shutil

import pytest

from bot import knowledge as knowledge_module
from bot.knowledge import get_knowledge
from bot.questions import followup_aspects

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def knowledge():
    return get_knowledge()


def test_page_answer_names_its_section(knowledge):
    reply = knowledge.reply("avim", TODAY)
    assert "Vreemdelingenpolitie" in reply.text
    assert "onderdeel ‘Afdeling Vreemdelingenpolitie" in reply.full_text


def test_intro_answer_names_the_introduction(knowledge):
    assert "(december 2019), inleiding." in knowledge.reply("debate_minister", TODAY).full_text


def test_safety_answer_names_its_source(knowledge):
    reply = knowledge.reply("report_suspicion", TODAY)
    assert "0900-8844" in reply.text and "0800-7000" in reply.text
    assert reply.full_text.endswith("Meld Misdaad Anoniem (0800-7000); CoMensha (comensha.nl).")


def test_small_talk_has_no_source_line(knowledge):
    assert knowledge.reply("greet", TODAY).source_line is None


@pytest.mark.parametrize(
    ("text", "last_topic", "expected"),
    [
        ("en waar?", "debate_date", "debate_location"),
        ("op welke plek dan", None, "debate_location"),
        ("en wanneerr", "debate_location", "debate_date"),
        ("vertel meer", "programme", "programme_results"),
        ("ga door", "rapporteur", "rapporteur_concerns"),
        ("meer info graag", "avim", "avim_reinforcement"),
        ("vertel meer", None, "capabilities"),
        ("waar dan", "programme_results", "international_cooperation"),
        ("wie dan?", "debate_date", "debate_minister"),
        ("en wie", "no_longer_a_topic", "debate_minister"),
        # An aspect without a default and no link: the previous answer again.
        ("wrm", "debate_committee", "debate_committee"),
    ],
)
def test_followups_follow_the_previous_answer(knowledge, text, last_topic, expected):
    assert knowledge.resolve_followup("followup", last_topic, followup_aspects(text)) == expected


@pytest.mark.parametrize(
    ("text", "aspect"),
    [("op welke locatie", "where"), ("waarr", "where"), ("hoe laat dan", "when"), ("wnneer", "when"),
     ("welke jaartallen", "period"), ("wat is de oorzaak", "why"), ("waaromm", "why"), ("wrm", "why"),
     ("in cijfers?", "count"), ("hoevel", "count"), ("welke personen", "who"), ("wiee", "who")],
)
def test_a_followup_names_its_aspect_without_a_question_word_or_with_a_typo(text, aspect):
    assert followup_aspects(text)[0] == aspect


@pytest.mark.parametrize("text", ["vertel meer", "ga door", "nog iets?", "en verder"])
def test_a_followup_without_a_question_word_asks_for_more(text):
    assert followup_aspects(text) == []


def test_suggestions_skip_small_talk_and_unknown_intents(knowledge):
    ranking = [("nlu_fallback", 0.9), ("greet", 0.5), ("avim", 0.3), ("unknown", 0.2),
               ("programme", 0.1), ("rapporteur", 0.05)]
    assert [s.topic_id for s in knowledge.suggestions(ranking)] == ["avim", "programme"]
    assert knowledge.suggestions(ranking)[0].payload == "/avim"


def test_changed_answers_file_is_reloaded_and_a_broken_one_is_ignored(tmp_path, monkeypatch):
    answers = tmp_path / "answers.yml"
    shutil.copy(knowledge_module.ANSWERS_FILE, answers)
    reloading = knowledge_module._reloading_knowledge(answers)
    assert "was Herman Bolhaar" in reloading.get().reply("rapporteur", TODAY).text

    text = answers.read_text(encoding="utf-8").replace("was Herman Bolhaar", "was Herman Bolhaar nog")
    answers.write_text(text, encoding="utf-8")
    import os
    os.utime(answers, (1, 1))
    assert "Bolhaar nog" in reloading.get().reply("rapporteur", TODAY).text

    answers.write_text("topics: [broken", encoding="utf-8")
    os.utime(answers, (2, 2))
    assert "Bolhaar nog" in reloading.get().reply("rapporteur", TODAY).text


def test_a_detail_answers_other_aspects_through_its_topic(knowledge):
    assert knowledge.linked("registration_decline_reason", ["period"]) == "victim_monitor_period"
    assert knowledge.linked("avim_experts", ["money"]) == "avim_funding"  # its own link first
    assert knowledge.linked("victim_monitor", ["money"]) is None


def test_a_detail_with_several_topics_asks_each_of_them(knowledge):
    # detection_aim is linked from police_priority and from programme; only programme links "who".
    assert knowledge.linked("detection_aim", ["who"]) == "programme_partners"


def _edit(path, old, new, stamp):
    import os

    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, (stamp, stamp))


def test_an_edit_that_fails_make_check_does_not_go_live(tmp_path, caplog):
    answers = tmp_path / "answers.yml"
    shutil.copy(knowledge_module.ANSWERS_FILE, answers)
    reloading = knowledge_module._reloading_knowledge(answers)
    assert "was Herman Bolhaar" in reloading.get().reply("rapporteur", TODAY).text

    # Personal data in an answer: valid YAML and a valid schema, but make check refuses it.
    _edit(answers, "was Herman Bolhaar", "was Herman Bolhaar (bel hem op 06-12345678)", 1)
    with caplog.at_level("ERROR"):
        text = reloading.get().reply("rapporteur", TODAY).text
    assert "06-12345678" not in text and "was Herman Bolhaar" in text
    assert "persoonlijke gegevens" in caplog.text and "Kept the previous answers" in caplog.text

    # Fixed again: the next edit goes live.
    _edit(answers, " (bel hem op 06-12345678)", "", 2)
    _edit(answers, "was Herman Bolhaar", "was Herman Bolhaar nog", 3)
    assert "Bolhaar nog" in reloading.get().reply("rapporteur", TODAY).text


def test_a_copied_topic_block_with_an_existing_id_does_not_go_live(tmp_path, caplog):
    answers = tmp_path / "answers.yml"
    shutil.copy(knowledge_module.ANSWERS_FILE, answers)
    reloading = knowledge_module._reloading_knowledge(answers)
    original = reloading.get().reply("avim", TODAY).text
    copy = "\n  avim:\n    title: Kopie\n    section: Volg live\n    answer: Een gekopieerd antwoord.\n"
    _edit(answers, "\n  # --- Gesprek", copy + "\n  # --- Gesprek", 1)
    with caplog.at_level("ERROR"):
        assert reloading.get().reply("avim", TODAY).text == original
    assert "twice" in caplog.text or "twee keer" in caplog.text
