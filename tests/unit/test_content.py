import copy

import pytest
import yaml

from bot.content import ANSWERS_FILE, ContentError, load_content, parse_content
from bot.page import section_headings

RAW = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))


def parse(raw):
    return parse_content(raw, section_headings())


def test_answers_file_loads():
    content = load_content()
    assert "trafficking_definition" in content.topics
    assert content.topics["debate_date"].is_date_dependent


def test_every_answer_is_short_plain_dutch():
    for topic in load_content().topics.values():
        texts = [topic.answer] if isinstance(topic.answer, str) else list(topic.answer.values())
        for text in texts:
            sentences = [s for s in text.replace("?", ".").replace("!", ".").split(". ") if s.strip()]
            assert 1 <= len(sentences) <= 4, f"{topic.topic_id}: {len(sentences)} sentences"
            assert " je " not in f" {text.lower()} ", f"{topic.topic_id}: use 'u', not 'je'"


def test_unknown_section_is_refused_with_the_valid_headings():
    raw = copy.deepcopy(RAW)
    raw["topics"]["avim"]["section"] = "AVIM"
    with pytest.raises(ContentError, match=r"topics\.avim\.section.*not a heading.*Volg live"):
        parse(raw)


def test_dated_answer_needs_all_three_phases():
    raw = copy.deepcopy(RAW)
    del raw["topics"]["debate_date"]["answer"]["after"]
    with pytest.raises(ContentError, match=r"debate_date\.answer.*missing: \['after'\]"):
        parse(raw)


def test_empty_answer_is_refused():
    raw = copy.deepcopy(RAW)
    raw["topics"]["avim"]["answer"] = "  "
    with pytest.raises(ContentError, match=r"topics\.avim\.answer"):
        parse(raw)


def test_followup_to_unknown_topic_is_refused():
    raw = copy.deepcopy(RAW)
    raw["topics"]["programme"]["more"] = "no_such_topic"
    with pytest.raises(ContentError, match="no_such_topic"):
        parse(raw)


def test_safety_topic_needs_a_source():
    raw = copy.deepcopy(RAW)
    del raw["topics"]["report_suspicion"]["source"]
    with pytest.raises(ContentError, match=r"report_suspicion\.source"):
        parse(raw)


def test_invalid_yaml_names_the_file(tmp_path):
    broken = tmp_path / "answers.yml"
    broken.write_text("topics: [unclosed", encoding="utf-8")
    with pytest.raises(ContentError, match="answers.yml: not valid YAML"):
        load_content(broken)
