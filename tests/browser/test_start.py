"""The start of the chat says what this is before the first question (issue: 'a start that says what this is')."""
from __future__ import annotations

import pytest

from tests.browser.helpers import Chat

pytestmark = pytest.mark.browser


def test_the_start_says_it_is_automated_who_reads_and_that_reporting_is_not_possible(chat: Chat) -> None:
    chat.load().open()
    start = chat.log.inner_text()
    assert "computerprogramma, geen mens" in start
    assert "Medewerkers van de Tweede Kamer lezen gesprekken" in start
    assert "Melden of hulp vragen kan hier niet" in start
    # The help lines in the start can be called from a phone.
    assert chat.log.locator("a[href='tel:112']").count() == 1
    assert chat.log.locator("a[href='tel:09008844']").count() == 1


def test_an_example_question_is_answered(chat: Chat) -> None:
    chat.load().open()
    examples = chat.log.get_by_role("group", name="Voorbeeldvragen").get_by_role("button")
    assert examples.count() == 3
    examples.first.click()
    chat.wait_for_bot_messages(1)
    assert "Wat is mensenhandel?" in chat.user_messages().last.inner_text()
    assert "uitbuiten" in chat.last_bot_text()
