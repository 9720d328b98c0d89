import pytest

from bot.safety import sounds_like_danger
from bot.situations import SITUATION_TOPIC


@pytest.mark.parametrize(
    "message",
    [
        "ik word uitgebuit en durf niet weg te gaan",
        "Ik word gedwongen om te werken zonder loon",
        "mijn baas heeft mijn paspoort afgepakt",
        "help me alsjeblieft",
        "Mijn zus wordt uitgebuit in een bordeel",
        "ik kan niet weg uit dit huis",
        "mijn vriendin durft niet weg bij die man",
        "ze mogen niet naar buiten van de baas",
        "ze bedreigen me als ik praat",
        "ik ben bang",
        "IK BEN IN GEVAAR",
        "ik word bedreigd",
    ],
)
def test_distress_is_recognised(message):
    assert sounds_like_danger(message)


@pytest.mark.parametrize(
    "message",
    [
        "wat is gedwongen prostitutie",
        "Wat is mensenhandel?",
        "wanneer is het debat",
        "ik wil een vermoeden melden",
        "hoe helpt de overheid slachtoffers",
        "",
        None,
    ],
)
def test_ordinary_questions_are_not_flagged(message):
    assert not sounds_like_danger(message)


@pytest.mark.parametrize(
    "message",
    [
        "ik ben opgeslotn",  # one letter missing
        "ik wordt mishandelt door mijn baas",  # d/t slip
        "ik ben zo bagn",  # swapped letters in a short word
        "mijn vriendin wordt vastgehoudn",
        "ik word gedwongn om te werken",
    ],
)
def test_distress_with_typos_is_recognised(message):
    assert sounds_like_danger(message)


@pytest.mark.parametrize(
    "message",
    ["ik ben bij de bank", "mijn band is lek", "ik durft het niet te vragen", "wat is gevaarlijk werk"],
)
def test_real_words_near_key_words_are_not_typos(message):
    assert not sounds_like_danger(message)


def _non_danger_examples() -> list[tuple[str, str]]:
    from pathlib import Path

    from bot.training_data import training_examples

    root = Path(__file__).resolve().parents[2]
    danger = {"acute_danger"}
    return [(intent, text) for folder in ("data/nlu", "tests/nlu")
            for intent, text in training_examples(root / folder) if intent not in danger]


def test_no_harmless_example_is_taken_for_danger():
    """The safety net fires on no non-danger sentence of the training data or the held-out sets.

    Described situations are left out: some are danger, and their own answers start
    with 112 as well (bot.dialogue keeps them when the net fires).
    """
    flagged = [(intent, text) for intent, text in _non_danger_examples()
               if intent != SITUATION_TOPIC and sounds_like_danger(text)]
    assert not flagged


@pytest.mark.parametrize("message", ["plz help er staat een man voor de deur", "Help!", "help, hij komt eraan"])
def test_a_message_that_opens_with_help_is_danger(message):
    assert sounds_like_danger(message)


@pytest.mark.parametrize("message", ["help", "helpp", "help bij het zoeken naar het verslag"])
def test_help_alone_or_with_a_task_is_not_danger(message):
    assert not sounds_like_danger(message)
