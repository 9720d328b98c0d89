"""bot.questions: aspects, yes/no form and verdicts, comparisons and double questions."""
from __future__ import annotations

import pytest

from bot.questions import (
    aspects,
    claimed_values,
    claims_only,
    comparison_parts,
    is_yes_no_question,
    name_score,
    split_questions,
    verdict,
)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("wie financiert die uitbreiding eigenlijk", "money"),
        ("wie betaalde die extra mensen toen", "money"),
        ("wie financierden dat destijds", "money"),
        ("en wie draait er voor de kosten op?", "money"),
        ("welk tijdvak beslaat dat rapport", "period"),
        ("hoe komt het dat er minder meldingen zijn", "why"),
        ("om welke reden dan", "why"),
        ("hoeveel zijn het er precies", "count"),
        ("sinds wanneer bestaat dat", "when"),
        ("met wie werken ze samen", "who"),
        ("welke organisaties doen mee", "who"),
        ("in welke zaal was het", "where"),
    ],
)
def test_aspect_cues(text, first):
    assert aspects(text)[0] == first


@pytest.mark.parametrize("text", ["wat staat er in het rapport", "vertel eens over de politie", "", None])
def test_plain_questions_have_no_aspect(text):
    assert aspects(text) == []


def test_where_cue_ignores_waarover():
    assert "where" not in aspects("waar maakt de rapporteur zich zorgen over")


@pytest.mark.parametrize("text", [
    "Klopt het dat de politie samenwerkt met Spanje?",
    "is de commissie van sociale zaken verantwoordelijk",
    "Hebben gemeenten er ook een rol in?",
    "het debat was in de ochtend, toch?",
    "De AVIM valt onder defensie of niet?",
])
def test_yes_no_questions(text):
    assert is_yes_no_question(text)


@pytest.mark.parametrize("text", [
    "wat is criminele uitbuiting", "Wie komt er namens het kabinet?", "vertel meer", "hoeveel landen",
])
def test_open_questions_are_not_yes_no(text):
    assert not is_yes_no_question(text)


def test_only_claims():
    assert claims_only("gaat het enkel om mannen?")
    assert not claims_only("welke vormen zijn er")


def test_claimed_values_by_kind():
    found = claimed_values("Was de minister er in 2021 en werkten er drie ministeries samen in de Thorbeckezaal?")
    assert found == {"year": {"2021"}, "number": {"3"}, "role": {"minister"}, "place": {"thorbeckezaal"}}
    assert claimed_values("wat is het ministerie van justitie") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was het overleg in 2019?", "ja"),
        ("Was het overleg in 2018?", "nee"),
        ("is het in de ridderzaal", "nee"),
        ("was het in de troelstrazaal", "ja"),
        ("zijn het vijf ministeries", "nee"),
        ("werkt de politie samen met de balkan", "ja"),
        ("werkt de politie ook in Spanje", "nee"),
    ],
)
def test_verdict_checks_claims(text, expected):
    checks = {"year": ("2019",), "place": ("troelstrazaal",), "number": ("4",),
              "country": ("polen", "italie", "westelijke balkanroute")}
    assert verdict(text, checks, None) == expected


def test_verdict_falls_back_to_the_topic_default_and_else_says_nothing():
    assert verdict("is dat belangrijk?", {"year": ("2019",)}, "ja") == "ja"
    assert verdict("is dat belangrijk?", {}, None) is None
    # A claim of a kind the topic cannot check decides nothing.
    assert verdict("was dat in 2020", {"place": ("troelstrazaal",)}, None) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Wat is het verschil tussen de AVIM en CoMensha?", ("de avim", "comensha")),
        ("hoe verschilt bedelen van stelen", ("bedelen", "stelen")),
        ("vergelijk de dadermonitor met de slachtoffermonitor", ("de dadermonitor", "de slachtoffermonitor")),
        ("arbeidsuitbuiting of seksuele uitbuiting, wat is het verschil?", ("arbeidsuitbuiting",
                                                                            "seksuele uitbuiting")),
    ],
)
def test_comparisons(text, parts):
    assert comparison_parts(text) == parts


def test_not_a_comparison():
    assert comparison_parts("welke verschillende vormen zijn er") is None


def test_shared_question_words():
    parts = split_questions("waar en wanneer was dat overleg")
    assert parts is not None and parts.shared_aspects == ("where", "when")


def test_two_full_questions():
    parts = split_questions("Wie is de rapporteur? Wat zegt hij over de registratie?")
    assert parts is not None and parts.fragments == ("wie is de rapporteur", "wat zegt hij over de registratie")
    parts = split_questions("wat doet de avim en wie betaalt dat")
    assert parts is not None and parts.fragments == ("wat doet de avim", "wie betaalt dat")


@pytest.mark.parametrize("text", ["wat is mensenhandel", "hoe en waarom", "wie en wat", "mensenhandel en uitbuiting"])
def test_single_questions_are_not_split(text):
    parts = split_questions(text)
    assert parts is None or not parts.fragments or len(parts.fragments) < 2 or parts.shared_aspects


def test_name_scores_are_typo_tolerant_for_long_names_only():
    assert name_score("de slachtofermonitor", "slachtoffermonitor") >= 88
    assert name_score("wat doet de avim", "avim") > 100
    assert name_score("wat doet de avm", "avim") == 0


def test_a_statement_with_a_question_mark_is_a_yes_no_question():
    assert is_yes_no_question("Dat valt ook onder mensenhandel?")
    assert not is_yes_no_question("Bij welke afdeling komen de specialisten?")
    assert not is_yes_no_question("en hoe zit dat met de politie?")


def test_a_yes_no_question_after_en_is_a_second_question():
    parts = split_questions("hoe kan ik het overleg live volgen en kan ik het later nalezen")
    assert parts is not None and parts.fragments == ("hoe kan ik het overleg live volgen", "kan ik het later nalezen")
