import pytest

from bot.safety import sounds_like_danger


@pytest.mark.parametrize(
    "message",
    [
        "ik word uitgebuit en durf niet weg te gaan",
        "Ik word gedwongen om te werken zonder loon",
        "mijn baas heeft mijn paspoort afgepakt",
        "help me alsjeblieft",
        "Mijn zus wordt uitgebuit in een bordeel",
        "ik kan niet weg uit dit huis",
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
