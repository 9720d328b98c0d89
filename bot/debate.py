"""Tense of the debate answers: the page announces a debate that has a fixed date."""
from __future__ import annotations

import datetime as dt


def debate_phase(today: dt.date, debate_date: dt.date) -> str:
    """'before', 'on_the_day' or 'after' the debate, seen from ``today``."""
    if today < debate_date:
        return "before"
    if today == debate_date:
        return "on_the_day"
    return "after"
