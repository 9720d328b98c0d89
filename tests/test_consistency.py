"""Every intent has examples, a rule or story, and an answer; every answer names a real section.

Failures name the file and the intent to fix, so staff adding a topic see what is missing.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from bot.content import KIND_DETAIL, KIND_FORM, KIND_PAGE, load_content
from bot.page import section_headings
from bot.situations import SITUATION_FORMS, SITUATION_TOPIC

ROOT = Path(__file__).resolve().parent.parent
MIN_EXAMPLES = 15
CONTENT = load_content()
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
DOMAIN_INTENTS = [i if isinstance(i, str) else next(iter(i)) for i in DOMAIN["intents"]]


def _examples(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """intent -> [(file name, example)] for every NLU file under ``folder``."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                for line in block["examples"].splitlines():
                    if line.strip().startswith("- "):
                        found[block["intent"]].append((path.name, line.strip()[2:].strip()))
    return found


def _intents_in_steps(folder: Path, key: str) -> dict[str, str]:
    """intent -> file name, for every rule or story under ``folder``."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get(key, []) or []:
            for step in item.get("steps", []):
                if "intent" in step:
                    found.setdefault(step["intent"], path.name)
    return found


TRAINING = _examples(ROOT / "data" / "nlu")
HELDOUT = _examples(ROOT / "tests" / "nlu")
DIALOGUE = {**_intents_in_steps(ROOT / "data" / "stories", "stories"),
            **_intents_in_steps(ROOT / "data" / "rules", "rules")}


@pytest.mark.parametrize("intent", DOMAIN_INTENTS)
def test_intent_has_enough_examples(intent):
    count = len(TRAINING.get(intent, []))
    assert count >= MIN_EXAMPLES, (
        f"domain.yml intent '{intent}': {count} examples in data/nlu/, needs at least {MIN_EXAMPLES}")


@pytest.mark.parametrize("intent", DOMAIN_INTENTS)
def test_intent_has_a_rule_or_story(intent):
    assert intent in DIALOGUE, (
        f"domain.yml intent '{intent}': no rule in data/rules/ or story in data/stories/")


@pytest.mark.parametrize("intent", DOMAIN_INTENTS)
def test_intent_has_an_answer(intent):
    assert intent in CONTENT.topics or intent in CONTENT.followups, (
        f"domain.yml intent '{intent}': no entry under topics or followups in bot/content/answers.yml")


@pytest.mark.parametrize("topic_id", sorted(t.topic_id for t in CONTENT.topics.values()
                                             if not t.is_system_message and t.has_intent))
def test_answer_has_an_intent(topic_id):
    assert topic_id in DOMAIN_INTENTS, (
        f"bot/content/answers.yml topic '{topic_id}': no intent of that name in domain.yml")


@pytest.mark.parametrize("topic_id", sorted(t.topic_id for t in CONTENT.topics.values() if t.kind == KIND_FORM))
def test_every_form_is_one_the_situation_reader_can_choose(topic_id):
    """A form has no intent: bot/situations.py picks it from the words of a `situation` message."""
    assert SITUATION_TOPIC in CONTENT.topics and topic_id in SITUATION_FORMS


@pytest.mark.parametrize("topic_id", SITUATION_FORMS)
def test_every_form_the_situation_reader_chooses_is_a_form_topic(topic_id):
    assert CONTENT.topics[topic_id].kind == KIND_FORM


@pytest.mark.parametrize("topic_id", sorted(t.topic_id for t in CONTENT.topics.values() if t.kind == KIND_DETAIL))
def test_every_detail_is_reachable_from_a_topic_with_an_intent(topic_id):
    """A detail has no intent: some topic NLU can recognise must link to it (directly or via details)."""
    reachable = {t.topic_id for t in CONTENT.topics.values() if t.has_intent}
    frontier = list(reachable)
    while frontier:
        for target in CONTENT.topics[frontier.pop()].related.values():
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert topic_id in reachable, f"bot/content/answers.yml detail '{topic_id}': no topic links to it"


@pytest.mark.parametrize("topic_id", sorted(CONTENT.topics))
def test_page_answers_name_an_existing_section(topic_id):
    topic = CONTENT.topics[topic_id]
    if topic.kind in (KIND_PAGE, KIND_DETAIL):
        assert topic.section in section_headings(), (
            f"bot/content/answers.yml topic '{topic_id}': section '{topic.section}' is not on the page")


@pytest.mark.parametrize("heading", section_headings())
def test_every_page_section_is_answered(heading):
    assert any(t.section == heading for t in CONTENT.topics.values()), (
        f"bot/content/page.txt section '{heading}': no topic in answers.yml answers from it")


def test_no_example_is_trained_under_two_intents():
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, examples in TRAINING.items():
        for file_name, example in examples:
            owners[example.lower()].add(f"{intent} ({file_name})")
    clashes = {example: sorted(where) for example, where in owners.items() if len(where) > 1}
    assert not clashes, f"the same example under several intents: {clashes}"


def _normalised(example: str) -> str:
    """Case, accents and punctuation do not make a sentence new."""
    decomposed = unicodedata.normalize("NFKD", example)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w\s\[\]-]", " ", text).split())


def test_heldout_set_is_never_trained_on():
    trained = {_normalised(example) for examples in TRAINING.values() for _, example in examples}
    leaked = sorted(example for examples in HELDOUT.values() for _, example in examples
                    if _normalised(example) in trained)
    assert not leaked, f"tests/nlu/heldout.yml examples also in data/nlu/: {leaked}"


def test_heldout_set_covers_every_intent():
    missing = sorted(set(DOMAIN_INTENTS) - set(HELDOUT))
    assert not missing, f"tests/nlu/heldout.yml has no examples for: {missing}"
