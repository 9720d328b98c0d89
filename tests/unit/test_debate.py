import datetime as dt

import pytest

from bot.debate import debate_phase
from bot.knowledge import get_knowledge

DEBATE = dt.date(2019, 12, 5)


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (dt.date(2019, 11, 1), "before"),
        (dt.date(2019, 12, 4), "before"),
        (DEBATE, "on_the_day"),
        (dt.date(2019, 12, 6), "after"),
        (dt.date(2026, 11, 29), "after"),
    ],
)
def test_phase(today, phase):
    assert debate_phase(today, DEBATE) == phase


def test_date_answer_uses_future_tense_before_the_debate():
    text = get_knowledge().reply("debate_date", dt.date(2019, 11, 20)).text
    assert "5 december 2019" in text
    assert "is op donderdag 5 december 2019" in text and "was op" not in text


def test_date_answer_uses_past_tense_and_points_to_the_report_afterwards():
    text = get_knowledge().reply("debate_date", dt.date(2020, 1, 10)).text
    assert "was op donderdag 5 december 2019" in text
    assert "verslag" in text


def test_report_answer_says_it_is_not_ready_before_the_debate():
    before = get_knowledge().reply("debate_report", dt.date(2019, 12, 1)).text
    after = get_knowledge().reply("debate_report", dt.date(2019, 12, 9)).text
    assert "nog niet" in before
    assert "nog niet" not in after and "woordelijk verslag" in after


def test_content_date_is_the_date_on_the_page():
    from bot.page import load_sections

    knowledge = get_knowledge()
    assert knowledge.content.debate_date == DEBATE
    assert knowledge.content.debate_label in load_sections()[0].text
